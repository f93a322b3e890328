import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyPlans, cropPlanes, degradeImage, drawPlan, imageToPlanes, planesToImage, preset } from '../../../src/engine/degrade/index.ts';
import { jpegRoundTrip, jpegRoundTripMany } from '../../../src/engine/degrade/jpeg.ts';
import type { RgbPlanes } from '../../../src/engine/degrade/planes.ts';
import { degrade } from '../../../src/engine/eval/protocol.ts';
import { rgbToY } from '../../../src/engine/imaging/colour.ts';
import { Rng, Stream } from '../../../src/engine/seeded-random.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';

const photo = makePhoto({ width: 96, height: 80, seed: 5, noise: 0 });

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** Mean absolute difference of two equal-sized images' chroma (Cb-like: B − Y). */
function chromaError(a: RgbPlanes, b: RgbPlanes): number {
  let sum = 0;
  for (let i = 0; i < a.planes[0].length; i++) {
    const ya = 0.299 * a.planes[0][i] + 0.587 * a.planes[1][i] + 0.114 * a.planes[2][i];
    const yb = 0.299 * b.planes[0][i] + 0.587 * b.planes[1][i] + 0.114 * b.planes[2][i];
    sum += Math.abs(a.planes[2][i] - ya - (b.planes[2][i] - yb));
  }
  return sum / a.planes[0].length;
}

