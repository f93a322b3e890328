import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../../src/engine/imaging/decode.ts';
import { displayCacheDir, displayCopy } from '../../../src/engine/preview/display-copy.ts';
import { writePhoto } from '../../helpers/imaging-photo.ts';
import { caughtSrError } from '../../helpers/sr-error-caught.ts';

const HEIC = path.resolve(import.meta.dirname, '../../fixtures/heic/photo.heic');

let dir: string;
let state: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-display-'));
  state = path.join(dir, 'state');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Mean difference per sample between two decoded photos of one size. */
async function meanDifference(a: string, b: string): Promise<number> {
  const [x, y] = [(await decodePhoto(a)).image, (await decodePhoto(b)).image];
  expect([x.width, x.height]).toEqual([y.width, y.height]);
  let sum = 0;
  for (let i = 0; i < x.data.length; i++) sum += Math.abs(x.data[i] - y.data[i]);
  return sum / x.data.length;
}

describe('what the UI shows of a photo', () => {
  it('is the file itself where a browser reads its format', async () => {
    const png = path.join(dir, 'photo.png');
    await writePhoto(png, { width: 40, height: 30, seed: 1 });
    expect(await displayCopy(png, state)).toEqual({ path: png, width: 40, height: 30 });
  });

  it('is a full-size JPEG copy of a TIFF or a HEIC, made once and made again when the file changes', async () => {
    const tiff = path.join(dir, 'scan.tif');
    await writePhoto(tiff, { width: 50, height: 36, seed: 2 });

    const copy = await displayCopy(tiff, state);
    expect(path.dirname(copy.path)).toBe(displayCacheDir(state));
    expect([copy.width, copy.height]).toEqual([50, 36]);
    expect((await sharp(copy.path).metadata()).format).toBe('jpeg');
    // JPEG 92 of a photo with grain of ±6 levels: about 3 levels off on average (another photo would be ~40).
    expect(await meanDifference(copy.path, tiff)).toBeLessThan(5);
    const made = fs.statSync(copy.path).mtimeMs;
    expect(await displayCopy(tiff, state)).toEqual(copy);
    expect(fs.statSync(copy.path).mtimeMs).toBe(made);

    await writePhoto(tiff, { width: 60, height: 40, seed: 3 });
    fs.utimesSync(tiff, new Date(), new Date(Date.now() + 5000));
    const again = await displayCopy(tiff, state);
    expect(again.path).not.toBe(copy.path);
    expect([again.width, again.height]).toEqual([60, 40]);

    const phone = await displayCopy(HEIC, state);
    expect([phone.width, phone.height]).toEqual([64, 48]);
    expect(await meanDifference(phone.path, HEIC)).toBeLessThan(5);
  });

  it('is a clear error for a damaged file, and no copy', async () => {
    const cut = path.join(dir, 'cut.tif');
    await writePhoto(cut, { width: 64, height: 64, seed: 4 });
    fs.truncateSync(cut, 300);
    const before = fs.existsSync(displayCacheDir(state)) ? fs.readdirSync(displayCacheDir(state)).length : 0;

    const error = await caughtSrError(displayCopy(cut, state));

    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(fs.existsSync(displayCacheDir(state)) ? fs.readdirSync(displayCacheDir(state)).length : 0).toBe(before);
  });

  it('a queue asking for many at once gets them one at a time, in the order asked, each made once', async () => {
    // What a queue of many HEIC or TIFF photos does: made side by side, 24 of 12 MP held 3.2 GB and blocked the engine
    // for 41 s (display-copy.ts). One at a time, the large first copy ends before the small
    // second one, which side by side ends far sooner; the large one asked for again is the copy already being made, so
    // it ends with the first, before the small one.
    const large = path.join(dir, 'large.tif');
    const small = path.join(dir, 'small.tif');
    await writePhoto(large, { width: 2400, height: 1600, seed: 5 });
    await writePhoto(small, { width: 24, height: 16, seed: 6 });
    const ended: string[] = [];
    const ask = (file: string) =>
      displayCopy(file, state).then((copy) => {
        ended.push(path.basename(file));
        return copy;
      });

    const copies = await Promise.all([ask(large), ask(small), ask(large), ask(small)]);

    expect(ended).toEqual(['large.tif', 'large.tif', 'small.tif', 'small.tif']);
    expect(copies[2]).toEqual(copies[0]);
    expect(copies[3]).toEqual(copies[1]);
    expect([copies[0].width, copies[0].height, copies[1].width, copies[1].height]).toEqual([2400, 1600, 24, 16]);
  });

  it('a copy that fails does not stop the ones asked for after it', async () => {
    const cut = path.join(dir, 'cut-in-line.tif');
    await writePhoto(cut, { width: 64, height: 64, seed: 7 });
    fs.truncateSync(cut, 300);
    const fine = path.join(dir, 'fine.tif');
    await writePhoto(fine, { width: 30, height: 20, seed: 8 });

    const [failed, made] = await Promise.allSettled([displayCopy(cut, state), displayCopy(fine, state)]);

    expect(failed.status).toBe('rejected');
    expect(made).toMatchObject({ status: 'fulfilled', value: { width: 30, height: 20 } });
  });
});
