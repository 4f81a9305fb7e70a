package org.telemetryhub.hub.metrics;

/** The policy under which a slow subscriber lost messages; the names are metric tag values. */
public enum LossPolicy {
  CONFLATE("conflate"),
  DROP_OLDEST("drop-oldest"),
  DISCONNECT("disconnect");

  private final String tag;

  LossPolicy(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
