import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDegradation } from '../../src/engine/degrade/presets.ts';
import { RecipeSchema } from '../../src/engine/degrade/recipe.ts';
import { tempDir } from '../helpers/models-photo.ts';
import { cleanScene, writeDegraded } from '../helpers/profile-photos.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

function srstudio(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'srstudio.js'), ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Camera-like JPEGs: lens blur, sensor noise (grey and colour), saved at the camera's quality with 4:2:0 chroma. */
const CAMERA = [
  { blur: 0.9, noise: 3, grey: true, quality: 90 },
  { blur: 1.1, noise: 4, grey: false, quality: 88 },
  { blur: 1.0, noise: 4, grey: true, quality: 92 },
  { blur: 1.2, noise: 5, grey: false, quality: 90 },
  { blur: 0.8, noise: 3.5, grey: true, quality: 89 },
];
const LUMA_SHARE = Math.hypot(0.299, 0.587, 0.114);

let dir: string;
let photos: string;
let state: string;

beforeAll(async () => {
  dir = tempDir('srs-cli-profile-');
  photos = path.join(dir, 'camera');
  state = path.join(dir, 'state');
  fs.mkdirSync(photos);
  for (const [i, look] of CAMERA.entries()) {
    await writeDegraded(photos, `DSC_${String(i + 1).padStart(4, '0')}.jpg`, await cleanScene(640, 480, 100 + i), { ...look, seed: i + 1 });
  }
  fs.writeFileSync(path.join(photos, 'notes.txt'), 'shopping list');
  fs.writeFileSync(path.join(photos, 'DSC_9999.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('srstudio datasets profile', () => {
  it('profiles a folder of camera JPEGs, skips what it cannot read, and writes a recipe that brackets the estimates', {
    timeout: 300_000,
  }, async () => {
    const out = path.join(dir, 'my-camera.json');
    const run = srstudio(['datasets', 'profile', photos, '--json', '--out', out, '--state', state]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const profile = JSON.parse(run.stdout);

    expect(profile.photos).toMatchObject({ found: 6, read: 6, profiled: 5 });
    expect(profile.photos.skipped.map((s: { path: string }) => path.basename(s.path)).sort()).toEqual(['DSC_9999.jpg', 'notes.txt']);
    expect(profile.photos.skipped.find((s: { path: string }) => s.path.endsWith('DSC_9999.jpg')).reason).toMatch(
      /damaged|incomplete|corrupt/i,
    );

    expect(profile.jpeg).toMatchObject({ photos: 5, standardTables: 5, subsampling: { '4:2:0': 5 } });
    expect(profile.jpeg.quality.median).toBe(90);
    const lumaTruth = CAMERA.map((c) => (c.grey ? c.noise : c.noise * LUMA_SHARE)).sort((a, b) => a - b)[2];
    expect(Math.abs(profile.noise.luma.median - lumaTruth)).toBeLessThanOrEqual(Math.max(1, 0.25 * lumaTruth));
    expect(Math.abs(profile.blur.sigma.median - 1)).toBeLessThanOrEqual(0.25);
    expect(profile.size).toMatchObject({ width: 640, height: 480 });
    expect(profile.summary).toMatch(
      /^Your 5 photos look like JPEGs from a camera or phone: quality about 90 \(standard tables\), 4:2:0 chroma/,
    );
    expect(profile.perPhoto.map((p: { jpeg: { quality: number } }) => p.jpeg.quality)).toEqual(CAMERA.map((c) => c.quality));

    // The recipe: on disk where --out says, valid, usable by `train --degrade`, and bracketing what was measured.
    expect(profile.recipeFile).toBe(out);
    const recipe = RecipeSchema.parse(JSON.parse(fs.readFileSync(out, 'utf8')));
    expect(recipe).toEqual(profile.recipe);
    expect((await resolveDegradation(out)).name).toBe('camera-photos-x2');
    const [stage] = recipe.stages;
    const [qLow, qHigh] = stage.jpeg?.quality ?? [0, 0];
    expect(qLow).toBeLessThanOrEqual(82);
    expect(qHigh).toBeGreaterThanOrEqual(98);
    expect(stage.jpeg?.p).toBe(1);
    expect(stage.jpeg?.chroma).toEqual({ '4:2:0': 1, '4:4:4': 0 });
    const [nLow, nHigh] = stage.noise?.sigma ?? [0, 0];
    expect(nLow).toBeLessThanOrEqual(profile.noise.luma.low);
    expect(nHigh).toBeGreaterThanOrEqual(profile.noise.colour.high);
    // Blur is in the high-resolution pixels of a ×2 run: about twice the photos' σ, around it.
    const [bLow, bHigh] = stage.blur?.sigma ?? [0, 0];
    expect(bLow).toBeLessThan(2 * profile.blur.sigma.median);
    expect(bHigh).toBeGreaterThan(2 * profile.blur.sigma.median);
  });

  it('profiles a data set by id, keeps its profile in the state folder and writes the recipe there', { timeout: 300_000 }, () => {
    expect(srstudio(['datasets', 'create', 'camera', photos, '--json', '--state', state]).code).toBe(0);
    const run = srstudio(['datasets', 'profile', '1', '--sample', '3', '--scale', '4', '--state', state]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Profiled 3 photo\(s\) \(an even sample of the 5 found\)\./m);
    expect(run.stdout).toMatch(/Your photos \(judged from 3 of the 5 found\) look like JPEGs/);
    expect(run.stdout).toMatch(/JPEG quality\s+90/);
    const recipeFile = path.join(state, 'recipes', 'dataset-1-x4.json');
    expect(run.stdout).toContain(`for ×4 training: ${recipeFile}`);
    // And the command that fine-tunes the bundled ×4 photo model on the data set with it, ready to paste.
    expect(run.stdout).toContain(
      `srstudio train --arch fsrcnn-56-64-8-res-relu --scale 4 --init photo-x4 --data dataset:1 --val dataset:1 --degrade ${recipeFile} --steps 4000 --batch 16 --patch 128 --lr 0.0002 --schedule cosine`,
    );
    // Noisy, soft camera JPEGs: no advice to try a lower strength instead.
    expect(run.stdout).not.toContain('at half strength');
    const recipe = RecipeSchema.parse(JSON.parse(fs.readFileSync(recipeFile, 'utf8')));
    const stored = JSON.parse(fs.readFileSync(path.join(state, 'profiles', 'dataset-1.json'), 'utf8'));
    expect(stored.report.source).toEqual({ kind: 'dataset', id: 1, name: 'camera' });
    expect(Object.keys(stored.recipes)).toEqual(['2', '3', '4']);
    expect(stored.recipes['4']).toEqual(recipe);
    // ×4 blurs a larger original: its blur range sits above ×2's.
    expect(stored.recipes['4'].stages[0].blur.sigma[1]).toBeGreaterThan(stored.recipes['2'].stages[0].blur.sigma[1]);
  });

  it('advises a lower strength before training for JPEGs that may be nearly clean (high quality, little noise, sharp)', {
    timeout: 300_000,
  }, async () => {
    const clean = path.join(dir, 'clean');
    fs.mkdirSync(clean);
    for (const i of [1, 2]) {
      await writeDegraded(clean, `IMG_${i}.jpg`, await cleanScene(320, 240, 200 + i), {
        blur: 0,
        noise: 0,
        grey: true,
        quality: 95,
        seed: i,
      });
    }

    const run = srstudio(['datasets', 'profile', clean, '--state', state]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'These are JPEGs of high quality (about 95) with little noise read. If they look clean to you, try photo-x2 at half strength (--strength 0.5',
    );
  });

  it('says clearly when there is nothing to profile', { timeout: 120_000 }, () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const none = srstudio(['datasets', 'profile', empty, '--state', state]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/No photos to profile: the folder .*empty is empty/);

    const text = path.join(dir, 'texts');
    fs.mkdirSync(text);
    fs.writeFileSync(path.join(text, 'a.txt'), 'a');
    const notPhotos = srstudio(['datasets', 'profile', text, '--state', state]);
    expect(notPhotos.code).toBe(2);
    expect(notPhotos.stderr).toMatch(/none of its 1 file\(s\) is a photo on disk \(first: .*a\.txt: not an image file/);

    const missing = srstudio(['datasets', 'profile', '42', '--state', state]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/42/);
    expect(fs.existsSync(path.join(state, 'recipes', 'dataset-42-x2.json'))).toBe(false);
  });
});
