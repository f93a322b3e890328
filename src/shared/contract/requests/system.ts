import { z } from 'zod';
import { Empty } from '../common.ts';
import { defineRequest } from '../define.ts';

export const SystemInfo = z.object({
  contractVersion: z.number().int(),
  engine: z.object({ pid: z.number().int(), node: z.string(), onnxruntime: z.string().nullable(), uptimeSeconds: z.number() }),
  /** What this onnxruntime-node build lists; `usable` is false (with the reason) when a listed provider cannot load here. */
  providers: z.array(z.object({ name: z.string(), bundled: z.boolean(), usable: z.boolean(), reason: z.string().optional() })),
  stateDir: z.string(),
  cpu: z.object({ model: z.string(), logicalCores: z.number().int().positive(), physicalCores: z.number().int().positive() }),
  memory: z.object({ totalBytes: z.number().nonnegative(), freeBytes: z.number().nonnegative() }),
  platform: z.string(),
  arch: z.string(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemRequests = {
  'system.info': defineRequest(Empty, SystemInfo, 'Execution providers, cores and memory.'),
  'system.ping': defineRequest(
    z.object({ echo: z.string().max(1000).optional() }).strict(),
    z.object({ echo: z.string().optional(), pid: z.number().int() }),
    'Liveness check.',
  ),
} as const;

const DiagnosticJobId = z.string().regex(/^diag-[a-z0-9-]{1,40}$/);

/**
 * Protocol diagnostics, answered only by an engine host started with SRSTUDIO_DIAGNOSTICS=1 (tests, `serve --diagnostics`).
 * They exercise cancellation and event coalescing without needing a model.
 */
export const diagnosticsRequests = {
  'diagnostics.sleep': defineRequest(
    z.object({ ms: z.number().int().min(0).max(600_000), jobId: DiagnosticJobId.optional() }).strict(),
    z.object({ sleptMs: z.number() }),
    'Waits; cancellable. With a jobId it reports itself as a running job, to test crash handling.',
  ),
  'diagnostics.progressBurst': defineRequest(
    z.object({ jobId: DiagnosticJobId, count: z.number().int().min(1).max(1_000_000) }).strict(),
    z.object({ emitted: z.number().int() }),
    'Emits `count` progress events for a synthetic job as fast as it can.',
  ),
} as const;
