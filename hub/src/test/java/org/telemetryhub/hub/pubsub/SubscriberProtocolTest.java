package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.auth.Credentials;
import org.telemetryhub.hub.auth.SubscriberGrant;
import org.telemetryhub.hub.auth.TokenKind;

/**
 * The subscriber request protocol, request by request: what each one changes and what it is
 * answered, for a token granting {@code readings/+} and {@code status/dev-1}, a connection that
 * holds {@code readings/dev-1}, and limits of 3 channels per request and 2 subscriptions.
 */
class SubscriberProtocolTest {

  private static final SubscriberGrant GRANT = new SubscriberGrant("tester",
      List.of(TopicFilter.parse("readings/+"), TopicFilter.parse("status/dev-1")),
      Credentials.open(TokenKind.SUBSCRIBER, "tester"));
  private static final Set<TopicFilter> HELD = Set.of(TopicFilter.parse("readings/dev-1"));
  private final SubscriberProtocol protocol = new SubscriberProtocol(3, 2);

  /** request; filters added; removed; retained asked for; replies, in order. */
  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-2\"],\"id\":1}",
            "readings/dev-2", "", "", List.of("{\"ack\":1}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-2\"]}",
            "readings/dev-2", "", "", List.of()),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-1\",\"status/dev-1\"],\"id\":\"a\",\"last\":true}",
            "status/dev-1", "", "readings/dev-1 status/dev-1", List.of("{\"ack\":\"a\"}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"status/#\",\"readings/dev-3\"],\"id\":2}",
            "readings/dev-3", "", "", List.of(
                "{\"error\":\"not permitted: your token does not grant 'status/#'\",\"id\":2,\"channel\":\"status/#\"}",
                "{\"ack\":2}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-2\",\"readings/dev-3\"],\"id\":3}",
            "readings/dev-2", "", "", List.of("{\"error\":\"subscription limit of 2 per connection reached: 'readings/dev-3' "
                + "not added\",\"id\":3,\"channel\":\"readings/dev-3\"}", "{\"ack\":3}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/#/x\",7],\"id\":4}",
            "", "", "", List.of(
                "{\"error\":\"malformed channel filter 'readings/#/x': '#' must be a whole level and the last one\",\"id\":4,"
                    + "\"channel\":\"readings/#/x\"}",
                "{\"error\":\"a channel filter must be a string\",\"id\":4,\"channel\":\"7\"}",
                "{\"ack\":4}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"a\",\"b\",\"c\",\"d\"],\"id\":5}",
            "", "", "", List.of("{\"error\":\"too many channels in one request: 4 > 3\",\"id\":5}")),
        Arguments.of("{\"action\":\"unsubscribe\",\"channels\":[\"readings/dev-1\",\"readings/dev-9\"],\"id\":6}",
            "", "readings/dev-1", "", List.of("{\"ack\":6}")),
        Arguments.of("{\"action\":\"dance\",\"channels\":[\"readings/+\"],\"id\":7}",
            "", "", "", List.of("{\"error\":\"unknown action 'dance': subscribe or unsubscribe\",\"id\":7}")),
        Arguments.of("{\"action\":\"subscribe\",\"id\":8}",
            "", "", "", List.of("{\"error\":\"'channels' must be a non-empty array of channel filters\",\"id\":8}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/+\"],\"policy\":\"yolo\",\"id\":9}",
            "", "", "", List.of("{\"error\":\"policy must be conflate, drop-oldest or disconnect, not 'yolo'\",\"id\":9}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/+\"],\"id\":{\"x\":1}}",
            "", "", "", List.of("{\"error\":\"'id' must be a number or a string of at most 64 characters\"}")),
        Arguments.of("[1,2]",
            "", "", "", List.of("{\"error\":\"malformed request: not a JSON object\"}")),
        Arguments.of("not json",
            "", "", "", List.of("{\"error\":\"malformed request: not a JSON object\"}")));
  }

  /** Verifies each request of the table: its changes and its replies. */
  @ParameterizedTest
  @MethodSource("requests")
  void eachRequestChangesAndAnswersAsTheProtocolSays(String request, String added, String removed, String retained,
                                                     List<String> replies) {
    SubscriberProtocol.Outcome outcome = protocol.handle(request, GRANT, HELD);
    assertEquals(added, texts(outcome.add()), "added");
    assertEquals(removed, texts(outcome.remove()), "removed");
    assertEquals(retained, texts(outcome.retainedFor()), "retained asked for");
    assertEquals(replies, replies(outcome), "replies");
  }

  /** request; filters whose stored readings are replayed; from when; the slow-consumer policy asked for; replies. */
  static Stream<Arguments> resumes() {
    return Stream.of(
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-2\"],\"id\":1,\"since\":1764400000}",
            "readings/dev-2", 1764400000L, null, List.of("{\"ack\":1}")),
        // A resume replays readings only: status is subscribed but not replayed.
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-1\",\"status/dev-1\"],\"since\":0}",
            "readings/dev-1", 0L, null, List.of()),
        // A filter the token does not grant is refused and not replayed; an already held one is replayed.
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"status/#\",\"readings/dev-1\"],\"id\":2,\"since\":5}",
            "readings/dev-1", 5L, null, List.of(
                "{\"error\":\"not permitted: your token does not grant 'status/#'\",\"id\":2,\"channel\":\"status/#\"}",
                "{\"ack\":2}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-2\"],\"id\":3,\"since\":-1}",
            "", 0L, null, List.of("{\"error\":\"'since' must be a time in epoch seconds (a whole number from 0 to "
                + SubscriberRequest.MAX_SINCE + ")\",\"id\":3}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-2\"],\"id\":4,\"since\":\"yesterday\"}",
            "", 0L, null, List.of("{\"error\":\"'since' must be a time in epoch seconds (a whole number from 0 to "
                + SubscriberRequest.MAX_SINCE + ")\",\"id\":4}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-2\"],\"id\":5,\"policy\":\"drop-oldest\"}",
            "", 0L, SlowPolicy.DROP_OLDEST, List.of("{\"ack\":5}")),
        Arguments.of("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-2\"],\"policy\":\"disconnect\",\"since\":7}",
            "readings/dev-2", 7L, SlowPolicy.DISCONNECT, List.of()));
  }

  /** Verifies each resume and policy request of the table: what is replayed from when, the policy, the replies. */
  @ParameterizedTest
  @MethodSource("resumes")
  void resumesAndPoliciesAreAnsweredAsTheProtocolSays(String request, String replayed, long since, SlowPolicy policy,
                                                      List<String> replies) {
    SubscriberProtocol.Outcome outcome = protocol.handle(request, GRANT, HELD);
    assertEquals(replayed, texts(outcome.replayFor()), "replayed");
    assertEquals(since, outcome.since(), "since");
    assertEquals(policy, outcome.policy(), "policy");
    assertEquals(!replayed.isEmpty(), outcome.looksUp(), "the ack waits for the replay");
    assertEquals(replies, replies(outcome), "replies");
  }

  /** What the request is answered, in order: its errors, then its ack. */
  private static List<String> replies(SubscriberProtocol.Outcome outcome) {
    return Stream.concat(outcome.errors().stream(), Stream.ofNullable(outcome.ack()))
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
  }

  private static String texts(List<TopicFilter> filters) {
    return String.join(" ", filters.stream().map(TopicFilter::text).toList());
  }
}
