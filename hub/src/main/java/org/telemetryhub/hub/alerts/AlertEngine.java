package org.telemetryhub.hub.alerts;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.telemetryhub.hub.protocol.Reading;

/**
 * Evaluates the threshold rules on every stored-to-be reading and tells the listener when an
 * alert fires or resolves. Safe to call from any event loop; one device's readings come from one
 * connection at a time. With no rules it costs nothing.
 */
public final class AlertEngine {

  private static final class State {
    long breachedSince = -1;
    boolean firing;
    float value;
    long ts;
  }

  private record Key(String rule, String device) {
  }

  private final List<AlertRule> rules;
  private final Consumer<AlertEvent> listener;
  private final Map<String, List<AlertRule>> rulesByDevice = new ConcurrentHashMap<>();
  private final Map<Key, State> states = new ConcurrentHashMap<>();

  public AlertEngine(List<AlertRule> rules, Consumer<AlertEvent> listener) {
    this.rules = List.copyOf(rules);
    this.listener = listener;
  }

  public void onReading(Reading reading) {
    if (rules.isEmpty()) {
      return;
    }
    for (AlertRule rule : rulesByDevice.computeIfAbsent(reading.device(), this::rulesFor)) {
      State state = states.computeIfAbsent(new Key(rule.name(), reading.device()), k -> new State());
      AlertEvent event = evaluate(rule, state, reading);
      if (event != null) {
        listener.accept(event);
      }
    }
  }

  private List<AlertRule> rulesFor(String device) {
    return rules.stream().filter(rule -> rule.appliesTo(device)).toList();
  }

  private static AlertEvent evaluate(AlertRule rule, State state, Reading reading) {
    float value = rule.value(reading);
    synchronized (state) {
      if (!state.firing) {
        if (!rule.breached(value)) {
          state.breachedSince = -1;
          return null;
        }
        if (state.breachedSince < 0) {
          state.breachedSince = reading.ts();
        }
        if (reading.ts() - state.breachedSince < rule.forSeconds()) {
          return null;
        }
        state.firing = true;
        state.value = value;
        state.ts = reading.ts();
        return new AlertEvent(reading.device(), rule.name(), AlertEvent.FIRING, value, reading.ts());
      }
      if (rule.resolved(value)) {
        state.firing = false;
        state.breachedSince = -1;
        return new AlertEvent(reading.device(), rule.name(), AlertEvent.RESOLVED, value, reading.ts());
      }
      return null;
    }
  }

  /**
   * Forgets the device's alert states: its connection moved to another hub of the cluster, whose
   * engine evaluates its readings from now on (and fires again what is still breached).
   */
  public void forget(String device) {
    states.keySet().removeIf(key -> key.device().equals(device));
  }

  /** What is firing now, ordered by device then rule. */
  public List<JsonObject> firing() {
    List<JsonObject> firing = new ArrayList<>();
    states.forEach((key, state) -> {
      synchronized (state) {
        if (state.firing) {
          firing.add(new AlertEvent(key.device(), key.rule(), AlertEvent.FIRING, state.value, state.ts).toJson());
        }
      }
    });
    firing.sort(Comparator.comparing((JsonObject j) -> j.getString("device")).thenComparing(j -> j.getString("rule")));
    return firing;
  }
}
