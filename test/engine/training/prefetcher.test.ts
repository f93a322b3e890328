import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchGeometry } from '../../../src/engine/training/patch-geometry.ts';
import { PatchSampler } from '../../../src/engine/training/patch-sampler.ts';
import { BatchPrefetcher } from '../../../src/engine/training/prefetcher.ts';
import { loadTrainingPair } from '../../../src/engine/training/training-image.ts';
import { type ImageFolder, writeImageFolder } from '../../helpers/training-images.ts';

let folder: ImageFolder;
beforeAll(async () => {
  folder = await writeImageFolder(3, 48, 40);
});
afterAll(() => folder.cleanup());

describe('BatchPrefetcher', () => {
  const geometry = patchGeometry(2, 'upsampled', 16, (n) => n - 6);
  const sampling = { mode: 'uniform' as const, stride: 14, augment: true };

  it('delivers from a worker thread exactly the batches the in-process sampler cuts', async () => {
    const loaded: number[] = [];
    const prefetcher = await BatchPrefetcher.start({
      paths: folder.paths,
      scale: 2,
      geometry,
      sampling,
      seed: 11,
      batchSize: 5,
      onLoading: (done) => loaded.push(done),
    });
    try {
      expect(loaded).toEqual([1, 2, 3]);
      expect(prefetcher.images).toBe(3);
      const pairs = await Promise.all(folder.paths.map((p) => loadTrainingPair(p, 2, 'upsampled')));
      const local = new PatchSampler(pairs, geometry, sampling, 11, 5);
      for (let step = 0; step < 6; step++) {
        const batch = await prefetcher.take(step);
        expect(batch.step).toBe(step);
        expect(batch.x).toEqual(local.batch(step).x);
        expect(batch.target).toEqual(local.batch(step).target);
      }
      // Jumping ahead (a resume) restarts the pipeline at the new step.
      expect((await prefetcher.take(40)).x).toEqual(local.batch(40).x);
      expect(prefetcher.stats.batches).toBe(7);
      expect(prefetcher.stats.waits).toBeGreaterThanOrEqual(0);
      expect(prefetcher.stats.warmupMs).toBeGreaterThan(0);
    } finally {
      await prefetcher.close();
    }
  });

  it('leaves out an image the decoder rejects, names it, and samples exactly as without it', async () => {
    const { writeFileSync } = await import('node:fs');
    const bad = `${folder.dir}/broken.png`;
    const empty = `${folder.dir}/empty.png`;
    writeFileSync(bad, 'not a png at all');
    writeFileSync(empty, '');
    const skipped: [string, string][] = [];
    const paths = [folder.paths[0], bad, folder.paths[1], empty, folder.paths[2]];
    const prefetcher = await BatchPrefetcher.start({
      paths,
      scale: 2,
      geometry,
      sampling,
      seed: 11,
      batchSize: 5,
      onSkipped: (path, reason) => skipped.push([path, reason]),
    });
    const clean = await BatchPrefetcher.start({ paths: folder.paths, scale: 2, geometry, sampling, seed: 11, batchSize: 5 });
    try {
      expect(skipped.map(([path]) => path)).toEqual([bad, empty]);
      expect(skipped[0][1]).toMatch(/broken\.png/);
      expect(skipped[1][1]).toMatch(/empty\.png is empty \(0 bytes\)/);
      expect(prefetcher.images).toBe(3);
      expect((await prefetcher.take(0)).x).toEqual((await clean.take(0)).x);
    } finally {
      await prefetcher.close();
      await clean.close();
    }
  });

  it('fails, saying so, when no image can be read', async () => {
    const { writeFileSync } = await import('node:fs');
    const bad = `${folder.dir}/broken-only.png`;
    writeFileSync(bad, 'not a png at all');
    const skipped: string[] = [];
    await expect(
      BatchPrefetcher.start({ paths: [bad], scale: 2, geometry, sampling, seed: 1, batchSize: 1, onSkipped: (p) => skipped.push(p) }),
    ).rejects.toThrow('None of the 1 training image(s) could be read');
    expect(skipped).toEqual([bad]);
  });
});
