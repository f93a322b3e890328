import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SrError } from '../../../src/engine/errors.ts';
import { hasInt8DotProduct } from '../../../src/engine/models/cpu-int8.ts';
import type { LoadedModel } from '../../../src/engine/models/loaded-model.ts';
import { withModelMeta } from '../../../src/engine/models/model-bytes.ts';
import { modelAtPrecision } from '../../../src/engine/models/precision.ts';
import { loadModel } from '../../../src/engine/models/registry.ts';
import { releaseSessions } from '../../../src/engine/models/session.ts';
import { quantizeModel } from '../../../src/engine/quantize/quantize-model.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { runCli } from '../../helpers/jobs-cli.ts';
import { photoFolder, writeExportedModel } from '../../helpers/models-exported.ts';
import { photoLikeImage, tempDir } from '../../helpers/models-photo.ts';

let dir: string;
let store: Store;
let dirs: { stateDir: string; builtinDir: string };
let parent: LoadedModel;
let variant: LoadedModel;
let lonely: LoadedModel;

beforeAll(async () => {
  dir = tempDir('srs-precision-');
  dirs = { stateDir: path.join(dir, 'state'), builtinDir: path.join(dir, 'builtin') };
  store = openStore(dirs.stateDir);
  // Two "bundled" float models; one gets an int8 variant in the user's models.
  await writeExportedModel(dirs.builtinDir, 'srcnn-5-3-3-same-res-n16-8', 2, 'tiny-x2');
  await writeExportedModel(dirs.builtinDir, 'srcnn-5-3-3-same-res-n16-8', 3, 'tiny-x3', 2);
  const photos = await photoFolder(path.join(dir, 'photos'), 3, 96);
  variant = (await quantizeModel('tiny-x2', dirs, store, { calibrate: photos, budgetDb: 10 })).model;
  parent = await loadModel('tiny-x2', dirs);
  lonely = await loadModel('tiny-x3', dirs);
}, 120_000);

