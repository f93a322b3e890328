import type * as ort from 'onnxruntime-node';
import { SrError } from '../errors.ts';
import { computeThreads } from './cpu-cores.ts';
import { cpuFallbackNotice } from './cpu-fallback-notice.ts';
import { type Device, type Provider, platformGpuProvider, providerHint, providerUnavailableReason } from './execution-providers.ts';
import { graphCacheEntry } from './graph-cache.ts';
import { ortRuntime } from './ort-runtime.ts';
import { WorkerSession } from './worker-session.ts';

/**
 * A model opened for inference. It runs in its inference worker (`inferenceWorker`) or on this thread (`onThread`),
 * whichever a caller needs; where it was opened first (`SessionOptions.openIn`), the other is opened on first use.
 */
export interface ModelSession {
  provider: Provider;
  inputName: string;
  outputName: string;
  inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  /** The ORT session on this thread (in-thread runs, probes, benches). */
  onThread(): Promise<ort.InferenceSession>;
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
  /**
   * Where the model is opened first: 'thread' (the default) here, 'worker' in its inference worker, so that a batch's
   * main thread spends none of its time creating a session it will not run (the other opens on first use).
   */
  openIn?: 'thread' | 'worker';
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

/** What a session was opened from, so that its worker, or its twin on this thread, opens the same model the same way. */
interface Origin {
  key: string;
  model: string | Uint8Array;
  source: string;
  options: ort.InferenceSession.SessionOptions;
  narrowThreads?: number;
  /** The session on this thread, once opened. */
  thread?: Promise<ort.InferenceSession>;
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
  const { InferenceSession } = ortRuntime();
  return typeof model === 'string' ? InferenceSession.create(model, options) : InferenceSession.create(model, options);
}

/**
 * Opens the model's cached optimised graph when there is a sound one (graph-cache.ts), else the model itself, asking
 * ORT to save its optimised graph for next time. `open` creates the session (here or in a worker) from what it is
 * given; returns what was opened, so that the session's other half opens the same.
 */
async function openCached<T>(
  model: string | Uint8Array,
  provider: Provider,
  threads: number,
  open: (what: string | Uint8Array, options: ort.InferenceSession.SessionOptions) => Promise<T>,
): Promise<{ session: T; opened: string | Uint8Array; options: ort.InferenceSession.SessionOptions }> {
  const options = sessionOptions(provider, threads);
  const entry = graphCacheEntry(model, provider);
  if (entry.cached) {
    // Already optimised: optimising it again would only cost the time the cache saves.
    const cachedOptions: ort.InferenceSession.SessionOptions = { ...options, graphOptimizationLevel: 'disabled' };
    try {
      return { session: await open(entry.cached, cachedOptions), opened: entry.cached, options: cachedOptions };
    } catch {
      entry.discard();
    }
  }
  const saving = entry.saveTo ? { ...options, optimizedModelFilePath: entry.saveTo } : options;
  try {
    const session = await open(model, saving);
    entry.commit();
    return { session, opened: model, options };
  } catch (error) {
    entry.discard();
    throw error;
  }
}

/** What a model takes and gives, as ORT reports it: from a session here, or from the worker that opened it. */
type Signature = Pick<ort.InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata'>;

/**
 * The session for a model ORT opened (`opened`, from `openCached`), once its signature is that of an SR model (an error
 * otherwise); `thread` is the session on this thread when that is where it was opened, else it opens on first use.
 */
function modelSession(
  { opened, options }: { opened: string | Uint8Array; options: ort.InferenceSession.SessionOptions },
  signature: Signature,
  source: string,
  provider: Provider,
  threads: Threads,
  thread?: ort.InferenceSession,
): ModelSession {
  const { inputNames, outputNames, inputMetadata, outputMetadata } = signature;
  if (inputNames.length !== 1 || outputNames.length !== 1) {
    throw new SrError(
      'BAD_MODEL',
      `${source} has ${inputNames.length} inputs and ${outputNames.length} outputs; an SR model has exactly one of each`,
      'Export the model with a single image input and a single image output.',
      source,
    );
  }
  const origin: Origin = { key: cacheKey(source, provider, threads), model: opened, source, options, narrowThreads: threads.narrow };
  if (thread) origin.thread = Promise.resolve(thread);
  const onThread = (): Promise<ort.InferenceSession> => {
    if (!origin.thread) {
      const opening = createOrt(origin.model, origin.options);
      origin.thread = opening;
      // A failed opening must not stay: the next call tries again.
      opening.catch(() => {
        if (origin.thread === opening) origin.thread = undefined;
      });
    }
    return origin.thread;
  };
  const session: ModelSession = { provider, inputName: inputNames[0], outputName: outputNames[0], inputMetadata, outputMetadata, onThread };
  origins.set(session, origin);
  return session;
}

async function createOnThread(model: string | Uint8Array, source: string, provider: Provider, threads: Threads): Promise<ModelSession> {
  const opened = await openCached(model, provider, threads.wide, createOrt);
  return modelSession(opened, opened.session, source, provider, threads, opened.session);
}

/**
 * Opens the model in its inference worker only; this thread's twin waits for a caller that runs on this thread. A
 * failed opening comes back as a plain Error, as ORT's own would on this thread (so `auto` still falls back).
 */
async function createInWorker(model: string | Uint8Array, source: string, provider: Provider, threads: Threads): Promise<ModelSession> {
  const opened = await openCached(model, provider, threads.wide, (m, o) =>
    WorkerSession.open(m, o, source, threads.narrow).catch((error: unknown) => {
      throw new Error((error as Error).message, { cause: error });
    }),
  );
  const worker = opened.session;
  let session: ModelSession;
  try {
    session = modelSession(opened, worker.signature, source, provider, threads);
  } catch (error) {
    await worker.close();
    throw error;
  }
  workers.set(cacheKey(source, provider, threads), Promise.resolve(worker));
  return session;
}

/** What `openSession` was asked to open, and how; the provider is decided per attempt. */
interface Opening {
  model: string | Uint8Array;
  source: string;
  threads: Threads;
  openIn: 'thread' | 'worker';
}

function cached({ model, source, threads: asked, openIn }: Opening, provider: Provider): Promise<ModelSession> {
  // A narrow session leaves CPU cores to the pipeline's decodes and encodes; a GPU provider takes none of them, and a
  // second GPU session would only hold the model's memory twice.
  const threads: Threads = provider === 'cpu' ? asked : { wide: asked.wide };
  const key = cacheKey(source, provider, threads);
  let entry = cache.get(key);
  if (!entry) {
    entry = (openIn === 'worker' ? createInWorker : createOnThread)(model, source, provider, threads);
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
  const opening: Opening = { model, source, threads, openIn: options.openIn ?? 'thread' };
  if (device === 'cpu') return cached(opening, 'cpu');
  if (device !== 'auto') return openExplicit(opening, device);

  const known = autoResolved.get(source);
  if (known) return cached(opening, known);
  const gpu = platformGpuProvider();
  let reason = gpu ? providerUnavailableReason(gpu) : `no GPU provider exists for ${process.platform}`;
  if (gpu && !reason) {
    try {
      const session = await cached(opening, gpu);
      autoResolved.set(source, gpu);
      return session;
    } catch (error) {
      if (error instanceof SrError) throw error; // the model itself is bad: the CPU would not help
      reason = (error as Error).message.split('\n')[0];
    }
  }
  const session = await cached(opening, 'cpu');
  autoResolved.set(source, 'cpu');
  options.onNotice?.(cpuFallbackNotice('Running', reason, gpu && providerHint(gpu)));
  return session;
}

async function openExplicit(opening: Opening, provider: Provider): Promise<ModelSession> {
  const reason = providerUnavailableReason(provider);
  if (reason) throw new SrError('BAD_ARGUMENT', `--device ${provider} is not available: ${reason}`, providerHint(provider));
  try {
    return await cached(opening, provider);
  } catch (error) {
    if (error instanceof SrError) throw error;
    throw new SrError(
      'BAD_ARGUMENT',
      `--device ${provider} failed to start for ${opening.source}: ${(error as Error).message.split('\n')[0]}`,
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
  for (const entry of entries) await releaseOnThread(await entry.catch(() => undefined));
}

/** Releases a session's twin on this thread, if it was ever opened. */
async function releaseOnThread(s: ModelSession | undefined): Promise<void> {
  const thread = s && origins.get(s)?.thread;
  const session = await thread?.catch(() => undefined);
  await session?.release();
}

/** Releases the sessions of one model file (before deleting it). */
export async function releaseSessionsFor(source: string): Promise<void> {
  for (const [key, entry] of [...cache.entries()]) {
    if (!key.endsWith(`|${source}`)) continue;
    cache.delete(key);
    await closeWorker(key);
    await releaseOnThread(await entry.catch(() => undefined));
  }
  autoResolved.delete(source);
}
