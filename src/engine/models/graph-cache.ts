import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashBytes } from '../hash-file.ts';
import { readCpuinfo } from './cpu-cores.ts';
import type { Provider } from './execution-providers.ts';
import { ortVersion } from './ort-runtime.ts';

/**
 * ONNX Runtime's optimised graphs, kept across runs: a session that opens a cached graph skips the graph optimisation
 * (fusions, constant folding, the NCHWc layout rewrite) and loads what ORT itself saved last time
 * (`optimizedModelFilePath`). Such a graph may contain CPU-specific kernels and ORT-internal operators, so an entry is
 * keyed by the model's bytes (sha256), the ORT version, the execution provider and the CPU (model name and feature
 * flags). An entry is used only if its own sha256 still matches the one written beside it; one that ORT then cannot
 * load is deleted and the session opened from the model itself, which writes the entry again (session.ts). Entries are
 * written to a temp name and renamed, so a killed run never leaves half a graph under a real name.
 *
 * Off until a batch names its folder (`useGraphCache`): the cache lives in the state folder (`<state>/cache/graphs`).
 */
let stateCacheDir: string | undefined;

/**
 * Turns the cache on for this process, in `<stateDir>/cache/graphs` (a batch runner does this), and with it the
 * other caches of what a model's bytes determine (geometry-cache.ts).
 */
export function useGraphCache(stateDir: string | undefined): void {
  stateCacheDir = stateDir === undefined ? undefined : path.join(stateDir, 'cache');
}

/** `<stateDir>/cache/<name>` while the caches are on, else undefined. */
export function modelCacheDir(name: string): string | undefined {
  return stateCacheDir === undefined ? undefined : path.join(stateCacheDir, name);
}

export interface GraphCacheEntry {
  /** The cached graph's path when it can be used as it is. */
  cached?: string;
  /** Where ORT should write the optimised graph when there is no usable entry (a temp name; `commit` renames it). */
  saveTo?: string;
  /** After a session was opened with `saveTo`: move the graph into place and record its hash. */
  commit(): void;
  /** The cached graph failed to load: remove it, so the next session writes it again. */
  discard(): void;
}

const NONE: GraphCacheEntry = { commit() {}, discard() {} };

let cpuKey: string | undefined;

/** The CPU as far as ORT's kernel choice goes: model name and feature flags (Linux), else the model name and arch. */
function cpuIdentity(): string {
  if (cpuKey !== undefined) return cpuKey;
  const info = readCpuinfo();
  const first = info?.split('\n\n')[0] ?? '';
  const model = /^model name\s*:\s*(.*)$/m.exec(first)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const flags = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(first)?.[1]?.split(/\s+/).sort().join(' ') ?? '';
  cpuKey = `${process.arch}|${model}|${flags}`;
  return cpuKey;
}

/** The cache entry for a model on a provider; NONE while the cache is off or cannot be used (a read-only state). */
export function graphCacheEntry(model: string | Uint8Array, provider: Provider): GraphCacheEntry {
  const dir = modelCacheDir('graphs');
  if (!dir) return NONE;
  let bytes: Uint8Array;
  try {
    bytes = typeof model === 'string' ? fs.readFileSync(model) : model;
    fs.mkdirSync(dir, { recursive: true });
  } catch {
    return NONE;
  }
  const identity = [hashBytes(bytes), ortVersion(), provider, cpuIdentity()].join('\n');
  const key = hashBytes(new TextEncoder().encode(identity)).slice(0, 32);
  const file = path.join(dir, `${key}.onnx`);
  const hashFile = `${file}.sha256`;
  const intact = (): boolean => {
    try {
      return fs.readFileSync(hashFile, 'utf8').trim() === hashBytes(fs.readFileSync(file));
    } catch {
      return false;
    }
  };
  const remove = (): void => {
    for (const f of [file, hashFile]) fs.rmSync(f, { force: true });
  };
  if (intact()) return { cached: file, commit() {}, discard: remove };
  const temp = path.join(dir, `.${key}.${process.pid}.${Date.now()}.tmp`);
  return {
    saveTo: temp,
    commit() {
      try {
        fs.writeFileSync(`${hashFile}.${process.pid}.tmp`, hashBytes(fs.readFileSync(temp)));
        fs.renameSync(temp, file);
        fs.renameSync(`${hashFile}.${process.pid}.tmp`, hashFile);
      } catch {
        // A cache that cannot be written only costs the next run its optimisation time.
        fs.rmSync(temp, { force: true });
      }
    },
    discard: () => fs.rmSync(temp, { force: true }),
  };
}
