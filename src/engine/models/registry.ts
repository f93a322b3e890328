import fs from 'node:fs/promises';
import path from 'node:path';
import type { ModelMeta } from '../../shared/model-meta.ts';
import { isForPhotos } from '../../shared/model-title.ts';
import { fromFsError, SrError } from '../errors.ts';
import { fileIdentity } from '../file-identity.ts';
import type { LoadedModel, ModelSource } from './loaded-model.ts';
import { builtinDirOf, type ModelDirs, userModelsDir } from './model-dirs.ts';
import { readModelMetaFile, readModelMetaFrom, withModelFile } from './model-meta-io.ts';
import { releaseSessionsFor } from './session.ts';

export interface ModelProblem {
  path: string;
  reason: string;
}

async function onnxFiles(dir: string): Promise<string[]> {
  try {
    const names = await fs.readdir(dir);
    return names
      .filter((n) => n.toLowerCase().endsWith('.onnx') && !n.startsWith('.'))
      .sort()
      .map((n) => path.join(dir, n));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fromFsError(error, dir, 'read');
  }
}

async function readFile(file: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw fromFsError(error, file, 'read');
  }
}

/**
 * Metadata already read in this process, by file, kept while the file stays the same one (inode, size, mtime): a
 * batch lists the models twice (its model, then that model's int8 variant), the app on every Models screen.
 */
const readBefore = new Map<string, { identity: string; meta: ModelMeta | undefined }>();

/** Reads a model file's metadata; undefined meta when the file has none (a foreign ONNX file). */
async function readModelFile(file: string, source: ModelSource): Promise<LoadedModel | undefined> {
  const meta = await withModelFile(file, async (handle, stat) => {
    const identity = fileIdentity(stat);
    const known = readBefore.get(file);
    const read = known?.identity === identity ? known.meta : await readModelMetaFrom(handle, stat.size, file);
    readBefore.set(file, { identity, meta: read });
    return read;
  });
  return meta ? { meta, path: file, source } : undefined;
}

/**
 * Every model SR Studio can use: bundled ones, then the user's (`<stateDir>/models`). Files that cannot be
 * read or have no metadata are reported through `onProblem` and skipped, so one bad file never hides the rest.
 */
export async function listModels(dirs: ModelDirs, onProblem?: (p: ModelProblem) => void): Promise<LoadedModel[]> {
  const result: LoadedModel[] = [];
  const seen = new Set<string>();
  for (const [dir, source] of [
    [builtinDirOf(dirs), 'builtin'],
    [userModelsDir(dirs), 'user'],
  ] as const) {
    const files = await onnxFiles(dir);
    // Read together (a batch's start waits for this listing), then taken in name order.
    const reads = await Promise.allSettled(files.map((file) => readModelFile(file, source)));
    for (const [i, file] of files.entries()) {
      const read = reads[i];
      try {
        if (read.status === 'rejected') throw read.reason;
        const model = read.value;
        if (!model) {
          onProblem?.({ path: file, reason: 'no SR Studio metadata (import it with `srstudio models import`)' });
        } else if (seen.has(model.meta.id)) {
          onProblem?.({ path: file, reason: `duplicate id "${model.meta.id}" (the first one found is used)` });
        } else {
          seen.add(model.meta.id);
          result.push(model);
        }
      } catch (error) {
        onProblem?.({ path: file, reason: error instanceof SrError ? error.message : String(error) });
      }
    }
  }
  return result;
}

function looksLikePath(idOrPath: string): boolean {
  return idOrPath.includes('/') || idOrPath.includes('\\') || idOrPath.toLowerCase().endsWith('.onnx');
}

/**
 * A model by id (bundled or user) or by path to an .onnx file. A file without SR Studio metadata is measured
 * on the fly (as `models import` would) and used without being copied.
 */
export async function loadModel(idOrPath: string, dirs: ModelDirs): Promise<LoadedModel> {
  if (looksLikePath(idOrPath)) {
    const file = path.resolve(idOrPath);
    const meta = await readModelMetaFile(file);
    // A bundled model named by its path is still the bundled model (its card says how it was trained).
    if (meta) return { meta, path: file, source: path.dirname(file) === path.resolve(builtinDirOf(dirs)) ? 'builtin' : 'file' };
    // Measuring a foreign model needs its bytes, a session and the full ONNX schema: loaded only for one.
    const { inferModelMeta } = await import('./import-model.ts');
    return { meta: await inferModelMeta(await readFile(file), file, {}), path: file, source: 'file' };
  }
  const models = await listModels(dirs);
  const found = models.find((m) => m.meta.id === idOrPath);
  if (found) return found;
  const known = models.map((m) => m.meta.id);
  throw new SrError(
    'UNKNOWN_MODEL',
    `No model with id "${idOrPath}"`,
    known.length > 0
      ? `Known models: ${known.join(', ')}. Or pass a path to an .onnx file.`
      : 'No models are installed yet: pass a path to an .onnx file, or `srstudio models import FILE.onnx`.',
  );
}

/** Deletes a user model (bundled ones cannot be deleted). */
export async function deleteModel(id: string, dirs: ModelDirs): Promise<LoadedModel> {
  const model = await loadModel(id, dirs);
  if (model.source !== 'user') {
    throw new SrError(
      'BAD_ARGUMENT',
      `"${id}" is a built-in model and cannot be removed`,
      'Only models you imported can be removed.',
      model.path,
    );
  }
  await releaseSessionsFor(model.path);
  try {
    await fs.rm(model.path);
  } catch (error) {
    throw fromFsError(error, model.path, 'write');
  }
  return model;
}

/**
 * Which bundled model a batch runs when none is named, best first: the photo model (what people upscale are camera and
 * phone JPEGs, and on those it gains most: README "How good"), then SRCNN 9-5-5 (the earlier default, for the scales
 * without a photo model), then any other bundled float32 model.
 */
const DEFAULT_ORDER: ((m: LoadedModel) => boolean)[] = [
  (m) => isForPhotos(m.meta.degradation?.name),
  (m) => m.meta.architecture.startsWith('srcnn-9-5-5'),
  (m) => m.meta.architecture.startsWith('srcnn'),
  () => true,
];

/** The bundled default for a scale. Where none is installed for the scale, this says so plainly instead of substituting another scale. */
export async function defaultModelFor(scale: number, dirs: ModelDirs): Promise<LoadedModel> {
  // The float32 model: an int8 variant is chosen by --precision (precision.ts), not as the default itself.
  const builtins = (await listModels(dirs)).filter((m) => m.source === 'builtin' && m.meta.scale === scale && !m.meta.quantizedFrom);
  for (const preferred of DEFAULT_ORDER) {
    const found = builtins.find(preferred);
    if (found) return found;
  }
  throw new SrError(
    'NO_DEFAULT_MODEL',
    `No built-in ×${scale} model is installed (SR Studio bundles models for ×2, ×3 and ×4)`,
    'Pass a model with --model PATH|ID (see `srstudio models`), or train one with `srstudio train`.',
  );
}
