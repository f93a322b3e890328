import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoFolder, writeExportedModel } from '../helpers/models-exported.ts';
import { tempDir } from '../helpers/models-photo.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/srstudio.js');

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // Built-in models come from an empty resources folder unless a test says otherwise, so the listing is the state's own.
    const isolated = { SRSTUDIO_RESOURCES: path.join(root, 'no-builtins'), ...env };
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...isolated }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let root: string;
let state: string;
let inbox: string;
beforeAll(async () => {
  root = tempDir('srs-cli-models-');
  state = path.join(root, 'state');
  inbox = path.join(root, 'inbox');
  await writeTinyModel(inbox, 'rgb-lr', { scale: 2, withMeta: false, id: 'Some Model' });
  await writeTinyModel(inbox, 'y-upsampled-same', { withMeta: false, id: 'srcnn-like' });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// Each CLI call is a fresh Node process (tsx + ORT load): slow on a busy 2-core machine, hence the timeout.
describe('srstudio models', { timeout: 180_000 }, () => {
  it('import, list (table and --json), rm, through the real CLI', async () => {
    const empty = await cli(['models', '--state', state]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No models yet');

    const imported = await cli(['models', 'import', path.join(inbox, 'Some Model.onnx'), '--name', 'Mine', '--json', '--state', state]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      id: 'some-model',
      name: 'Mine',
      scale: 2,
      colorMode: 'rgb',
      inputKind: 'lr',
      source: 'user',
    });

    // SRSTUDIO_HOME is the state folder when --state is absent.
    const srcnn = await cli(['models', 'import', path.join(inbox, 'srcnn-like.onnx'), '--scale', '3', '--id', 'srcnn-x3'], {
      SRSTUDIO_HOME: state,
    });
    expect(srcnn.code).toBe(0);
    expect(srcnn.stdout).toContain('Imported srcnn-x3: ×3, y, upsampled input');

    const table = await cli(['models', '--details', '--state', state]);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+ARCH\s+SCALE\s+COLOUR\s+INPUT\s+PRECISION\s+SOURCE\s+PATH/);
    expect(table.stdout).toMatch(/some-model\s+Mine\s+imported\s+×2\s+rgb\s+lr\s+fp32\s+user/);
    // Without --details: what each model is for, by scale, and where the details are.
    const plain = await cli(['models', '--state', state]);
    expect(plain.stdout).toMatch(/^Mine\s+some-model {2}· your model$/m);
    expect(plain.stdout).not.toContain('PRECISION');
    expect(plain.stdout).toContain('srstudio models --details');

    const json = JSON.parse((await cli(['models', '--json', '--state', state])).stdout);
    expect(json.models.map((m: { id: string }) => m.id).sort()).toEqual(['some-model', 'srcnn-x3']);

    const removed = await cli(['models', 'rm', 'some-model', '--state', state]);
    expect(removed.code).toBe(0);
    expect(fs.existsSync(path.join(state, 'models', 'some-model.onnx'))).toBe(false);
  });

  it('lists the bundled models (the photo models, SRCNN, FSRCNN and their int8 variants) as built-in', async () => {
    const listed = await cli(['models', '--json', '--state', state], { SRSTUDIO_RESOURCES: path.resolve('resources') });
    const builtins = JSON.parse(listed.stdout).models.filter((m: { source: string }) => m.source === 'builtin');
    expect(builtins.map((m: { id: string; scale: number; precision: string }) => `${m.id}@${m.scale}/${m.precision}`).sort()).toEqual([
      'fsrcnn-x2-int8@2/int8',
      'fsrcnn-x2@2/fp32',
      'fsrcnn-x3-int8@3/int8',
      'fsrcnn-x3@3/fp32',
      'fsrcnn-x4-int8@4/int8',
      'fsrcnn-x4@4/fp32',
      'photo-x2-int8@2/int8',
      'photo-x2@2/fp32',
      'photo-x3-int8@3/int8',
      'photo-x3@3/fp32',
      'photo-x4-int8@4/int8',
      'photo-x4@4/fp32',
      'srcnn-x2-int8@2/int8',
      'srcnn-x2@2/fp32',
      'srcnn-x3-int8@3/int8',
      'srcnn-x3@3/fp32',
      'srcnn-x4-int8@4/int8',
      'srcnn-x4@4/fp32',
    ]);
  });

  it('quantize: an int8 model with its lineage, listed with its PSNR beside its parent', async () => {
    const model = await writeExportedModel(inbox, 'srcnn-5-3-3-same-res-n16-8', 2, 'exported-srcnn');
    const photos = await photoFolder(path.join(root, 'photos'), 3, 96);
    const made = await cli(['models', 'quantize', model, '--calibrate', photos, '--json', '--state', state]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const report = JSON.parse(made.stdout);
    expect(report).toMatchObject({
      id: 'exported-srcnn-int8',
      quantizedFrom: { id: 'exported-srcnn', format: 'int8', calibration: photos, photos: 3 },
    });
    expect(report.layers.map((l: { precision: string }) => l.precision)).toEqual(['int8', 'int8', 'int8']);
    expect(fs.existsSync(report.path)).toBe(true);

    const table = (await cli(['models', '--details', '--state', state])).stdout;
    expect(table).toMatch(/exported-srcnn-int8\s+.*\s+int8\s+user/);
    const loss = report.quantizedFrom.parentPsnr - report.quantizedFrom.psnr;
    expect(table).toContain(
      `exported-srcnn-int8: int8 of exported-srcnn, ${report.quantizedFrom.psnr.toFixed(2)} dB vs ${report.quantizedFrom.parentPsnr.toFixed(2)} dB, ${loss > 0 ? '−' : '+'}${Math.abs(loss).toFixed(3)} dB`,
    );

    const bf16 = await cli(['models', 'quantize', model, '--format', 'bf16', '--state', state]);
    expect(bf16.code).toBe(2);
    expect(bf16.stderr).toContain('no bfloat16 convolution kernel');
  });

  it('quantize of a bundled model: the copy is named as the user’s, and the plain list points to it beside its parent', async () => {
    const photos = await photoFolder(path.join(root, 'photos-bundled'), 3, 96);
    const bundled = { SRSTUDIO_RESOURCES: path.resolve('resources') };
    const made = await cli(
      ['models', 'quantize', 'srcnn-x2', '--calibrate', photos, '--id', 'my-srcnn-x2-int8', '--json', '--state', state],
      bundled,
    );
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout).id).toBe('my-srcnn-x2-int8');

    const list = (await cli(['models', '--state', state], bundled)).stdout;
    expect(list).toMatch(/srcnn-x2 {2}· int8 where it pays \(yours too: my-srcnn-x2-int8\)\n/);
    const details = (await cli(['models', '--details', '--state', state], bundled)).stdout;
    expect(details).toMatch(/^my-srcnn-x2-int8 +SRCNN[^\n]*· int8 /m);
    // srcnn-x2 is named "SRCNN ×2 (srcnn-9-5-5-same-res, SR Studio default)": its copy is neither.
    expect(details).toMatch(/^srcnn-x2 +[^\n]*, SR Studio default\)/m);
    expect(details.split('\n').find((line) => line.startsWith('my-srcnn-x2-int8 '))).not.toMatch(/bundled|SR Studio default/);
  });

  it('explains failures on stderr with exit code 2 and nothing on stdout', async () => {
    const noScale = await cli(['models', 'import', path.join(inbox, 'srcnn-like.onnx'), '--state', state]);
    expect(noScale.code).toBe(2);
    expect(noScale.stdout).toBe('');
    expect(noScale.stderr).toContain('scale cannot be measured');
    expect(noScale.stderr).toContain('--scale');

    const unknown = await cli(['models', 'rm', 'nope', '--state', state]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No model with id "nope"');
  });
});
