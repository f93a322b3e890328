import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { fromFsError } from '../../engine/errors.ts';
import { writeFileAtomic } from '../../engine/imaging/atomic-write.ts';
import type { Plane } from '../../engine/imaging/image.ts';
import { imresize } from '../../engine/imaging/matlab-resize.ts';
import type { TrainEvent } from '../../engine/training/events.ts';
import { type ValidationSample as SampleRef, ValidationSample } from '../../shared/contract/index.ts';

export type TrainSample = NonNullable<Extract<TrainEvent, { type: 'validation' }>['sample']>;

/** HR pixels on each side of the sample crop: big enough to judge edges, small enough to write at every validation. */
const CROP = 128;
const INDEX = 'sample.json';
/**
 * Steps whose files are kept. A page learns of a sample from an event and then loads its images; on a busy machine
 * the next validation can land in between, so the previous step's files stay until the one after.
 */
const KEEP_STEPS = 2;

function scaledBy(plane: Plane, factor: number): Plane {
  return { width: plane.width, height: plane.height, data: plane.data.map((v) => v * factor) };
}

/** The centre `w`×`h` of a plane as 8-bit grey. */
function centreCrop(plane: Plane, w: number, h: number): Buffer {
  const x0 = Math.floor((plane.width - w) / 2);
  const y0 = Math.floor((plane.height - h) / 2);
  const out = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[y * w + x] = Math.max(0, Math.min(255, Math.round(plane.data[(y0 + y) * plane.width + x0 + x])));
  }
  return out;
}

/**
 * Writes one validation image's bicubic / model / truth crops as grey PNGs (the model works on luma only, and
 * luma is what PSNR/SSIM score) into `folder`, then records them in `sample.json` and removes the files of all but the
 * last KEEP_STEPS steps. The names carry the step, so an image cache never shows a stale sample.
 */
export async function writeValidationSample(folder: string, step: number, sample: TrainSample): Promise<SampleRef> {
  const { truth } = sample;
  const model = scaledBy(sample.output, 255);
  const upscaledInput = scaledBy(sample.input, 255);
  const bicubic = sample.inputKind === 'lr' ? imresize(upscaledInput, truth.width, truth.height, 'bicubic') : upscaledInput;
  const width = Math.min(CROP, truth.width, model.width, bicubic.width);
  const height = Math.min(CROP, truth.height, model.height, bicubic.height);
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw fromFsError(error, folder, 'write');
  }
  const stem = `step-${String(step).padStart(8, '0')}`;
  const refs = {} as Record<'bicubic' | 'model' | 'truth', SampleRef['truth']>;
  for (const [role, plane] of [
    ['bicubic', bicubic],
    ['model', model],
    ['truth', truth],
  ] as const) {
    const path = join(folder, `${stem}-${role}.png`);
    const png = await sharp(centreCrop(plane, width, height), { raw: { width, height, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    await writeFileAtomic(path, png);
    refs[role] = { path, width, height };
  }
  const ref: SampleRef = { step, image: sample.name.slice(0, 500), ...refs };
  await writeFileAtomic(join(folder, INDEX), JSON.stringify(ref));
  const pngs = readdirSync(folder).filter((name) => /^step-\d{8}-.*\.png$/.test(name));
  const kept = [...new Set(pngs.map((name) => name.slice(0, stem.length)))].sort().slice(-KEEP_STEPS);
  for (const name of pngs) if (!kept.includes(name.slice(0, stem.length))) rmSync(join(folder, name), { force: true });
  return ref;
}

/** The latest sample written into `folder`, if any. */
export function readValidationSample(folder: string): SampleRef | undefined {
  try {
    const parsed = ValidationSample.safeParse(JSON.parse(readFileSync(join(folder, INDEX), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
