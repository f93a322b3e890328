import fs from 'node:fs';
import path from 'node:path';
import { hashBytes, hashFileOnce } from '../hash-file.ts';
import { writeFileAtomicSync } from '../imaging/atomic-write.ts';
import { modelCacheDir } from '../models/graph-cache.ts';
import { PHOTO_GRAPH_VERSION } from './photo-graph-spec.ts';
import type { ValueMap } from './tile-sources.ts';

/**
 * Photo graphs (ycbcr-graph.ts) kept across runs. Building one splices a few nodes into the model's bytes
 * (onnx/graph-splice.ts), 5–10 ms on the first call of a process, on the way to the model's opening (it decoded and
 * re-encoded the whole model through protobufjs' reflection until 2026-12-07: 30 ms, and 10–15 ms more to load it).
 * Reading a kept graph back takes a millisecond or two.
 *
 * An entry is keyed by the model's bytes (sha256), the graph's parameters and PHOTO_GRAPH_VERSION, so it is the graph
 * of these very bytes as today's builder makes it (a test pins what the builder makes, so that a change to it cannot
 * go out without a new version). A model that has no photo graph is remembered too, as an empty `.none` entry. An entry
 * is used only if its own sha256 still matches the one written beside it; anything else is built again and rewritten.
 * Entries are written atomically (atomic-write.ts). On while the graph cache is (`useGraphCache`); off, the graph is built.
 */
export async function cachedPhotoGraph(
  modelPath: string,
  scale: number,
  range: ValueMap,
  inputKind: 'upsampled' | 'lr',
): Promise<Uint8Array | undefined> {
  // The builder, and the model's bytes, load only when a graph is built.
  const build = async () =>
    (await import('./ycbcr-graph.ts')).ycbcrPhotoGraph(await fs.promises.readFile(modelPath), scale, range, inputKind);
  const dir = modelCacheDir('photo-graphs');
  if (!dir) return await build();
  const identity = [hashFileOnce(modelPath), scale, range.lo, range.hi, inputKind, PHOTO_GRAPH_VERSION].join('\n');
  const file = path.join(dir, `${hashBytes(new TextEncoder().encode(identity)).slice(0, 32)}.onnx`);
  const none = `${file}.none`;
  const kept = readIntact(file);
  if (kept) return kept;
  if (fs.existsSync(none)) return undefined;
  const graph = await build();
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (graph) writeWithHash(file, graph);
    else fs.writeFileSync(none, '');
  } catch {
    // A cache that cannot be written only costs the next run the building.
  }
  return graph;
}

function readIntact(file: string): Uint8Array | undefined {
  try {
    const bytes = fs.readFileSync(file);
    return fs.readFileSync(`${file}.sha256`, 'utf8').trim() === hashBytes(bytes) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** The hash first, then the graph (each written atomically): a graph under its real name always has its hash beside it. */
function writeWithHash(file: string, bytes: Uint8Array): void {
  writeFileAtomicSync(`${file}.sha256`, [new TextEncoder().encode(hashBytes(bytes))]);
  writeFileAtomicSync(file, [bytes]);
}
