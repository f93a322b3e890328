import { readFileSync } from 'node:fs';
import { fromFsError, SrError } from '../errors.ts';
import { writeFileAtomicSync } from '../imaging/atomic-write.ts';

/**
 * A training checkpoint: everything needed to continue a run bit for bit.
 *
 * File layout: the 8-byte magic `SRCKPT01`, a little-endian uint32 header length, the header as UTF-8 JSON,
 * zero padding to a multiple of 4, then each tensor's float32 values (little-endian) in header order.
 * Small, dependency-free, and readable with ten lines of Python.
 */
const MAGIC = 'SRCKPT01';

export interface CheckpointState {
  /** Updates already applied: the next step to run is `step`. */
  step: number;
  /** Training configuration, as given (so a checkpoint alone can restart the run). */
  config: unknown;
  /** Random state. Batches are keyed by (seed, step), so seed + step restore the sampler exactly. */
  rng: { seed: number; step: number };
  /** Best validation so far, so a resumed run keeps comparing against it. */
  best?: { step: number; psnr: number; ssim: number } | null;
  /** Seconds this run has trained up to `step` (all sessions), so a resumed run keeps counting its budget. */
  seconds?: number;
  /** Parameters and Adam's first/second moments, by parameter name. */
  params: Map<string, Float32Array>;
  adamM: Map<string, Float32Array>;
  adamV: Map<string, Float32Array>;
}

interface TensorEntry {
  group: 'param' | 'm' | 'v';
  name: string;
  length: number;
}

interface Header {
  format: 'srstudio-checkpoint';
  version: 1;
  step: number;
  config: unknown;
  rng: { seed: number; step: number };
  best: { step: number; psnr: number; ssim: number } | null;
  /** Absent in checkpoints written before training time was recorded. */
  seconds?: number;
  tensors: TensorEntry[];
}

function littleEndianBytes(values: Float32Array): Uint8Array {
  // Every platform Node ships on is little-endian; the check keeps the format honest if that changes.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new SrError('INTERNAL', 'Big-endian hosts are not supported');
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function encodeCheckpoint(state: CheckpointState): Uint8Array[] {
  const groups = [
    ['param', state.params],
    ['m', state.adamM],
    ['v', state.adamV],
  ] as const;
  const tensors: TensorEntry[] = [];
  const data: Uint8Array[] = [];
  for (const [group, map] of groups) {
    for (const [name, values] of map) {
      tensors.push({ group, name, length: values.length });
      data.push(littleEndianBytes(values));
    }
  }
  const header: Header = {
    format: 'srstudio-checkpoint',
    version: 1,
    step: state.step,
    config: state.config,
    rng: state.rng,
    best: state.best ?? null,
    seconds: state.seconds,
    tensors,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(12 + json.length + ((4 - (json.length % 4)) % 4));
  prefix.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(prefix.buffer).setUint32(8, json.length, true);
  prefix.set(json, 12);
  return [prefix, ...data];
}

export function saveCheckpoint(path: string, state: CheckpointState): void {
  writeFileAtomicSync(path, encodeCheckpoint(state));
}

function corrupt(path: string, why: string): SrError {
  return new SrError(
    'BAD_MODEL',
    `${path} is not a usable SR Studio checkpoint: ${why}`,
    'Resume from an earlier checkpoint, or start a new run.',
    path,
  );
}

export function decodeCheckpoint(bytes: Uint8Array, path: string): CheckpointState {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw corrupt(path, 'wrong file signature');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headerLength > bytes.length) throw corrupt(path, 'the file is truncated');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Header;
  } catch {
    throw corrupt(path, 'its header is not valid JSON');
  }
  if (header.format !== 'srstudio-checkpoint' || header.version !== 1 || !Array.isArray(header.tensors)) {
    throw corrupt(path, `unsupported format ${String(header.format)} v${String(header.version)}`);
  }
  let offset = 12 + headerLength + ((4 - (headerLength % 4)) % 4);
  const maps = { param: new Map<string, Float32Array>(), m: new Map<string, Float32Array>(), v: new Map<string, Float32Array>() };
  for (const entry of header.tensors) {
    const byteLength = entry.length * 4;
    if (offset + byteLength > bytes.length) throw corrupt(path, 'the file is truncated');
    // Copy: the caller owns (and mutates) these arrays, and the offset may not be 4-aligned in the source buffer.
    const values = new Float32Array(entry.length);
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + byteLength));
    maps[entry.group].set(entry.name, values);
    offset += byteLength;
  }
  if (offset !== bytes.length) throw corrupt(path, 'it has trailing bytes');
  return {
    step: header.step,
    config: header.config,
    rng: header.rng,
    best: header.best,
    seconds: header.seconds,
    params: maps.param,
    adamM: maps.m,
    adamV: maps.v,
  };
}

export function loadCheckpoint(path: string): CheckpointState {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw fromFsError(error, path, 'read');
  }
  return decodeCheckpoint(bytes, path);
}
