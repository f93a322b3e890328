import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromaSubsampling, JpegHeaderError, readJpegHeader } from '../../../src/engine/profile/jpeg-header.ts';
import { estimateQuality, ijgTable, qualityScaling } from '../../../src/engine/profile/jpeg-quality.ts';
import { tempDir } from '../../helpers/models-photo.ts';
import { cleanScene, writeDegraded } from '../../helpers/profile-photos.ts';

let dir: string;
let scene: Awaited<ReturnType<typeof cleanScene>>;

beforeAll(async () => {
  dir = tempDir('srs-profile-jpeg-');
  scene = await cleanScene(160, 120, 3);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function header(name: string, look: Parameters<typeof writeDegraded>[3]) {
  return readJpegHeader(await writeDegraded(dir, name, scene, look));
}

describe('JPEG quality from the quantisation tables', () => {
  it('builds libjpeg’s tables: quality 50 is the Annex K table itself, and the scaling follows jcparam.c', () => {
    expect(qualityScaling(50)).toBe(100);
    expect(qualityScaling(10)).toBe(500);
    expect(qualityScaling(90)).toBe(20);
    expect(qualityScaling(100)).toBe(0);
    expect(Array.from(ijgTable('luma', 50).slice(0, 8))).toEqual([16, 11, 10, 16, 24, 40, 51, 61]);
    expect(Array.from(ijgTable('chroma', 50).slice(0, 8))).toEqual([17, 18, 24, 47, 99, 99, 99, 99]);
    // (16·20 + 50) / 100 = 3 (integer division); quality 100 clamps every step to 1, quality 1 to 255.
    expect(ijgTable('luma', 90)[0]).toBe(3);
    expect(new Set(ijgTable('luma', 100))).toEqual(new Set([1]));
    expect(Math.max(...ijgTable('chroma', 1))).toBe(255);
  });

  it('recovers the quality sharp (libjpeg tables, mozjpeg off) saved at, exactly, at every level', async () => {
    for (const quality of [12, 35, 50, 68, 75, 85, 92, 97]) {
      const estimate = estimateQuality(await header(`q${quality}.jpg`, { quality }));
      expect(estimate, `quality ${quality}`).toEqual({ quality, standardTables: true, tableError: 0 });
    }
  });

  it('flags tables that are not libjpeg’s (mozjpeg’s, as phones and editors use their own) and still gives the nearest quality', async () => {
    const estimate = estimateQuality(await header('moz80.jpg', { quality: 80, mozjpeg: true }));
    expect(estimate?.standardTables).toBe(false);
    expect(estimate?.tableError).toBeGreaterThan(5);
    expect(estimate?.quality).toBeGreaterThanOrEqual(60);
    expect(estimate?.quality).toBeLessThanOrEqual(95);
  });

  it('reads chroma subsampling from the frame’s sampling factors: 4:2:0 and 4:4:4, as sharp reports them', async () => {
    const half = await writeDegraded(dir, 'c420.jpg', scene, { quality: 85, chroma: '4:2:0' });
    const full = await writeDegraded(dir, 'c444.jpg', scene, { quality: 85, chroma: '4:4:4' });
    expect(chromaSubsampling((await readJpegHeader(half)).components)).toBe('4:2:0');
    expect(chromaSubsampling((await readJpegHeader(full)).components)).toBe('4:4:4');
    expect((await sharp(half).metadata()).chromaSubsampling).toBe('4:2:0');
    expect((await sharp(full).metadata()).chromaSubsampling).toBe('4:4:4');
    const grey = path.join(dir, 'grey.jpg');
    await sharp(Buffer.from(scene.data), { raw: { width: 160, height: 120, channels: 3 } })
      .toColourspace('b-w')
      .jpeg({ quality: 70, mozjpeg: false })
      .toFile(grey);
    const greyHeader = await readJpegHeader(grey);
    expect(chromaSubsampling(greyHeader.components)).toBe('grey');
    expect(estimateQuality(greyHeader)).toEqual({ quality: 70, standardTables: true, tableError: 0 });
  });

  it('needs only the header: a JPEG cut off in its image data still gives its tables; a cut header is an error', async () => {
    const file = await writeDegraded(dir, 'whole.jpg', scene, { quality: 64 });
    const bytes = fs.readFileSync(file);
    const scan = bytes.indexOf(Buffer.from([0xff, 0xda]));
    const cut = path.join(dir, 'cut.jpg');
    fs.writeFileSync(cut, bytes.subarray(0, scan + 40));
    expect(estimateQuality(await readJpegHeader(cut))?.quality).toBe(64);

    const headerOnly = path.join(dir, 'header-cut.jpg');
    fs.writeFileSync(headerOnly, bytes.subarray(0, 30));
    await expect(readJpegHeader(headerOnly)).rejects.toBeInstanceOf(JpegHeaderError);
    const notJpeg = path.join(dir, 'not.jpg');
    fs.writeFileSync(notJpeg, 'plain text, not a JPEG');
    await expect(readJpegHeader(notJpeg)).rejects.toThrow(/not a JPEG/);
  });
});
