package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.telemetryhub.hub.address.Echo;
import org.telemetryhub.hub.address.TopicFilter;

/**
 * Properties of the subscriber request parser and of channel filters over arbitrary input: they
 * never fail with anything but an error reply, a reply never grows with the input, and every
 * well-formed request is read as sent.
 */
class SubscriberRequestPropertiesTest {

  private static final int MAX_CHANNELS = 100;
  /** Longer than any fixed message plus two quoted inputs of {@link Echo#MAX_CHARS}. */
  private static final int MAX_REPLY_CHARS = 400;

  private static void assertBoundedRefusal(String text) {
    try {
      SubscriberRequest.parse(text, MAX_CHANNELS);
    } catch (SubscriberRequest.Invalid invalid) {
      assertTrue(invalid.getMessage().length() <= MAX_REPLY_CHARS, invalid.getMessage());
    }
  }

  /** Verifies that any text at all is parsed or refused with a bounded message, never an exception. */
  @Property(tries = 2000)
  void anyTextIsParsedOrRefused(@ForAll @StringLength(max = 3000) String text) {
    assertBoundedRefusal(text);
  }

  /** Verifies the same for JSON objects whose fields have arbitrary types and sizes. */
  @Property(tries = 2000)
  void anyJsonObjectIsParsedOrRefused(@ForAll("jsonValues") Object action, @ForAll("jsonValues") Object channels,
                                      @ForAll("jsonValues") Object id, @ForAll("jsonValues") Object policy,
                                      @ForAll("jsonValues") Object last) {
    String text = new JsonObject().put("action", action).put("channels", channels).put("id", id).put("policy", policy)
        .put("last", last).encode();
    assertBoundedRefusal(text);
  }

  /** Verifies that well-formed requests are read as sent. */
  @Property(tries = 1000)
  void wellFormedRequestsAreReadAsSent(@ForAll("actions") String action, @ForAll("channelLists") List<String> channels,
                                       @ForAll("ids") Object id, @ForAll boolean last) throws Exception {
    JsonObject json = new JsonObject().put("action", action).put("channels", new JsonArray(channels)).put("last", last);
    if (id != null) {
      json.put("id", id);
    }
    SubscriberRequest request = SubscriberRequest.parse(json.encode(), MAX_CHANNELS);
    assertEquals(action, request.action().name().toLowerCase(java.util.Locale.ROOT));
    assertEquals(channels, request.channels());
    assertEquals(id == null ? null : String.valueOf(id), request.id() == null ? null : String.valueOf(request.id()));
    assertEquals(last, request.last());
  }

  /** Verifies that any text is a filter (that prints back as given) or an error whose message is bounded. */
  @Property(tries = 3000)
  void anyTextIsAFilterOrABoundedError(@ForAll("filterLike") String text) {
    try {
      TopicFilter filter = TopicFilter.parse(text);
      assertEquals(text, filter.text());
      assertTrue(filter.isCoveredBy(TopicFilter.parse("#")), "'#' covers every filter");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().length() <= MAX_REPLY_CHARS, e.getMessage());
    }
  }

  @Provide
  Arbitrary<Object> jsonValues() {
    return Arbitraries.oneOf(
        Arbitraries.just(null),
        Arbitraries.strings().ofMaxLength(2000).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.strings().ofMaxLength(200).list().ofMaxSize(300).map(l -> (Object) new JsonArray(List.copyOf(l))),
        Arbitraries.strings().ofMaxLength(50).map(s -> (Object) new JsonObject().put("k", s)),
        Arbitraries.of("subscribe", "unsubscribe", "conflate", "drop-oldest").map(s -> (Object) s));
  }

  @Provide
  Arbitrary<String> actions() {
    return Arbitraries.of("subscribe", "unsubscribe");
  }

  @Provide
  Arbitrary<List<String>> channelLists() {
    Arbitrary<String> kind = Arbitraries.of("readings", "status", "alerts", "+");
    Arbitrary<String> device = Arbitraries.oneOf(Arbitraries.of("+", "#"),
        Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("._-").ofMinLength(1).ofMaxLength(64));
    return Combinators.combine(kind, device).as((k, d) -> k + "/" + d).list().ofMinSize(1).ofMaxSize(MAX_CHANNELS);
  }

  @Provide
  Arbitrary<Object> ids() {
    return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.strings().ofMaxLength(SubscriberRequest.MAX_ID_CHARS).map(s -> (Object) s));
  }

  @Provide
  Arbitrary<String> filterLike() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(5000),
        Arbitraries.strings().withChars("readingsstatusalerts/+#-._09").ofMaxLength(80));
  }
}
