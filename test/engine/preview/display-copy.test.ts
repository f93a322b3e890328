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
});
