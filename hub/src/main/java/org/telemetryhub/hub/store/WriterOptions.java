package org.telemetryhub.hub.store;

import java.time.Duration;

/**
 * How the store writer batches readings.
 *
 * @param batchSize     the most readings written in one batch
 * @param batchMaxAge   how long the first reading of a batch may wait for more; 0 writes what is there
 * @param queueCapacity readings queued for the store before devices are paused
 */
public record WriterOptions(int batchSize, Duration batchMaxAge, int queueCapacity) {

  public static final int DEFAULT_BATCH_SIZE = 2000;
  public static final Duration DEFAULT_BATCH_MAX_AGE = Duration.ofMillis(10);
  public static final int DEFAULT_QUEUE_CAPACITY = 100_000;
  public static final WriterOptions DEFAULTS = new WriterOptions(DEFAULT_BATCH_SIZE, DEFAULT_BATCH_MAX_AGE, DEFAULT_QUEUE_CAPACITY);
}
