import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../../src/engine/imaging/decode.ts';
import { encodePhoto } from '../../../src/engine/imaging/encode.ts';
import { libheifMemoryBytes } from '../../../src/engine/imaging/heic.ts';
import type { FromHeicWorker, ToHeicWorker } from '../../../src/engine/imaging/heic-worker-protocol.ts';
import { heifColourPrimaries } from '../../../src/engine/imaging/heif-colour.ts';
import { readIccDescription } from '../../../src/engine/imaging/icc.ts';
import { isImageFileName } from '../../../src/engine/imaging/image-file-name.ts';
import { probePhoto } from '../../../src/engine/imaging/probe.ts';
import { decodeNotices } from '../../../src/engine/jobs/decode-notices.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';
import { caughtSrError } from '../../helpers/sr-error-caught.ts';

/** A real HEVC-coded HEIC, as iPhones save photos, of makePhoto seed 3 (test/fixtures/heic/README.md). */
const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/heic/photo.heic');
/** The same photo declaring Display P3 in an nclx colour box, as iPhones do. */
const P3_FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/heic/photo-p3.heic');
/** The same photo with an irot box (90° anticlockwise), as a phone held upright stores it. */
const ROTATED_FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/heic/photo-rotated.heic');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-heic-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('HEIC photos', () => {
  it('decode to the photo they were made from (libheif, the bundled libvips having no HEVC decoder)', async () => {
    const { image, metadata } = await decodePhoto(FIXTURE);
    const original = makePhoto({ width: 64, height: 48, seed: 3 });

    expect([image.width, image.height, image.channels]).toEqual([64, 48, 3]);
    expect(metadata.format).toBe('heic');
    let sum = 0;
    for (let i = 0; i < image.data.length; i++) sum += Math.abs(image.data[i] - original.data[i]);
    // HEVC at quality 95 smooths the photo's grain and halves its chroma: 4.6 levels off on average, where the mirror
    // image of the photo is 49 off and another photo of the same kind 36.
    expect(sum / image.data.length).toBeLessThan(8);
    expect(isImageFileName('IMG_0001.HEIC')).toBe(true);
    expect(isImageFileName('IMG_0002.heif')).toBe(true);
  });

  it('one after another do not pile up in libheif: each photo’s pixels are freed once copied out', async () => {
    // 4032×3024, an iPhone's 12 MP, of one flat colour: 8 KB stored, 48 MB decoded (README.md). Kept in libheif's memory,
    // every photo added its 48 MB until, after about 45, no HEIC decoded any more.
    const iphoneSized = path.resolve(import.meta.dirname, '../../fixtures/heic/flat-12mp.heic');
    for (let i = 0; i < 2; i++) expect((await decodePhoto(iphoneSized)).image.width).toBe(4032);
    const settled = await libheifMemoryBytes();
    for (let i = 0; i < 5; i++) expect((await decodePhoto(iphoneSized)).image.height).toBe(3024);

    expect(settled).toBeGreaterThan(48e6);
    expect((await libheifMemoryBytes()) - settled).toBeLessThan(48e6);
  });

  it('its decoder thread tells a damaged file from a failure of its own, and stops after one of its own', async () => {
    const worker = new Worker(new URL('../../../src/engine/imaging/heic-worker-boot.mjs', import.meta.url));
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const answers: FromHeicWorker[] = [];
    worker.on('message', (answer: FromHeicWorker) => answers.push(answer));
    const send = (message: ToHeicWorker) => worker.postMessage(message);

    send({ id: 1, bytes: fs.readFileSync(FIXTURE).subarray(0, 2000) });
    send({ id: 2, bytes: fs.readFileSync(FIXTURE) });
    // Not bytes at all: libheif throws, which no file makes it do; the thread answers and exits.
    worker.postMessage({ id: 3, bytes: null });

    expect(await exited).toBe(1);
    expect(
      answers.map((a) => [
        a.id,
        Object.keys(a)
          .filter((k) => k !== 'id')
          .sort()
          .join(','),
      ]),
    ).toEqual([
      [1, 'damaged'],
      [2, 'channels,data,height,width'],
      [3, 'broken'],
    ]);
  });

  it('an iPhone-style one declaring Display P3 (an nclx box, no profile) carries the Display P3 profile to its output', async () => {
    expect(heifColourPrimaries(fs.readFileSync(P3_FIXTURE))).toBe(12);
    expect(heifColourPrimaries(fs.readFileSync(FIXTURE))).toBeUndefined();
    const p3 = await decodePhoto(P3_FIXTURE);
    const plain = await decodePhoto(FIXTURE);

    expect(p3.image.data).toEqual(plain.image.data);
    expect(plain.metadata.icc).toBeUndefined();
    expect(readIccDescription(p3.metadata.icc ?? new Uint8Array())).toMatch(/P3/);
    const out = path.join(dir, 'p3.jpg');
    await encodePhoto(p3.image, p3.metadata, out, { format: 'jpeg' });
    expect(Buffer.compare((await sharp(out).metadata()).icc ?? Buffer.alloc(0), Buffer.from(p3.metadata.icc ?? []))).toBe(0);
  });

  it('one stored turned (an irot box, as a phone held upright writes it) decodes upright, as its header says', async () => {
    const turned = await decodePhoto(ROTATED_FIXTURE);
    const stored = (await decodePhoto(FIXTURE)).image;

    expect([turned.image.width, turned.image.height]).toEqual([48, 64]);
    expect(await probePhoto(ROTATED_FIXTURE)).toMatchObject({ width: 48, height: 64 });
    // 90° anticlockwise: pixel (x, y) of the upright photo is pixel (63 − y, x) of the stored one.
    let largest = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 48; x++) {
        for (let c = 0; c < 3; c++) {
          largest = Math.max(largest, Math.abs(turned.image.data[(y * 48 + x) * 3 + c] - stored.data[(x * 64 + 63 - y) * 3 + c]));
        }
      }
    }
    expect(largest).toBe(0);
  });

  it('a 10-bit one decodes to 8 bits and says it has 10, so that a batch tells the user', async () => {
    const ten = await decodePhoto(path.resolve(import.meta.dirname, '../../fixtures/heic/photo-10bit.heic'));
    const original = makePhoto({ width: 64, height: 48, seed: 3 });

    expect(ten.image.data).toBeInstanceOf(Uint8Array);
    expect(ten.bitsPerChannel).toBe(10);
    let sum = 0;
    for (let i = 0; i < ten.image.data.length; i++) sum += Math.abs(ten.image.data[i] - original.data[i]);
    expect(sum / ten.image.data.length).toBeLessThan(8);
    expect(decodeNotices('IMG_10.HEIC', ten, 'jpeg')).toEqual([
      'IMG_10.HEIC has 10 bits per channel: it is upscaled in 8, and its output has 8',
    ]);
    expect((await decodePhoto(FIXTURE)).bitsPerChannel).toBeUndefined();
  });

  it('a damaged one is CORRUPT_IMAGE, named, with what to do', async () => {
    const cut = path.join(dir, 'cut.heic');
    const bytes = fs.readFileSync(FIXTURE);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));

    const error = await caughtSrError(decodePhoto(cut));

    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toContain(cut);
    expect(error.hint).toMatch(/Re-export or re-download/);
  });
});
