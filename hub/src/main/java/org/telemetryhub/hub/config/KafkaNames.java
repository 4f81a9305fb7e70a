package org.telemetryhub.hub.config;

/** The one rule for the Kafka names a user gives, wherever given: the hub's options and the sink's. */
public final class KafkaNames {

  private static final String BOOTSTRAP = "[^,\\s:]+:\\d{1,5}(\\s*,\\s*[^,\\s:]+:\\d{1,5})*";
  /** Kafka's own rule for topic names (and the one used here for group ids). */
  private static final String NAME = "[A-Za-z0-9._-]{1,249}";

  private KafkaNames() {
  }

  /** Null when {@code bootstrap} is a list of host:port, else what is wrong with it, calling it {@code option}. */
  public static String bootstrapProblem(String option, String bootstrap) {
    return bootstrap != null && bootstrap.strip().matches(BOOTSTRAP) ? null
        : option + " takes host:port[,host:port...], not '" + bootstrap + "'";
  }

  /** Null when {@code name} may name a topic or a group, else what is wrong with it, calling it {@code option}. */
  public static String nameProblem(String option, String name) {
    return name != null && name.matches(NAME) ? null
        : option + " takes 1 to 249 letters, digits, '.', '_' or '-', not '" + name + "'";
  }
}
