import type { Queue } from 'bullmq';
import type { RedisTarget } from '../redis-target.ts';
import { openQueueLink } from './queue-link.ts';

/** A queue as the Upscale screen's "Check" shows it: reachable (or a clear error), its Redis version, its workers. */
export async function describeQueue(target: RedisTarget): Promise<{ url: string; redisVersion: string; workers: string[] }> {
  const link = await openQueueLink(target);
  try {
    return { url: target.display, redisVersion: link.redisVersion, workers: await onlineWorkers(link.queue) };
  } finally {
    await link.close();
  }
}

/** Workers connected to the queue now, by name (`host-pid`; each worker has several connections). */
export async function onlineWorkers(queue: Queue): Promise<string[]> {
  const clients = await queue.getWorkers();
  const names = clients.map((c) => String(c.rawname ?? '').split(':w:')[1]).filter((n): n is string => Boolean(n));
  return [...new Set(names)].sort();
}
