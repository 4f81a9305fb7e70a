# Multi-stage build of the hub and the simulator (one image, two entry points).
#   docker compose build    (or: docker build -t telemetry-hub .)

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# curl for the compose health checks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /data --shell /usr/sbin/nologin hub \
 && mkdir -p /data /opt/telemetry-hub \
 && chown hub /data
COPY --from=build /src/hub/target/hub.jar /opt/telemetry-hub/hub.jar
COPY --from=build /src/device-sim/target/device-sim.jar /opt/telemetry-hub/device-sim.jar
USER hub
WORKDIR /data
ENV HUB_DATA_DIR=/data
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/telemetry-hub/hub.jar"]
CMD ["serve"]
