import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { degrade, modcrop } from '../../../src/engine/eval/protocol.ts';
import { resizeBaseline } from '../../../src/engine/imaging/baseline-resize.ts';
import { decodePhoto } from '../../../src/engine/imaging/decode.ts';
import type { RgbImage } from '../../../src/engine/imaging/image.ts';
import { imresizeRgb } from '../../../src/engine/imaging/matlab-resize.ts';
import { loadModel } from '../../../src/engine/models/registry.ts';
import { PhotoCache } from '../../../src/engine/preview/photo-cache.ts';
import { exportComparison, previewTiles } from '../../../src/engine/preview/preview-service.ts';
import { cropImage } from '../../../src/engine/preview/region.ts';
import { renderPreview } from '../../../src/engine/preview/render-preview.ts';
import { photoLikeImage, psnr, tempDir } from '../../helpers/models-photo.ts';
import { writeTinyModel } from '../../helpers/models-tiny.ts';

let dir: string;
let photoPath: string;
let photo: RgbImage;
let identityModel: string;

beforeAll(async () => {
  dir = tempDir('srs-preview-');
  photo = photoLikeImage(120, 90);
  photoPath = path.join(dir, 'photo.png');
  await sharp(photo.data, { raw: { width: 120, height: 90, channels: 3 } })
    .png()
    .toFile(photoPath);
  identityModel = await writeTinyModel(dir, 'y-identity', { id: 'tiny-identity', scale: 3 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function deps(cache = new PhotoCache()) {
  return { photos: cache, resolveModel: (id: string) => loadModel(id === 'tiny-identity' ? identityModel : id, { stateDir: dir }) };
}

describe('renderPreview', () => {
  it('renders only the region, and an interior region equals the same crop of the whole-photo resize', async () => {
    const region = { x: 30, y: 20, width: 40, height: 32 };
    const result = await renderPreview(
      {
        image: photoPath,
        region,
        scale: 3,
        methods: [{ interpolation: 'nearest' }, { interpolation: 'bicubic' }, { interpolation: 'lanczos3' }],
      },
      deps(),
    );
    expect(result.panes).toHaveLength(3);
    expect(result.source).toMatchObject({ width: 40, height: 32 });
    for (const pane of result.panes) expect([pane.image.width, pane.image.height]).toEqual([120, 96]);
    for (const kernel of ['bicubic', 'lanczos3'] as const) {
      const whole = await resizeBaseline(photo, 360, 270, kernel);
      const expected = cropImage(whole, { x: 90, y: 60, width: 120, height: 96 });
      const pane = result.panes.find((p) => 'interpolation' in p.method && p.method.interpolation === kernel)!;
      expect(psnr(pane.image, expected), kernel).toBeGreaterThan(50);
    }
  });

  it('runs a model on the region with its halo: an identity-like model stays close to the bicubic pane', async () => {
    const region = { x: 0, y: 10, width: 48, height: 40 };
    const result = await renderPreview(
      { image: photoPath, region, scale: 3, methods: [{ model: 'tiny-identity' }, { interpolation: 'bicubic' }] },
      deps(),
    );
    const [model, bicubic] = result.panes;
    expect([model.image.width, model.image.height]).toEqual([144, 120]);
    // The model's MATLAB bicubic against the bicubic pane: the same kernel on the same grid.
    expect(psnr(model.image, bicubic.image)).toBeGreaterThan(40);
  });

  it('evaluate mode degrades with the protocol, scores every pane against the truth and marks one best', async () => {
    const region = { x: 20, y: 10, width: 16, height: 12 };
    const result = await renderPreview(
      {
        image: photoPath,
        region,
        scale: 3,
        evaluate: true,
        methods: [{ interpolation: 'nearest' }, { interpolation: 'matlab-bicubic' }, { model: 'tiny-identity' }],
      },
      deps(),
    );
    const hr = modcrop(photo, 3);
    const lr = degrade(hr, 3);
    expect(result.truth).toEqual(cropImage(hr, { x: 60, y: 30, width: 48, height: 36 }));
    expect(result.source).toEqual(cropImage(lr, region));
    // The region's pane is the same crop of the whole-photo reconstruction: the halo makes it exact.
    expect(result.panes[1].image).toEqual(cropImage(imresizeRgb(lr, 120, 90, 'bicubic'), { x: 60, y: 30, width: 48, height: 36 }));
    for (const pane of result.panes) {
      expect(pane.scores!.psnr).toBeGreaterThan(15);
      expect(pane.scores!.ssim).toBeGreaterThan(0.2);
    }
    expect(result.panes.filter((p) => p.best)).toHaveLength(1);
    // Degrading only a window around the region gives the same pixels as degrading the whole photo, edges included.
    for (const corner of [
      { x: 0, y: 0, width: 12, height: 8 },
      { x: 28, y: 22, width: 12, height: 8 },
    ]) {
      const atEdge = await renderPreview(
        { image: photoPath, region: corner, scale: 3, evaluate: true, methods: [{ interpolation: 'matlab-bicubic' }] },
        deps(),
      );
      expect(atEdge.source).toEqual(cropImage(lr, corner));
      const hrCorner = { x: corner.x * 3, y: corner.y * 3, width: 36, height: 24 };
      expect(atEdge.panes[0].image).toEqual(cropImage(imresizeRgb(lr, 120, 90, 'bicubic'), hrCorner));
    }
    const nearest = result.panes[0].scores!;
    const bicubic = result.panes[1].scores!;
    expect(bicubic.psnr).toBeGreaterThan(nearest.psnr);
    expect(result.panes[0].best).toBe(false);
  });

  it("evaluate mode: Compare's bilinear, bicubic and Lanczos panes are the protocol's reconstructions, on the truth's grid", async () => {
    const region = { x: 12, y: 8, width: 14, height: 12 };
    const kernels = ['bilinear', 'bicubic', 'lanczos3'] as const;
    const result = await renderPreview(
      { image: photoPath, region, scale: 3, evaluate: true, methods: kernels.map((interpolation) => ({ interpolation })) },
      deps(),
    );
    const lr = degrade(modcrop(photo, 3), 3);
    kernels.forEach((kernel, i) => {
      // An interior region of an RGB photo: exactly `eval --method KERNEL`'s image, cropped (libvips' enlargement,
      // half an output pixel off, scored several dB lower).
      expect(result.panes[i].image, kernel).toEqual(cropImage(imresizeRgb(lr, 120, 90, kernel), { x: 36, y: 24, width: 42, height: 36 }));
    });
  });

  it('refuses a region outside the photo with the photo size in the message', async () => {
    await expect(
      renderPreview(
        { image: photoPath, region: { x: 100, y: 0, width: 40, height: 8 }, scale: 2, methods: [{ interpolation: 'bilinear' }] },
        deps(),
      ),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringContaining('120×90') });
  });
});

describe('PhotoCache', () => {
  it('decodes a photo once while it is unchanged, again after it changes, and keeps at most two', async () => {
    const cache = new PhotoCache(2);
    const first = await cache.get(photoPath);
    expect(await cache.get(photoPath)).toBe(first);
    const copy = path.join(dir, 'copy.png');
    fs.copyFileSync(photoPath, copy);
    const third = path.join(dir, 'third.png');
    fs.copyFileSync(photoPath, third);
    await cache.get(copy);
    await cache.get(third);
    expect(cache.size).toBe(2);
    expect(await cache.get(third)).toBe(await cache.get(third));
    // A rewritten file (new mtime and size) is decoded again.
    await sharp({ create: { width: 10, height: 10, channels: 3, background: '#808080' } })
      .png()
      .toFile(`${third}.tmp.png`);
    fs.renameSync(`${third}.tmp.png`, third);
    expect((await cache.get(third)).photo.image.width).toBe(10);
  });
});

describe('previewTiles and exportComparison', () => {
  it('writes each pane as a PNG in <state>/cache/preview and refuses relative paths', async () => {
    const stateDir = path.join(dir, 'state');
    const result = await previewTiles(
      {
        image: photoPath,
        region: { x: 4, y: 4, width: 20, height: 16 },
        scale: 2,
        methods: [{ interpolation: 'bilinear' }, { interpolation: 'nearest' }],
      },
      { stateDir, ...deps() },
    );
    expect(result.tiles).toHaveLength(2);
    for (const tile of [result.source, ...result.tiles.map((t) => t.image)]) {
      expect(path.dirname(tile.path)).toBe(path.join(stateDir, 'cache', 'preview'));
      const meta = await sharp(tile.path).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', tile.width, tile.height]);
    }
    expect(result.tiles[0].image).toMatchObject({ width: 40, height: 32 });
    await expect(
      previewTiles(
        { image: 'photo.png', region: { x: 0, y: 0, width: 8, height: 8 }, scale: 2, methods: [{ interpolation: 'nearest' }] },
        { stateDir, ...deps() },
      ),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringContaining('not absolute') });
  });

  it('exports a labelled side-by-side PNG atomically, truth first in evaluate mode', async () => {
    const to = path.join(dir, 'compare.png');
    const image = await exportComparison(
      {
        image: photoPath,
        region: { x: 8, y: 8, width: 16, height: 16 },
        scale: 2,
        evaluate: true,
        methods: [{ interpolation: 'nearest' }, { interpolation: 'bicubic' }],
        to,
      },
      { stateDir: path.join(dir, 'state'), ...deps() },
    );
    // Three 32 px panes (truth + 2) with 8 px gaps, and a label strip under them.
    expect(image).toMatchObject({ path: to, width: 3 * 32 + 4 * 8 });
    const decoded = await decodePhoto(to);
    expect([decoded.image.width, decoded.image.height]).toEqual([image.width, image.height]);
    expect(decoded.image.height).toBeGreaterThan(32 + 16);
    // The label strip holds rendered text: some bright pixels below the panes.
    const strip = cropImage(decoded.image, { x: 0, y: 8 + 32, width: image.width, height: image.height - 40 });
    let bright = 0;
    for (let i = 0; i < strip.data.length; i += strip.channels) if (strip.data[i] > 150) bright += 1;
    expect(bright).toBeGreaterThan(20);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.srs-tmp'))).toEqual([]);
    await expect(
      exportComparison(
        {
          image: photoPath,
          region: { x: 0, y: 0, width: 8, height: 8 },
          scale: 2,
          methods: [{ interpolation: 'nearest' }],
          to: path.join(dir, 'x.jpg'),
        },
        { stateDir: dir, ...deps() },
      ),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});
