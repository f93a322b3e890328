import { describe, expect, it } from 'vitest';
import { EventOutbox } from '../../src/engine-host/event-outbox.ts';
import type { EventName } from '../../src/shared/contract/index.ts';

/** A transport whose sends complete only when the test says so: a receiver that stopped reading. */
function stalledTransport() {
  const sent: Array<{ name: EventName; payload: unknown }> = [];
  const waiting: Array<() => void> = [];
  return {
    sent,
    send: (name: EventName, payload: unknown) =>
      new Promise<void>((resolve) => {
        sent.push({ name, payload });
        waiting.push(resolve);
      }),
    release() {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

const log = (i: number) => ({ level: 'info' as const, source: 'test', message: `line ${i}`, at: new Date(0).toISOString() });

describe('EventOutbox backpressure', () => {
  it('never has more than maxInFlight unconfirmed sends, whatever the producer does', async () => {
    const transport = stalledTransport();
    const outbox = new EventOutbox(transport.send, { maxInFlight: 4, maxQueued: 1000 });
    for (let i = 0; i < 50; i += 1) outbox.emit('log', log(i));
    expect(transport.sent).toHaveLength(4);
    transport.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(transport.sent).toHaveLength(8);
    outbox.dispose();
  });

  it('drops the oldest logs (never job states) when the queue overflows, and says how many', async () => {
    const transport = stalledTransport();
    const outbox = new EventOutbox(transport.send, { maxInFlight: 1, maxQueued: 10 });
    outbox.emit('job.state', { jobId: 'j', kind: 'upscale', state: 'running' });
    for (let i = 0; i < 100; i += 1) outbox.emit('log', log(i));
    outbox.emit('job.state', { jobId: 'j', kind: 'upscale', state: 'done' });
    for (let round = 0; round < 30; round += 1) {
      transport.release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const names = transport.sent.map((e) => e.name);
    expect(names.filter((n) => n === 'job.state')).toHaveLength(2);
    const messages = transport.sent.filter((e) => e.name === 'log').map((e) => (e.payload as { message: string }).message);
    expect(messages.some((m) => /\d+ log messages were dropped/.test(m))).toBe(true);
    expect(messages).toContain('line 99');
    expect(messages).not.toContain('line 0');
    outbox.dispose();
  });

  it('keeps only the latest progress per job while the receiver is stalled', async () => {
    const transport = stalledTransport();
    const outbox = new EventOutbox(transport.send, { maxInFlight: 1, progressIntervalMs: 0 });
    outbox.emit('log', log(0)); // occupies the only slot
    for (let done = 1; done <= 1000; done += 1) {
      outbox.emit('job.progress', { jobId: 'a', kind: 'upscale', done, total: 1000, etaSeconds: null });
      outbox.emit('job.progress', { jobId: 'b', kind: 'upscale', done, total: 1000, etaSeconds: null });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let round = 0; round < 10; round += 1) {
      transport.release();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const progress = transport.sent.filter((e) => e.name === 'job.progress').map((e) => e.payload as { jobId: string; done: number });
    expect(progress.length).toBeLessThanOrEqual(4);
    expect(progress.filter((p) => p.jobId === 'a').at(-1)?.done).toBe(1000);
    expect(progress.filter((p) => p.jobId === 'b').at(-1)?.done).toBe(1000);
    outbox.dispose();
  });
});
