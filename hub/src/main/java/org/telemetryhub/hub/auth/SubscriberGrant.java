package org.telemetryhub.hub.auth;

import java.util.List;
import org.telemetryhub.hub.address.TopicFilter;

/** Who a subscriber is, which channel filters its token lets it use, and the session's credentials. */
public record SubscriberGrant(String name, List<TopicFilter> channels, Credentials credentials) {

  /** The first granted filter that covers {@code wanted}, or null when none does. */
  public boolean permits(TopicFilter wanted) {
    return channels.stream().anyMatch(wanted::isCoveredBy);
  }
}
