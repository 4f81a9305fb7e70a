package org.telemetryhub.hub.metrics;

/** A phase of a connection with a deadline (see edge.ConnectionGuard); the names are metric tag values. */
public enum ConnectionPhase {
  HEADERS("headers"), UPGRADE("upgrade"), IDLE("idle");

  private final String tag;

  ConnectionPhase(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