describe('the degradation pipeline', () => {
  it('the clean recipe is the protocol’s MATLAB bicubic, byte for byte', async () => {
    const viaRecipe = await degradeImage(photo, 2, preset('clean').recipe, 1, 'photo.png');
    expect(Buffer.from(viaRecipe.data).equals(Buffer.from(degrade(photo, 2).data))).toBe(true);
  });

  it('the same seed and name give the same bytes; another seed or name gives others', async () => {
    const { recipe } = preset('heavy');
    const a = await degradeImage(photo, 2, recipe, 7, 'a.png');
    const again = await degradeImage(photo, 2, recipe, 7, 'a.png');
    expect(Buffer.from(again.data).equals(Buffer.from(a.data))).toBe(true);
    expect(a).toMatchObject({ width: 48, height: 40, channels: 3 });
    const otherSeed = await degradeImage(photo, 2, recipe, 8, 'a.png');
    const otherName = await degradeImage(photo, 2, recipe, 7, 'b.png');
    expect(Buffer.from(otherSeed.data).equals(Buffer.from(a.data))).toBe(false);
    expect(Buffer.from(otherName.data).equals(Buffer.from(a.data))).toBe(false);
  });

  it('a JPEG round trip is real and deterministic: lower quality loses more, 4:2:0 loses more colour', async () => {
    const image = imageToPlanes(photo);
    const high = await jpegRoundTrip(image, { quality: 95, chroma: '4:4:4' });
    const low = await jpegRoundTrip(image, { quality: 30, chroma: '4:4:4' });
    const again = await jpegRoundTrip(image, { quality: 30, chroma: '4:4:4' });
    expect(again.planes[1]).toEqual(low.planes[1]);
    expect(meanAbsDiff(high.planes[1], image.planes[1])).toBeLessThan(meanAbsDiff(low.planes[1], image.planes[1]));
    expect(meanAbsDiff(high.planes[1], image.planes[1])).toBeGreaterThan(0);
    const subsampled = await jpegRoundTrip(image, { quality: 95, chroma: '4:2:0' });
    expect(chromaError(subsampled, image)).toBeGreaterThan(chromaError(high, image));
  });

  it('JPEGs of a batch encoded together decode as each alone (MCU-sized images), but for their edge pixels', async () => {
    const spec = { quality: 60, chroma: '4:2:0' } as const;
    const crops = [cropPlanes(photo, 0, 0, 48, 32), cropPlanes(photo, 30, 20, 32, 48), cropPlanes(photo, 50, 10, 16, 16)];
    const together = await jpegRoundTripMany(crops, spec);
    for (const [i, crop] of crops.entries()) {
      const alone = await jpegRoundTrip(crop, spec);
      for (let c = 0; c < 3; c++) {
        for (let y = 1; y < crop.height - 1; y++) {
          for (let x = 1; x < crop.width - 1; x++) {
            expect(together[i].planes[c][y * crop.width + x], `crop ${i} (${x},${y})`).toBe(alone.planes[c][y * crop.width + x]);
          }
        }
      }
    }
  });

  it('a batch degrades each image as it would alone (away from the edges), and the photo recipe blurs and adds noise', async () => {
    const { recipe } = preset('photo');
    const items = [0, 1, 2].map((i) => {
      const rng = Rng.keyed(2, Stream.degrade, 0, i);
      return { image: cropPlanes(photo, i * 10, 8, 64, 64), plan: drawPlan(rng, recipe, { width: 32, height: 32 }), rng };
    });
    const batch = await applyPlans(items);
    for (const [i, item] of items.entries()) {
      const rng = Rng.keyed(2, Stream.degrade, 0, i);
      const plan = drawPlan(rng, recipe, { width: 32, height: 32 });
      expect(plan).toEqual(item.plan);
      const [alone] = await applyPlans([{ image: item.image, plan, rng }]);
      let worst = 0;
      for (let y = 3; y < 29; y++)
        for (let x = 3; x < 29; x++) worst = Math.max(worst, Math.abs(alone.planes[1][y * 32 + x] - batch[i].planes[1][y * 32 + x]));
      expect(worst, `image ${i}`).toBe(0);
    }
    // Against clean bicubic of the same crop, the photo recipe changes the pixels (blur, noise and JPEG).
    const clean = planesToImage(
      (
        await applyPlans([
          {
            image: items[0].image,
            plan: drawPlan(Rng.keyed(1, Stream.degrade, 0), preset('clean').recipe, { width: 32, height: 32 }),
            rng: Rng.keyed(1, Stream.degrade, 0),
          },
        ])
      )[0],
    );
    const degradedY = rgbToY(planesToImage(batch[0]));
    expect(meanAbsDiff(degradedY.data, rgbToY(clean).data)).toBeGreaterThan(0.5);
  });

  it('a recipe without a sharpen step degrades to the bytes it gave before the step existed', async () => {
    // Pinned before the step was added (JPEG left out, so the pin does not depend on libjpeg's build): its draws come
    // after all the others, and only in a recipe that has it.
    const pinned = {
      photo: 'be7fda0e6a5efe0a8e90c0061ba4a417b653b4a287b8a74527df983ebd205c06',
      heavy: '2c90047602a21a531f55cf69b2bece16c8f52d2014877ebf89bb42c9ecf9c81b',
    };
    for (const name of ['photo', 'heavy'] as const) {
      const { recipe } = preset(name);
      const noJpeg = { ...recipe, stages: recipe.stages.map((s) => ({ ...s, jpeg: s.jpeg && { ...s.jpeg, p: 0 } })) };
      const out = await degradeImage(photo, 2, noJpeg, 1, 'a.png');
      expect(createHash('sha256').update(out.data).digest('hex'), name).toBe(pinned[name]);
    }
  });

  it('a sharpen step rings every edge, the same way for the same seed', async () => {
    const bare = {
      version: 1 as const,
      stages: [{ p: 1, resize: { filters: ['bicubic' as const], factor: [1, 1] as [number, number] } }],
      target: { jpegSourceDownscale: 1 },
    };
    const sharpened = {
      ...bare,
      stages: [{ ...bare.stages[0], sharpen: { p: 1, amount: [1.2, 1.2] as [number, number], radius: [1, 1] as [number, number] } }],
    };
    const plain = await degradeImage(photo, 2, bare, 3, 'a.png');
    const a = await degradeImage(photo, 2, sharpened, 3, 'a.png');
    const again = await degradeImage(photo, 2, sharpened, 3, 'a.png');
    expect(Buffer.from(again.data).equals(Buffer.from(a.data))).toBe(true);
    // The sum of the jumps between neighbours along each row of Y: halos add jumps on both sides of every edge.
    const contrast = (image: typeof a) => {
      const { data, width } = rgbToY(image);
      let sum = 0;
      for (let i = 1; i < data.length; i++) if (i % width !== 0) sum += Math.abs(data[i] - data[i - 1]);
      return sum;
    };
    expect(contrast(a)).toBeGreaterThan(1.3 * contrast(plain));
  });
});
