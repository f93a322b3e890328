import { MODEL_META_KEY, ModelMeta } from '../../shared/model-meta.ts';
import { SrError } from '../errors.ts';
import { readMetadataProps } from '../onnx/metadata-props.ts';

/**
 * Reads the SR Studio metadata stored in an ONNX file's metadata_props. Returns undefined when the file
 * has none (a foreign model that was never imported); throws BAD_MODEL when it is present but invalid.
 * Only the model's top-level fields are read (metadata-props.ts): the graph is skipped, not decoded, so listing the
 * models (every batch does) costs a few milliseconds rather than a full decode of every file.
 */
export function readModelMeta(bytes: Uint8Array, path?: string): ModelMeta | undefined {
  let props: ReturnType<typeof readMetadataProps>;
  try {
    props = readMetadataProps(bytes);
    if (!props.hasGraph) throw new Error('it has no graph');
  } catch (error) {
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
