import * as ort from 'onnxruntime-node';
import { SrError } from '../errors.ts';
import { computeThreads } from './cpu-cores.ts';
import { cpuFallbackNotice } from './cpu-fallback-notice.ts';
import { type Device, type Provider, platformGpuProvider, providerHint, providerUnavailableReason } from './execution-providers.ts';
import { graphCacheEntry } from './graph-cache.ts';
import { WorkerSession } from './worker-session.ts';

export interface ModelSession {
  session: ort.InferenceSession;
  provider: Provider;
  inputName: string;
  outputName: string;
}

export interface SessionOptions {
  device?: Device;
  /** Called once when `auto` falls back to the CPU, with the reason: an event, never a console print. */
  onNotice?: (message: string) => void;
  /** ORT intra-op threads (default: physical cores). */
  threads?: number;
  /**
   * Also open the model in the session's inference worker with this many threads, for batches run while a pipeline
   * decodes or encodes beside them (`WorkerSession.run(…, narrow)`). Absent: the worker has one session.
   */
  narrowThreads?: number;
}

/** Sessions are expensive to create (graph optimisation): one per (model, provider, threads), for the process' life. */
const cache = new Map<string, Promise<ModelSession>>();
/** `auto` resolutions already made, so a batch of 1,000 photos gives one fallback notice, not 1,000. */
const autoResolved = new Map<string, Provider>();

/** A session's intra-op threads, and its worker's narrow session's (SessionOptions.narrowThreads). */
interface Threads {
  wide: number;
  narrow?: number;
}

function cacheKey(source: string, provider: Provider, threads: Threads): string {
  return `${provider}|${threads.wide}${threads.narrow === undefined ? '' : `/${threads.narrow}`}|${source}`;
}

/** What a session was opened from, so that its inference worker can open the same model the same way. */
interface Origin {
  key: string;
  model: string | Uint8Array;
  source: string;
  options: ort.InferenceSession.SessionOptions;
  narrowThreads?: number;
}
const origins = new WeakMap<ModelSession, Origin>();
/** Inference workers (worker-session.ts), one per cached session, created on first use by the tiler. */
const workers = new Map<string, Promise<WorkerSession>>();

function sessionOptions(provider: Provider, threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // While a batch runs, the main thread prepares and stitches tiles; spinning pool threads would steal its core.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    // Run failures come back as exceptions that we turn into SrErrors; ORT's own copy on stderr is noise.
    logSeverityLevel: 4,
  };
}

function createOrt(model: string | Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

/**
 * Opens the model's cached optimised graph when there is a sound one (graph-cache.ts), else the model itself, asking
 * ORT to save its optimised graph for next time. Returns what was opened, so the session's worker opens the same.
 */
async function openOrt(
  model: string | Uint8Array,
  provider: Provider,
  threads: number,
): Promise<{ session: ort.InferenceSession; opened: string | Uint8Array; options: ort.InferenceSession.SessionOptions }> {
  const options = sessionOptions(provider, threads);
  const entry = graphCacheEntry(model, provider);
  if (entry.cached) {
    // Already optimised: optimising it again would only cost the time the cache saves.
    const cachedOptions: ort.InferenceSession.SessionOptions = { ...options, graphOptimizationLevel: 'disabled' };
    try {
      return { session: await createOrt(entry.cached, cachedOptions), opened: entry.cached, options: cachedOptions };
    } catch {
      entry.discard();
    }
  }
  const saving = entry.saveTo ? { ...options, optimizedModelFilePath: entry.saveTo } : options;
  try {
    const session = await createOrt(model, saving);
    entry.commit();
    return { session, opened: model, options };
  } catch (error) {
    entry.discard();
    throw error;
  }
}

async function createSession(model: string | Uint8Array, source: string, provider: Provider, threads: Threads): Promise<ModelSession> {
  const { session, opened: what, options } = await openOrt(model, provider, threads.wide);
  if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
    throw new SrError(
      'BAD_MODEL',
      `${source} has ${session.inputNames.length} inputs and ${session.outputNames.length} outputs; an SR model has exactly one of each`,
      'Export the model with a single image input and a single image output.',
      source,
    );
  }
  const opened: ModelSession = { session, provider, inputName: session.inputNames[0], outputName: session.outputNames[0] };
  origins.set(opened, { key: cacheKey(source, provider, threads), model: what, source, options, narrowThreads: threads.narrow });
  return opened;
}

