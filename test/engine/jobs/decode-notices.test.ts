import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { UpscaleJobEvent } from '../../../src/engine/jobs/job-events.ts';
import { runUpscaleJob } from '../../../src/engine/jobs/run-upscale-job.ts';
import type { Store } from '../../../src/engine/store/store.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';
import { writePhotos } from '../../helpers/jobs-batch.ts';
import { useBatchFixture } from '../../helpers/jobs-batch-fixture.ts';
import { listTree } from '../../helpers/jobs-fs.ts';

let store: Store;
let model: string;
let at: (...parts: string[]) => string;
useBatchFixture('srstudio-frames-', (f) => ({ store, model, at } = f));

/** `pages` photo-like frames of 40×32 stacked, written as one animated GIF or multi-page TIFF (by extension). */
async function writeStack(file: string, pages: number): Promise<string> {
  const frame = makePhoto({ width: 40, height: 32 * pages, seed: 7 });
  const stacked = sharp(frame.data, { raw: { width: 40, height: 32 * pages, channels: 3, pageHeight: 32 } });
  const bytes = file.endsWith('.gif') ? await stacked.gif().toBuffer() : await stacked.tiff().toBuffer();
  expect((await sharp(bytes).metadata()).pages).toBe(pages);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('a batch with files it decodes to less than they hold', () => {
  for (const pipeline of ['off', undefined] as const) {
    it(`says that only the first frame or page is upscaled, in a notice and the summary (pipeline ${pipeline ?? 'on'})`, async () => {
      fs.mkdirSync(at('in'));
      const gif = await writeStack(at('in', 'anim.gif'), 3);
      const tiff = await writeStack(at('in', 'scan.tif'), 2);
      await writePhotos(at('in'), 1);
      const events: UpscaleJobEvent[] = [];

      const summary = await runUpscaleJob({
        store,
        request: { inputs: [at('in')], outDir: at('out'), model },
        pipeline,
        onEvent: (e) => events.push(e),
      });

      expect(summary).toMatchObject({ ok: 3, failed: [] });
      expect(listTree(at('out'))).toEqual(['anim_x2.png', 'photo00_x2.png', 'scan_x2.tif']);
      expect(summary.outputs.find((o) => o.input === gif)).toMatchObject({ width: 80, height: 64 });
      const gifNotice = `${gif} is animated (3 frames): only its first frame is upscaled`;
      const tiffNotice = `${tiff} has 2 pages: only its first page is upscaled`;
      const notices = events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
      expect(notices).toEqual(expect.arrayContaining([gifNotice, tiffNotice]));
      expect(notices.filter((n) => n.includes('photo00'))).toEqual([]);
      expect(summary.notices).toEqual(expect.arrayContaining([gifNotice, tiffNotice]));
    });
  }

  it('says that a 16-bit PNG going to JPEG is upscaled and written in 8 bits; to PNG it stays 16-bit, with no notice', async () => {
    fs.mkdirSync(at('in'));
    const photo = makePhoto({ width: 40, height: 32, seed: 3 });
    const deep = at('in', 'deep.png');
    await sharp(photo.data, { raw: { width: 40, height: 32, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toFile(deep);
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    await writePhotos(at('in'), 1);
    const notices = async (outDir: string, format: 'keep' | 'jpeg') => {
      const events: UpscaleJobEvent[] = [];
      const summary = await runUpscaleJob({
        store,
        request: { inputs: [at('in')], outDir, model, format },
        onEvent: (e) => events.push(e),
      });
      expect(summary).toMatchObject({ ok: 2, failed: [] });
      const sent = events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
      expect(summary.notices).toEqual(expect.arrayContaining(sent));
      return sent;
    };

    const toJpeg = await notices(at('jpeg'), 'jpeg');
    expect(toJpeg).toContain(
      `${deep} has 16 bits per channel, and JPEG holds 8: it is upscaled and written in 8 (PNG or TIFF output keeps 16)`,
    );
    expect(toJpeg.filter((n) => n.includes('photo00'))).toEqual([]);
    expect((await sharp(at('jpeg', 'deep_x2.jpg')).metadata()).depth).toBe('uchar');

    const kept = await notices(at('png'), 'keep');
    expect(kept.filter((n) => n.includes('bits per channel'))).toEqual([]);
    expect((await sharp(at('png', 'deep_x2.png')).metadata()).depth).toBe('ushort');
    expect((await sharp(at('png', 'photo00_x2.png')).metadata()).depth).toBe('uchar');
  });
});
