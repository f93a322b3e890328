import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import { MODEL_META_KEY, ModelMeta } from '../../shared/model-meta.ts';
import { fromFsError, SrError } from '../errors.ts';
import { type ModelWindow, OutsideWindow, readMetadataProps } from '../onnx/metadata-props.ts';

/**
 * How much of each end of a model file is read for its metadata. The fields around the graph (producer, opsets,
 * metadata) are a few kilobytes; the graph between them, the weights, can be hundreds of megabytes for an imported
 * model, and every batch lists every model.
 */
const END_BYTES = 64 * 1024;

/**
 * {@link readModelMeta} of a model file, reading its head and its tail only: the graph between them is skipped by its
 * length. A file whose other fields do not fit there (a long doc string) is read whole.
 */
export async function readModelMetaFile(file: string): Promise<ModelMeta | undefined> {
  return withModelFile(file, (handle, stat) => readModelMetaFrom(handle, stat.size, file));
}

/**
 * Runs `use` on the open file and its stat, then closes it. A reader that decides from the stat whether to read at
 * all (a cache keyed by the file's identity) gets the stat of the very file it reads, from one call.
 */
export async function withModelFile<T>(file: string, use: (handle: fs.FileHandle, stat: Stats) => Promise<T>): Promise<T> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    throw fromFsError(error, file, 'read');
  }
  try {
    return await use(handle, await handle.stat());
  } catch (error) {
    throw error instanceof SrError ? error : fromFsError(error, file, 'read');
  } finally {
    await handle.close();
  }
}

/** {@link readModelMetaFile} of a file already open, `size` bytes long. */
export async function readModelMetaFrom(handle: fs.FileHandle, size: number, file: string): Promise<ModelMeta | undefined> {
  if (size > 2 * END_BYTES) {
    const [head, tail] = await Promise.all([readAt(handle, 0), readAt(handle, size - END_BYTES)]);
    try {
      return readModelMeta(headAndTail(size, head, tail), file);
    } catch (error) {
      if (!(error instanceof OutsideWindow)) throw error;
    }
  }
  return readModelMeta(await handle.readFile(), file);
}

async function readAt(handle: fs.FileHandle, position: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(END_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, END_BYTES, position);
  return buffer.subarray(0, bytesRead);
}

function headAndTail(size: number, head: Uint8Array, tail: Uint8Array): ModelWindow {
  const tailStart = size - tail.length;
  return {
    size,
    slice(start, end) {
      if (end <= head.length) return head.subarray(start, end);
      if (start >= tailStart && end <= size) return tail.subarray(start - tailStart, end - tailStart);
      throw new OutsideWindow(`bytes ${start}–${end} are between the head and the tail read`);
    },
  };
}

/**
 * Reads the SR Studio metadata stored in an ONNX file's metadata_props. Returns undefined when the file
 * has none (a foreign model that was never imported); throws BAD_MODEL when it is present but invalid.
 * Only the model's top-level fields are read (metadata-props.ts): the graph is skipped, not decoded, so listing the
 * models (every batch does) costs a few milliseconds rather than a full decode of every file. Given a window of a file
 * ({@link readModelMetaFile}), it throws {@link OutsideWindow} when a field it must read is not in it.
 */
export function readModelMeta(bytes: Uint8Array | ModelWindow, path?: string): ModelMeta | undefined {
  let props: ReturnType<typeof readMetadataProps>;
  try {
    props = readMetadataProps(bytes);
    if (!props.hasGraph) throw new Error('it has no graph');
  } catch (error) {
    if (error instanceof OutsideWindow) throw error;
    throw notOnnx(error, path);
  }
  const entry = props.entries.find((p) => p.key === MODEL_META_KEY);
  if (!entry) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(entry.value);
  } catch (error) {
    throw new SrError(
      'BAD_MODEL',
      `${path ?? 'The model'} has unreadable SR Studio metadata (not JSON)`,
      'Re-import the model with `srstudio models import`.',
      path,
      { cause: error },
    );
  }
  const parsed = ModelMeta.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'meta'}: ${i.message}`).join('; ');
    throw new SrError(
      'BAD_MODEL',
      `${path ?? 'The model'} has invalid SR Studio metadata (${reason})`,
      'Re-import the model with `srstudio models import`.',
      path,
    );
  }
  return parsed.data;
}

/** The error for bytes that are not a readable ONNX model. */
export function notOnnx(error: unknown, path: string | undefined): SrError {
  return new SrError(
    'BAD_MODEL',
    `${path ?? 'The file'} is not a readable ONNX model: ${(error as Error).message}`,
    'Export the model to ONNX (opset 11 or newer) and try again.',
    path,
    { cause: error },
  );
}
