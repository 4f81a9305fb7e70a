package org.telemetryhub.hub.pubsub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.telemetryhub.hub.address.Echo;
import org.telemetryhub.hub.address.TopicFilter;

/**
 * One request of a subscriber (docs/subscriber-protocol.md), read from its JSON text and checked:
 * {@code {"action":"subscribe","channels":[...],"id":7,"last":true,"policy":"conflate","since":1764400000}}. The
 * channel entries are kept as sent; each is parsed as a filter where it is used, so that one bad
 * entry does not spoil the others.
 *
 * <p>Parsing never throws for any text: malformed input becomes an {@link Invalid} whose message
 * is fit for an error reply and never longer than a few hundred characters.
 */
record SubscriberRequest(Action action, List<Object> channels, Object id, boolean last, SlowPolicy policy, Long since) {

  enum Action { SUBSCRIBE, UNSUBSCRIBE }

  /** The latest time a reading can carry: the wire's timestamp is an unsigned 32-bit number of seconds. */
  static final long MAX_SINCE = 0xFFFF_FFFFL;

  /** Longest string id the hub echoes in its replies. */
  static final int MAX_ID_CHARS = 64;

  /** The request cannot apply; {@code id} is the request's id when it could be read, for the error reply. */
  static final class Invalid extends Exception {
    private final Object id;

    Invalid(String message, Object id) {
      super(message, null, false, false);
      this.id = id;
    }

    Object id() {
      return id;
    }
  }

  static SubscriberRequest parse(String text, int maxChannels) throws Invalid {
    JsonObject request;
    try {
      request = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new Invalid("malformed request: not a JSON object", null);
    }
    Object id = request.getValue("id");
    if (id != null && !(id instanceof Number) && !(id instanceof String name && name.length() <= MAX_ID_CHARS)) {
      throw new Invalid("'id' must be a number or a string of at most " + MAX_ID_CHARS + " characters", null);
    }
    Object action = request.getValue("action");
    Action parsed;
    if ("subscribe".equals(action)) {
      parsed = Action.SUBSCRIBE;
    } else if ("unsubscribe".equals(action)) {
      parsed = Action.UNSUBSCRIBE;
    } else {
      throw new Invalid(action == null ? "missing 'action': subscribe or unsubscribe"
          : "unknown action '" + Echo.of(String.valueOf(action)) + "': subscribe or unsubscribe", id);
    }
    Object channels = request.getValue("channels");
    if (!(channels instanceof JsonArray list) || list.isEmpty()) {
      throw new Invalid("'channels' must be a non-empty array of channel filters", id);
    }
    if (list.size() > maxChannels) {
      throw new Invalid("too many channels in one request: " + list.size() + " > " + maxChannels, id);
    }
    SlowPolicy policy = null;
    Object policyValue = request.getValue("policy");
    if (policyValue != null) {
      try {
        policy = SlowPolicy.fromWire(Echo.of(String.valueOf(policyValue)));
      } catch (IllegalArgumentException e) {
        throw new Invalid(e.getMessage(), id);
      }
    }
    Long since = null;
    Object sinceValue = request.getValue("since");
    if (sinceValue != null) {
      if (!(sinceValue instanceof Integer || sinceValue instanceof Long) || ((Number) sinceValue).longValue() < 0
          || ((Number) sinceValue).longValue() > MAX_SINCE) {
        throw new Invalid("'since' must be a time in epoch seconds (a whole number from 0 to " + MAX_SINCE + ")", id);
      }
      since = ((Number) sinceValue).longValue();
    }
    return new SubscriberRequest(parsed, list.getList(), id, Boolean.TRUE.equals(request.getValue("last")), policy, since);
  }

  /**
   * A channel entry as a filter.
   *
   * @throws IllegalArgumentException with a message fit for an error reply (the entry quoted in bounded length)
   */
  static TopicFilter filter(Object entry) {
    if (!(entry instanceof String text)) {
      throw new IllegalArgumentException("a channel filter must be a string");
    }
    return TopicFilter.parse(text);
  }
}
