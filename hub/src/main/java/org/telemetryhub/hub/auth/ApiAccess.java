package org.telemetryhub.hub.auth;

import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.address.Topics;

/**
 * What the holder of a token may do with the HTTP API: everything (role admin), every read (role
 * read), or, for a subscriber token, the reads about the devices its channel grants cover.
 */
public final class ApiAccess {

  /** The roles of api tokens. */
  public enum Role {
    READ, ADMIN;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the roles */
    public static Role fromWire(String name) {
      for (Role role : values()) {
        if (role.wireName().equals(name)) {
          return role;
        }
      }
      throw new IllegalArgumentException("role must be read or admin, not '" + name + "'");
    }
  }

  /** Access for everyone: the hub runs with authentication off. */
  public static final ApiAccess OPEN = new ApiAccess("anonymous", Role.ADMIN, null);

  private final String name;
  private final Role role;
  private final SubscriberGrant grant;

  private ApiAccess(String name, Role role, SubscriberGrant grant) {
    this.name = name;
    this.role = role;
    this.grant = grant;
  }

  public static ApiAccess api(String name, Role role) {
    return new ApiAccess(name, role, null);
  }

  public static ApiAccess subscriber(SubscriberGrant grant) {
    return new ApiAccess(grant.name(), null, grant);
  }

  public String name() {
    return name;
  }

  /** State-changing requests (revoking a device's tokens). */
  public boolean mayAdminister() {
    return role == Role.ADMIN;
  }

  /** Every read of every device, with the connection facts (remote addresses) an operator needs. */
  public boolean readsEverything() {
    return role != null;
  }

  /** Whether {@code device} may be seen at all: a topic of any kind of it is granted. */
  public boolean mayDescribe(String device) {
    return readsEverything() || grants(Topics.READINGS, device) || grants(Topics.STATUS, device)
        || grants(Topics.ALERTS, device);
  }

  /** Whether a topic of {@code kind} (readings, status, alerts) of {@code device} may be read. */
  public boolean mayRead(String kind, String device) {
    return readsEverything() || grants(kind, device);
  }

  private boolean grants(String kind, String device) {
    try {
      return grant.permits(TopicFilter.parse(kind + "/" + device));
    } catch (IllegalArgumentException notAnId) {
      return false;
    }
  }
}
