import fs from 'node:fs/promises';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { ModelMeta } from '../../shared/model-meta.ts';
import { fromFsError, SrError } from '../errors.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import type { LoadedModel } from './loaded-model.ts';
import { decodeOnnx, withModelMeta } from './model-bytes.ts';
import { builtinDirOf, type ModelDirs, userModelsDir } from './model-dirs.ts';
import { readModelMeta } from './model-meta-io.ts';
import { ortRuntime } from './ort-runtime.ts';
import { type ProbedModel, probeModel } from './probe.ts';
import type { ModelSession } from './session.ts';

export interface ImportOptions {
  id?: string;
  name?: string;
  /** Needed for 'upsampled' models (output size = input size), whose scale cannot be measured. */
  scale?: number;
}

/** File name → a valid id: lower case, [a-z0-9._-], at most 64 characters. */
export function idFromFileName(file: string): string {
  const slug = path
    .basename(file, path.extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
  return slug || 'model';
}

/** Cheap structural checks on the graph, with clearer reasons than the runtime would give. */
function checkGraph(bytes: Uint8Array, file: string): void {
  const graph = decodeOnnx(bytes, file).graph;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((i) => !initializers.has(i.name));
  const hint = 'SR Studio runs models with one image input and one image output (NCHW float32).';
  if (inputs.length !== 1)
    throw new SrError(
      'BAD_MODEL',
      `${file} has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); an SR model has exactly one`,
      hint,
      file,
    );
  if (graph.output.length !== 1)
    throw new SrError('BAD_MODEL', `${file} has ${graph.output.length} outputs; an SR model has exactly one`, hint, file);
}

async function probeBytes(bytes: Uint8Array, file: string): Promise<ProbedModel> {
  checkGraph(bytes, file);
  let session: ort.InferenceSession;
  try {
    session = await ortRuntime().InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  } catch (error) {
    throw new SrError(
      'BAD_MODEL',
      `${file} cannot be loaded by ONNX Runtime: ${(error as Error).message.split('\n')[0]}`,
      'Re-export it with opset 11–21 and standard operators.',
      file,
      {
        cause: error,
      },
    );
  }
  try {
    const s: ModelSession = {
      provider: 'cpu',
      inputName: session.inputNames[0],
      outputName: session.outputNames[0],
      inputMetadata: session.inputMetadata,
      outputMetadata: session.outputMetadata,
      onThread: async () => session,
    };
    return await probeModel(s, file);
  } finally {
    await session.release();
  }
}

/**
 * Measures what a model does (channels, scale, input kind, receptive field) by running it, and merges that
 * with what the file already says about itself. Measured facts win over declared ones.
 */
export async function inferModelMeta(bytes: Uint8Array, file: string, options: ImportOptions, declared?: ModelMeta): Promise<ModelMeta> {
  const probed = await probeBytes(bytes, file);
  const inputKind = probed.ratio > 1 ? 'lr' : 'upsampled';
  let scale = probed.ratio;
  if (inputKind === 'upsampled') {
    const wanted = options.scale ?? declared?.scale;
    if (wanted === undefined) {
      throw new SrError(
        'BAD_ARGUMENT',
        `${file} returns an image the size of its input (an SRCNN-style model fed a bicubic-upsampled image), so its scale cannot be measured`,
        'Say which scale it was trained for with --scale 2|3|4.',
        file,
      );
    }
    scale = wanted;
  } else if (options.scale !== undefined && options.scale !== probed.ratio) {
    throw new SrError(
      'BAD_ARGUMENT',
      `${file} upscales ×${probed.ratio}, not ×${options.scale}`,
      `Leave out --scale, or pass --scale ${probed.ratio}.`,
      file,
    );
  }
  const id = options.id ?? declared?.id ?? idFromFileName(file);
  const candidate = {
    id,
    name: options.name ?? declared?.name ?? path.basename(file),
    architecture: declared?.architecture ?? 'imported',
    scale,
    colorMode: probed.channels === 1 ? 'y' : 'rgb',
    inputKind,
    valueRange: declared?.valueRange ?? [0, 1],
    halo: Math.max(probed.halo, declared?.halo ?? 0),
    provenance: declared?.provenance || `imported from ${path.basename(file)}`,
    scores: declared?.scores ?? {},
  };
  const parsed = ModelMeta.safeParse(candidate);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SrError(
      'BAD_ARGUMENT',
      `Cannot describe ${file}: ${reason}`,
      'Pass --id with lower-case letters, digits, dot, dash or underscore (e.g. --id my-model-x2).',
      file,
    );
  }
  return parsed.data;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Copies an ONNX SR model into `<stateDir>/models/<id>.onnx` with measured metadata, after checking that it
 * runs. Refuses ids already used by a bundled or user model.
 */
export async function importModel(file: string, dirs: ModelDirs, options: ImportOptions = {}): Promise<LoadedModel> {
  const source = path.resolve(file);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(source);
  } catch (error) {
    throw fromFsError(error, source, 'read');
  }
  if (bytes.length === 0) throw new SrError('EMPTY_FILE', `${source} is empty`, 'Export the model again.', source);
  const declared = readModelMeta(bytes, source);
  const meta = await inferModelMeta(bytes, source, options, declared);
  return saveUserModel(bytes, meta, dirs, source);
}

/** `<stateDir>/models/<id>.onnx`, after checking that no bundled or user model has that id. */
export async function freeUserModelPath(id: string, dirs: ModelDirs): Promise<string> {
  const target = path.join(userModelsDir(dirs), `${id}.onnx`);
  for (const taken of [path.join(builtinDirOf(dirs), `${id}.onnx`), target]) {
    if (await exists(taken)) {
      throw new SrError(
        'BAD_ARGUMENT',
        `A model with id "${id}" already exists (${taken})`,
        'Choose another id with --id, or remove the old one with `srstudio models rm ID`.',
        taken,
      );
    }
  }
  return target;
}

/** Writes a model with its metadata into the user's models folder, atomically, under an id no model has yet. */
export async function saveUserModel(bytes: Uint8Array, meta: ModelMeta, dirs: ModelDirs, source?: string): Promise<LoadedModel> {
  const target = await freeUserModelPath(meta.id, dirs);
  try {
    await fs.mkdir(path.dirname(target), { recursive: true });
  } catch (error) {
    throw fromFsError(error, path.dirname(target), 'write');
  }
  await writeFileAtomic(target, withModelMeta(bytes, meta, source));
  return { meta, path: target, source: 'user' };
}
