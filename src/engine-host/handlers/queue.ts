import type { HandlerTable } from '../handler.ts';
import { queueUpscaleOnQueue } from '../jobs/queue-requests.ts';

/** Upscale batches for queue workers (src/engine/queue): BullMQ and ioredis load on the first such request. */
export const queueHandlers: HandlerTable = {
  'queue.check': async ({ url }) => {
    const { parseRedisUrl } = await import('../../engine/queue/redis-target.ts');
    const { describeQueue } = await import('../../engine/queue/dispatch/queue-info.ts');
    return describeQueue(parseRedisUrl(url, 'The queue URL'));
  },
  'queue.upscale': async (params, { services }) => queueUpscaleOnQueue(services, params),
};
