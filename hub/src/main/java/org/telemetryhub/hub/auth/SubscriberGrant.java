package org.telemetryhub.hub.auth;

import java.util.List;
import org.telemetryhub.hub.address.TopicFilter;

/** Who a subscriber is and which channel filters its token lets it use. */
public record SubscriberGrant(String name, List<TopicFilter> channels) {

  /** The first granted filter that covers {@code wanted}, or null when none does. */
  public boolean permits(TopicFilter wanted) {
    return channels.stream().anyMatch(wanted::isCoveredBy);
  }
}
