# One image, two entry points: the hub (default) and the device simulator.
#   docker compose build    (or: docker build -t telemetry-hub .)

FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
# The dependencies first, in a layer of their own: as long as no pom.xml changes, a rebuild after
# a change of the sources downloads nothing. (go-offline misses a few plugin dependencies; the
# package step below fetches those, a few hundred kilobytes.)
COPY pom.xml ./
COPY hub/pom.xml hub/
COPY device-sim/pom.xml device-sim/
COPY benchmarks/pom.xml benchmarks/
COPY config/ config/
RUN mvn -B -q -pl hub,device-sim -am org.apache.maven.plugins:maven-dependency-plugin:3.11.0:go-offline -DexcludeReactor=true
# Only what runs: the hub and the simulator, not the benchmarks.
COPY hub/src hub/src
COPY device-sim/src device-sim/src
RUN mvn -B -q -pl hub,device-sim -am package -DskipTests

FROM eclipse-temurin:17.0.15_6-jre
# curl for the compose health checks; openssl for the cluster's certificates (deploy/cluster-certs.sh).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl openssl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /data --shell /usr/sbin/nologin hub \
 && mkdir -p /data /opt/telemetry-hub /cluster-certs \
 && chown hub /data /cluster-certs
COPY --from=build /src/hub/target/hub.jar /opt/telemetry-hub/hub.jar
COPY --from=build /src/device-sim/target/device-sim.jar /opt/telemetry-hub/device-sim.jar
COPY deploy/cluster-certs.sh /opt/telemetry-hub/cluster-certs.sh
USER hub
WORKDIR /data
ENV HUB_DATA_DIR=/data
EXPOSE 8080
# A hub out of memory ends (exit 3) for its supervisor to restart; this covers the JVM's own threads too.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/telemetry-hub/hub.jar"]
CMD ["serve"]
