package org.telemetryhub.hub.metrics;

/** Why a TCP connection was refused at accept; the names are metric tag values. */
public enum ConnectionRefusal {
  MAX_CONNECTIONS("max_connections"),
  MAX_PER_ADDRESS("max_per_address");

  private final String tag;

  ConnectionRefusal(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
