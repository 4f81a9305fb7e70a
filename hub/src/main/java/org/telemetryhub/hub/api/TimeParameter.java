package org.telemetryhub.hub.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads the from/to parameters of the history API: epoch seconds, or ISO-8601 with a zone. */
final class TimeParameter {

  private TimeParameter() {
  }

  /** @throws IllegalArgumentException with a message fit for a 400 reply */
  static long epochSeconds(String name, String value) {
    if (value.matches("-?\\d{1,12}")) {
      return Long.parseLong(value);
    }
    try {
      return Instant.parse(value).getEpochSecond();
    } catch (DateTimeParseException notAnInstant) {
      try {
        return OffsetDateTime.parse(value).toEpochSecond();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'" + name + "' must be epoch seconds or ISO-8601 such as 2026-01-31T12:00:00Z, not '" + value + "'");
      }
    }
  }
}