afterAll(async () => {
  await releaseSessions();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `check` with tiny-x2's only int8 variant being a copy of the real one, named `id`, whose recorded PSNR is `loss`
 * dB below its parent's; the real variant is put back after.
 */
async function withOnlyVariant(id: string, loss: number, check: () => Promise<void>): Promise<void> {
  const q = variant.meta.quantizedFrom;
  if (!q) throw new Error('the variant has no lineage');
  const file = path.join(dirs.stateDir, 'models', `${id}.onnx`);
  fs.writeFileSync(
    file,
    withModelMeta(fs.readFileSync(variant.path), { ...variant.meta, id, quantizedFrom: { ...q, psnr: q.parentPsnr - loss } }),
  );
  fs.renameSync(variant.path, `${variant.path}.away`);
  try {
    await check();
  } finally {
    fs.renameSync(`${variant.path}.away`, variant.path);
    fs.rmSync(file);
  }
}

describe('--precision', () => {
  it('auto: the int8 variant where the CPU has int8 dot products, else the model as named', async () => {
    const fast = await modelAtPrecision(parent, 'auto', dirs, true);
    expect(fast.model.meta.id).toBe('tiny-x2-int8');
    expect(fast.note).toMatch(/^Using tiny-x2-int8, the int8 variant of tiny-x2 \([−+]\d\.\d{3} dB against tiny-x2 on .*photos\)/);
    expect((await modelAtPrecision(parent, 'auto', dirs, false)).model.meta.id).toBe('tiny-x2');
    // No variant: the model itself, silently; an int8 model named explicitly stays int8.
    expect(await modelAtPrecision(lonely, 'auto', dirs, true)).toEqual({ model: lonely });
    expect((await modelAtPrecision(variant, 'auto', dirs, true)).model.meta.id).toBe('tiny-x2-int8');
  });

  it('auto leaves out a variant that lost more than the quality budget', async () => {
    await withOnlyVariant('tiny-x2-lossy', 0.5, async () => {
      expect((await modelAtPrecision(parent, 'auto', dirs, true)).model.meta.id).toBe('tiny-x2');
      // Asked for explicitly, it is used, the note saying what it loses.
      const forced = await modelAtPrecision(parent, 'int8', dirs, true);
      expect(forced.model.meta.id).toBe('tiny-x2-lossy');
      expect(forced.note).toContain('−0.500 dB against tiny-x2');
    });
  });

  it('says "within 0.001 dB" of a variant whose difference would print as 0.000', async () => {
    await withOnlyVariant('tiny-x2-close', 0.0002, async () => {
      const chosen = await modelAtPrecision(parent, 'auto', dirs, true);
      expect(chosen.model.meta.id).toBe('tiny-x2-close');
      expect(chosen.note).toMatch(/^Using tiny-x2-close, the int8 variant of tiny-x2 \(within 0\.001 dB of tiny-x2 on .*photos\)/);
    });
  });

  it('fp32 runs the parent of an int8 model; int8 without a variant says how to make one', async () => {
    const back = await modelAtPrecision(variant, 'fp32', dirs);
    expect(back.model.path).toBe(parent.path);
    expect(back.note).toMatch(/float32 parent of tiny-x2-int8/);
    expect(await modelAtPrecision(parent, 'fp32', dirs)).toEqual({ model: parent });
    const error = await modelAtPrecision(lonely, 'int8', dirs, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SrError);
    expect((error as SrError).message).toBe('tiny-x3 has no int8 variant');
    expect((error as SrError).hint).toContain('srstudio models quantize tiny-x3');
    const slow = await modelAtPrecision(parent, 'int8', dirs, false);
    expect(slow.note).toMatch(/no int8 dot-product instructions/);
  });

  it('the CLI upscales with the variant and says so; --precision fp32 with the parent, into different pixels', async () => {
    const input = path.join(dir, 'in.png');
    const image = photoLikeImage(40, 30);
    await sharp(image.data, { raw: { width: 40, height: 30, channels: 3 } })
      .png()
      .toFile(input);
    const env = { SRSTUDIO_RESOURCES: dir };
    fs.renameSync(dirs.builtinDir, path.join(dir, 'models'));
    try {
      const args = (out: string, precision: string) => [
        'upscale',
        input,
        '-o',
        path.join(dir, out),
        '--model',
        'tiny-x2',
        '--precision',
        precision,
        '--state',
        dirs.stateDir,
      ];
      const int8 = await runCli(args('int8', 'int8'), { env });
      expect(int8.code, int8.stderr).toBe(0);
      expect(int8.stderr).toMatch(/note: Using tiny-x2-int8, the int8 variant of tiny-x2/);
      expect(int8.stderr).toMatch(/upscale with tiny-x2-int8 into/);
      const fp32 = await runCli(args('fp32', 'fp32'), { env });
      expect(fp32.code, fp32.stderr).toBe(0);
      expect(fp32.stderr).toMatch(/upscale with tiny-x2 into/);
      const a = fs.readFileSync(path.join(dir, 'int8', 'in_x2.png'));
      const b = fs.readFileSync(path.join(dir, 'fp32', 'in_x2.png'));
      expect(a.equals(b)).toBe(false);
      const bad = await runCli(['upscale', input, '--precision', 'int4', '--state', dirs.stateDir], { env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('Unknown --precision "int4"');
    } finally {
      fs.renameSync(path.join(dir, 'models'), dirs.builtinDir);
    }
  });
});

describe('hasInt8DotProduct', () => {
  const x86 = (flags: string) => `processor\t: 0\nflags\t\t: fpu sse2 avx2 ${flags}\n`;
  it('reads the CPU flags: VNNI on x86, dotprod on ARM, Apple Silicon always', () => {
    expect(hasInt8DotProduct(x86('avx512f avx512_vnni'), 'x64', 'linux')).toBe(true);
    expect(hasInt8DotProduct(x86('avx_vnni'), 'x64', 'linux')).toBe(true);
    expect(hasInt8DotProduct(x86('fma'), 'x64', 'linux')).toBe(false);
    expect(hasInt8DotProduct('processor\t: 0\nFeatures\t: fp asimd asimddp sve\n', 'arm64', 'linux')).toBe(true);
    expect(hasInt8DotProduct('processor\t: 0\nFeatures\t: fp asimd\n', 'arm64', 'linux')).toBe(false);
    expect(hasInt8DotProduct(undefined, 'arm64', 'darwin')).toBe(true);
    expect(hasInt8DotProduct(undefined, 'x64', 'win32')).toBe(false);
  });
});
