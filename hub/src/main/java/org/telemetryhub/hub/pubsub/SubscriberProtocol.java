package org.telemetryhub.hub.pubsub;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.telemetryhub.hub.address.Echo;
import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.address.Topics;
import org.telemetryhub.hub.auth.SubscriberGrant;

/**
 * The subscriber request protocol: for one request, what changes in a connection's subscriptions
 * and what the connection is answered, given the token's grant, the filters it holds and the
 * channel's limits. No I/O and no state of its own: the connection applies the outcome.
 *
 * <p>A subscribe request with some bad channels still applies the good ones; each bad one gets an
 * error reply naming it. Replies go out in order: errors, then retained messages (for {@code last}),
 * then the ack.
 */
final class SubscriberProtocol {

  /**
   * What one request does: filters to add and to drop, the filters whose retained messages are
   * wanted ({@code last}), the readings filters whose stored readings after {@code since} are
   * wanted (resume), the slow-consumer policy it sets (or null), error replies and the ack (or null).
   */
  record Outcome(List<TopicFilter> add, List<TopicFilter> remove, List<TopicFilter> retainedFor, List<TopicFilter> replayFor,
                 long since, SlowPolicy policy, List<byte[]> errors, byte[] ack) {

    /** Whether replies must wait for a lookup (retained messages, stored readings) before the ack. */
    boolean looksUp() {
      return !retainedFor.isEmpty() || !replayFor.isEmpty();
    }
  }

  private final int maxChannelsPerRequest;
  private final int maxSubscriptions;

  SubscriberProtocol(int maxChannelsPerRequest, int maxSubscriptions) {
    this.maxChannelsPerRequest = maxChannelsPerRequest;
    this.maxSubscriptions = maxSubscriptions;
  }

  Outcome handle(String text, SubscriberGrant grant, Set<TopicFilter> held) {
    SubscriberRequest request;
    try {
      request = SubscriberRequest.parse(text, maxChannelsPerRequest);
    } catch (SubscriberRequest.Invalid invalid) {
      return refused(invalid.getMessage(), invalid.id());
    }
    return request.action() == SubscriberRequest.Action.SUBSCRIBE ? subscribe(request, grant, held) : unsubscribe(request, held);
  }

  /** An error reply that stands for the whole message, such as for a binary frame. */
  static Outcome refused(String message, Object id) {
    return new Outcome(List.of(), List.of(), List.of(), List.of(), 0, null, List.of(error(message, id, null)), null);
  }

  private Outcome subscribe(SubscriberRequest request, SubscriberGrant grant, Set<TopicFilter> held) {
    Object id = request.id();
    List<byte[]> errors = new ArrayList<>();
    Set<TopicFilter> add = new LinkedHashSet<>();
    Set<TopicFilter> wanted = new LinkedHashSet<>();
    for (Object entry : request.channels()) {
      String text = Echo.of(String.valueOf(entry));
      TopicFilter filter;
      try {
        filter = SubscriberRequest.filter(entry);
      } catch (IllegalArgumentException e) {
        errors.add(error(e.getMessage(), id, text));
        continue;
      }
      if (!grant.permits(filter)) {
        errors.add(error("not permitted: your token does not grant '" + text + "'", id, text));
      } else if (held.contains(filter) || add.contains(filter)) {
        wanted.add(filter); // already subscribed: nothing changes, but 'last' still answers for it
      } else if (held.size() + add.size() >= maxSubscriptions) {
        errors.add(error("subscription limit of " + maxSubscriptions + " per connection reached: '" + text + "' not added",
            id, text));
      } else {
        add.add(filter);
        wanted.add(filter);
      }
    }
    // Resume applies to the readings filters of the request: only readings are stored.
    List<TopicFilter> replayFor = request.since() == null ? List.of()
        : wanted.stream().filter(filter -> filter.couldMatchKind(Topics.READINGS)).toList();
    return new Outcome(List.copyOf(add), List.of(), request.last() ? List.copyOf(wanted) : List.of(), replayFor,
        request.since() == null ? 0 : request.since(), request.policy(), errors, id == null ? null : ack(id));
  }

  private static Outcome unsubscribe(SubscriberRequest request, Set<TopicFilter> held) {
    List<byte[]> errors = new ArrayList<>();
    Set<TopicFilter> remove = new LinkedHashSet<>();
    for (Object entry : request.channels()) {
      try {
        TopicFilter filter = SubscriberRequest.filter(entry);
        if (held.contains(filter)) {
          remove.add(filter);
        }
      } catch (IllegalArgumentException e) {
        errors.add(error(e.getMessage(), request.id(), Echo.of(String.valueOf(entry))));
      }
    }
    return new Outcome(List.of(), List.copyOf(remove), List.of(), List.of(), 0, null, errors,
        request.id() == null ? null : ack(request.id()));
  }

  static byte[] ack(Object id) {
    return new JsonObject().put("ack", id).encode().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] error(String message, Object id, String channelFilter) {
    JsonObject error = new JsonObject().put("error", message);
    if (id != null) {
      error.put("id", id);
    }
    if (channelFilter != null) {
      error.put("channel", channelFilter);
    }
    return error.encode().getBytes(StandardCharsets.UTF_8);
  }
}
