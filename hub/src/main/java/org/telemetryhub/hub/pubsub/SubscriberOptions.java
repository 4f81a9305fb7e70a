package org.telemetryhub.hub.pubsub;

import java.util.List;

/**
 * What the subscriber channel allows.
 *
 * @param maxSubscribers                subscriber connections at once
 * @param maxSubscribersPerToken        subscriber connections at once with one token
 * @param maxChannelsPerRequest         channels in one subscribe or unsubscribe request
 * @param maxSubscriptionsPerConnection channel filters one connection holds
 * @param queueCapacity                 messages queued for one subscriber before it counts as too slow
 * @param queueBytes                    bytes queued for one subscriber before it counts as too slow
 * @param maxRequestBytes               the largest request (after inflation), in bytes; larger ones close with 1009
 * @param resumeLimit                   stored readings one resume ({@code since}) replays at most
 * @param allowedOrigins                browser origins allowed besides the hub's own; empty: the hub's own only
 */
public record SubscriberOptions(int maxSubscribers, int maxSubscribersPerToken, int maxChannelsPerRequest,
                                int maxSubscriptionsPerConnection, int queueCapacity, long queueBytes, int maxRequestBytes,
                                int resumeLimit, List<String> allowedOrigins) {

  public static final int DEFAULT_MAX_SUBSCRIBERS = 1000;
  public static final int DEFAULT_MAX_SUBSCRIBERS_PER_TOKEN = 10;
  public static final int DEFAULT_MAX_CHANNELS_PER_REQUEST = 100;
  public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 1000;
  public static final int DEFAULT_QUEUE_CAPACITY = 8192;
  public static final long DEFAULT_QUEUE_BYTES = 1_048_576;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 65_536;
  public static final int DEFAULT_RESUME_LIMIT = 10_000;
  public static final SubscriberOptions DEFAULTS = new SubscriberOptions(DEFAULT_MAX_SUBSCRIBERS, DEFAULT_MAX_SUBSCRIBERS_PER_TOKEN,
      DEFAULT_MAX_CHANNELS_PER_REQUEST, DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION, DEFAULT_QUEUE_CAPACITY, DEFAULT_QUEUE_BYTES,
      DEFAULT_MAX_REQUEST_BYTES, DEFAULT_RESUME_LIMIT, List.of());

  public SubscriberOptions {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  public SubscriberOptions withMaxSubscribers(int subscribers) {
    return new SubscriberOptions(subscribers, maxSubscribersPerToken, maxChannelsPerRequest, maxSubscriptionsPerConnection,
        queueCapacity, queueBytes, maxRequestBytes, resumeLimit, allowedOrigins);
  }

  public SubscriberOptions withRequestLimits(int channelsPerRequest, int subscriptionsPerConnection) {
    return new SubscriberOptions(maxSubscribers, maxSubscribersPerToken, channelsPerRequest, subscriptionsPerConnection,
        queueCapacity, queueBytes, maxRequestBytes, resumeLimit, allowedOrigins);
  }

  public SubscriberOptions withQueueCapacity(int messages) {
    return new SubscriberOptions(maxSubscribers, maxSubscribersPerToken, maxChannelsPerRequest, maxSubscriptionsPerConnection,
        messages, queueBytes, maxRequestBytes, resumeLimit, allowedOrigins);
  }

  public SubscriberOptions withAllowedOrigins(List<String> origins) {
    return new SubscriberOptions(maxSubscribers, maxSubscribersPerToken, maxChannelsPerRequest, maxSubscriptionsPerConnection,
        queueCapacity, queueBytes, maxRequestBytes, resumeLimit, origins);
  }

  public SubscriberOptions withResumeLimit(int readings) {
    return new SubscriberOptions(maxSubscribers, maxSubscribersPerToken, maxChannelsPerRequest, maxSubscriptionsPerConnection,
        queueCapacity, queueBytes, maxRequestBytes, readings, allowedOrigins);
  }
}