function cached(model: string | Uint8Array, source: string, provider: Provider, threads: Threads): Promise<ModelSession> {
  const key = cacheKey(source, provider, threads);
  let entry = cache.get(key);
  if (!entry) {
    entry = createSession(model, source, provider, threads);
    cache.set(key, entry);
    // A failed creation must not poison the cache: the next call tries again.
    entry.catch(() => cache.delete(key));
  }
  return entry;
}

/**
 * Opens (or reuses) an ORT session for a model file on the requested device.
 * - `cpu`: always works.
 * - `cuda`/`dml`/`coreml`: must work, else an SrError with a hint how to enable it.
 * - `auto`: the platform's GPU provider if it works, else the CPU with ONE notice through `onNotice`.
 * `model` is a path (the cache key) or bytes plus a `source` name used as the key and in messages.
 */
export async function openSession(
  model: string | Uint8Array,
  options: SessionOptions = {},
  source = typeof model === 'string' ? model : 'model',
): Promise<ModelSession> {
  const device = options.device ?? 'auto';
  const threads: Threads = { wide: options.threads ?? computeThreads(), narrow: options.narrowThreads };
  if (device === 'cpu') return cached(model, source, 'cpu', threads);
  if (device !== 'auto') return openExplicit(model, source, device, threads);

  const known = autoResolved.get(source);
  if (known) return cached(model, source, known, threads);
  const gpu = platformGpuProvider();
  let reason = gpu ? providerUnavailableReason(gpu) : `no GPU provider exists for ${process.platform}`;
  if (gpu && !reason) {
    try {
      const session = await cached(model, source, gpu, threads);
      autoResolved.set(source, gpu);
      return session;
    } catch (error) {
      if (error instanceof SrError) throw error; // the model itself is bad: the CPU would not help
      reason = (error as Error).message.split('\n')[0];
    }
  }
  const session = await cached(model, source, 'cpu', threads);
  autoResolved.set(source, 'cpu');
  options.onNotice?.(cpuFallbackNotice('Running', reason, gpu && providerHint(gpu)));
  return session;
}

async function openExplicit(model: string | Uint8Array, source: string, provider: Provider, threads: Threads): Promise<ModelSession> {
  const reason = providerUnavailableReason(provider);
  if (reason) throw new SrError('BAD_ARGUMENT', `--device ${provider} is not available: ${reason}`, providerHint(provider));
  try {
    return await cached(model, source, provider, threads);
  } catch (error) {
    if (error instanceof SrError) throw error;
    throw new SrError(
      'BAD_ARGUMENT',
      `--device ${provider} failed to start for ${source}: ${(error as Error).message.split('\n')[0]}`,
      providerHint(provider),
      undefined,
      { cause: error },
    );
  }
}

/**
 * The worker-thread twin of a session opened by `openSession` (same model, provider and threads), started on
 * first use and kept as long as the session is cached; undefined for sessions opened some other way.
 */
export async function inferenceWorker(s: ModelSession): Promise<WorkerSession | undefined> {
  const origin = origins.get(s);
  if (!origin || !cache.has(origin.key)) return undefined;
  for (;;) {
    let entry = workers.get(origin.key);
    if (!entry) {
      const opening = WorkerSession.open(origin.model, origin.options, origin.source, origin.narrowThreads);
      entry = opening;
      workers.set(origin.key, opening);
      // A failed start must not poison the cache: the next call tries again.
      opening.catch(() => {
        if (workers.get(origin.key) === opening) workers.delete(origin.key);
      });
    }
    const worker = await entry;
    if (worker.alive) return worker;
    // It crashed since: replace it.
    if (workers.get(origin.key) === entry) workers.delete(origin.key);
  }
}

async function closeWorker(key: string): Promise<void> {
  const entry = workers.get(key);
  workers.delete(key);
  const w = await entry?.catch(() => undefined);
  await w?.close();
}

/** Releases every cached session and its worker (tests, and the engine host when models are deleted). */
export async function releaseSessions(): Promise<void> {
  const entries = [...cache.values()];
  const keys = [...workers.keys()];
  cache.clear();
  autoResolved.clear();
  await Promise.all(keys.map(closeWorker));
  for (const entry of entries) {
    const s = await entry.catch(() => undefined);
    await s?.session.release();
  }
}

/** Releases the sessions of one model file (before deleting it). */
export async function releaseSessionsFor(source: string): Promise<void> {
  for (const [key, entry] of [...cache.entries()]) {
    if (!key.endsWith(`|${source}`)) continue;
    cache.delete(key);
    await closeWorker(key);
    const s = await entry.catch(() => undefined);
    await s?.session.release();
  }
  autoResolved.delete(source);
}
