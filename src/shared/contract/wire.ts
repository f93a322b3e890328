import { z } from 'zod';
import { WireError } from './errors.ts';

/**
 * The envelopes every transport carries (fork IPC, utilityProcess port, WebSocket). Only the envelope is checked here;
 * `params` and event payloads are checked against the request or event schema by whoever handles them.
 */
export const RequestId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id: RequestId, method: z.string().max(100), params: z.unknown() }).strict(),
  z.object({ type: z.literal('cancel'), id: RequestId }).strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const HostMessage = z.union([
  z.object({ type: z.literal('hello'), contractVersion: z.number().int(), pid: z.number().int() }),
  z.object({ type: z.literal('response'), id: RequestId, ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: RequestId, ok: z.literal(false), error: WireError }),
  z.object({ type: z.literal('event'), name: z.string().max(100), payload: z.unknown() }),
  /** A message so broken it has no usable id: the host says so and carries on. */
  z.object({ type: z.literal('protocol-error'), error: WireError }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

/** Turns zod issues into short `params.scale: expected number` lines for a BAD_REQUEST error. */
export function describeIssues(error: z.ZodError, prefix: string): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const where = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${where}: ${issue.message}`.slice(0, 500);
  });
}
