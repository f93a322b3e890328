import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { EngineSupervisor } from '../../src/engine-host/supervisor.ts';
import type { EventPayload, JobState, ParamsOf } from '../../src/shared/contract/index.ts';
import { writeTinyModel } from './models-tiny.ts';
import { TINY_ARCH } from './training-config.ts';
import { syntheticRgb } from './training-images.ts';

async function writePngs(dir: string, count: number, size: number, seedBase: number): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    await sharp(syntheticRgb(size, size, seedBase + i), { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toFile(path.join(dir, `img_${i}.png`));
  }
}

/** A few small training and validation images under `root`. */
export async function writeTrainingFolders(root: string): Promise<{ train: string; val: string }> {
  const train = path.join(root, 'train');
  const val = path.join(root, 'val');
  await writePngs(train, 4, 48, 1);
  await writePngs(val, 2, 32, 20);
  return { train, val };
}

/** The Train form's fields for a tiny SRCNN (5-1-3, n1=8, n2=4) at ×2: a step takes a millisecond or two. */
export function tinyTrainingParams(
  folders: { train: string; val: string },
  overrides: Partial<ParamsOf<'training.start'>> = {},
): ParamsOf<'training.start'> {
  return {
    architecture: TINY_ARCH,
    scale: 2,
    data: folders.train,
    validation: folders.val,
    steps: 30,
    batchSize: 8,
    patch: 16,
    learningRate: 2e-3,
    seed: 5,
    validateEvery: 10,
    checkpointEvery: 10,
    device: 'cpu',
    ...overrides,
  };
}

/** Two small PNGs and a tiny ×2 model: an upscale batch that takes well under a second. */
export async function writeUpscaleBatch(root: string): Promise<ParamsOf<'jobs.start'>> {
  const inputs = path.join(root, 'in');
  fs.mkdirSync(inputs, { recursive: true });
  for (const name of ['a.png', 'b.png']) {
    await sharp({ create: { width: 24, height: 16, channels: 3, background: { r: 200, g: 80, b: 40 } } })
      .png()
      .toFile(path.join(inputs, name));
  }
  const model = await writeTinyModel(root, 'rgb-lr', { id: 'tiny-queue', scale: 2 });
  return { inputs: [inputs], outputFolder: path.join(root, 'out'), model, scale: 2, format: 'png' };
}

/** Records every job.state event, in arrival order. */
export function recordJobStates(supervisor: EngineSupervisor): EventPayload<'job.state'>[] {
  const states: EventPayload<'job.state'>[] = [];
  supervisor.on('job.state', (event) => states.push(event));
  return states;
}

export function statesOf(states: EventPayload<'job.state'>[], jobId: string | undefined): JobState[] {
  return states.filter((event) => event.jobId === jobId).map((event) => event.state);
}
