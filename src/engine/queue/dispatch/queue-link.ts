import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { KEY_PREFIX, QUEUE_NAME, redisKeys } from '../queue-names.ts';
import { checkRedis, redisOptions } from '../redis-connection.ts';
import type { RedisTarget } from '../redis-target.ts';

/**
 * The enqueuing side's hold on a queue: one Redis connection for SR Studio's own keys, shared by BullMQ's `Queue`,
 * that rides out a Redis restart (commands wait, then run). `onNotice` hears about a lost connection once per
 * outage, and `onReconnect` callbacks run when it is back, so a watcher can re-read what it may have missed.
 */
export interface QueueLink {
  readonly target: RedisTarget;
  /** The server's version, from the first check. */
  readonly redisVersion: string;
  readonly redis: Redis;
  readonly queue: Queue;
  /** A listener for the queue's events (its own blocking connection); close it when done. */
  openEvents(): Promise<QueueEvents>;
  onReconnect(callback: () => void): () => void;
  /** A new number for a batch, unique in this Redis. */
  nextBatchId(): Promise<number>;
  close(): Promise<void>;
}

/** Checks the URL first (a clear QUEUE_UNAVAILABLE error, nothing created), then connects for good. */
export async function openQueueLink(target: RedisTarget, onNotice: (message: string) => void = () => {}): Promise<QueueLink> {
  const { version } = await checkRedis(target);
  const redis = new Redis(redisOptions(target, { reconnect: true }));
  const reconnectCallbacks = new Set<() => void>();
  let lost = false;
  redis.on('error', (error: Error) => {
    if (lost) return;
    lost = true;
    onNotice(`Lost the connection to ${target.display} (${error.message}); reconnecting…`);
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    onNotice(`Reconnected to ${target.display}.`);
    for (const callback of reconnectCallbacks) callback();
  });
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: KEY_PREFIX });
  // Errors of the shared connection are reported above, once per outage.
  queue.on('error', () => {});
  const events: QueueEvents[] = [];
  return {
    target,
    redisVersion: version,
    redis,
    queue,
    async openEvents() {
      const listener = new QueueEvents(QUEUE_NAME, { connection: redisOptions(target, { reconnect: true }), prefix: KEY_PREFIX });
      listener.on('error', () => {});
      events.push(listener);
      await listener.waitUntilReady();
      return listener;
    },
    onReconnect(callback) {
      reconnectCallbacks.add(callback);
      return () => reconnectCallbacks.delete(callback);
    },
    nextBatchId: () => redis.incr(redisKeys.batchSeq),
    async close() {
      await Promise.all(events.map((e) => e.close().catch(() => undefined)));
      await queue.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}
