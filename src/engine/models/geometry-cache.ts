import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { hashBytes, hashFileOnce } from '../hash-file.ts';
import { modelCacheDir } from './graph-cache.ts';
import { ortVersion } from './ort-runtime.ts';
import type { ModelGeometry } from './probe.ts';

/**
 * Model geometries as measured before (probe.ts), kept across runs so that a batch can hand its model straight to the
 * inference worker: measuring takes a session on the calling thread, which a batch would otherwise open only for that.
 * An entry is keyed by the model's bytes (sha256) and the ORT version that measured it, so it is the measurement of
 * these very bytes. One that cannot be read or does not parse is ignored (and written again by the next measurement);
 * entries are written to a temp name and renamed. On while the graph cache is (`useGraphCache`).
 */
const StoredGeometry = z.object({
  channels: z.union([z.literal(1), z.literal(3)]),
  ratio: z.number().int().min(1),
  crop: z.number().int().min(0),
  maxBatch: z.number().int().min(1),
});

function entryFile(modelPath: string): string | undefined {
  const dir = modelCacheDir('geometry');
  if (!dir) return undefined;
  try {
    // The model's hash is kept while its file stays the same: a batch opens its model pass for every photo.
    const key = hashBytes(new TextEncoder().encode(`${hashFileOnce(modelPath)}\n${ortVersion()}`));
    return path.join(dir, `${key.slice(0, 32)}.json`);
  } catch {
    return undefined;
  }
}

/** The geometry measured before for this model file's bytes, if the cache is on and holds a sound entry. */
export function knownGeometry(modelPath: string): ModelGeometry | undefined {
  const file = entryFile(modelPath);
  if (!file) return undefined;
  try {
    const parsed = StoredGeometry.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a measured geometry for the next run; a cache that cannot be written only costs that run the measurement. */
export function rememberGeometry(modelPath: string, geometry: ModelGeometry): void {
  const file = entryFile(modelPath);
  if (!file) return;
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, JSON.stringify(StoredGeometry.parse(geometry)));
    fs.renameSync(temp, file);
  } catch {
    fs.rmSync(temp, { force: true });
  }
}
