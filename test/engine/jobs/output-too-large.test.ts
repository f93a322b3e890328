import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { UpscaleJobEvent } from '../../../src/engine/jobs/job-events.ts';
import type { PipelineSettings } from '../../../src/engine/jobs/pipeline/pipeline-settings.ts';
import { runUpscaleJob } from '../../../src/engine/jobs/run-upscale-job.ts';
import type { UpscaleRequestInput } from '../../../src/engine/jobs/upscale-request.ts';
import type { Store } from '../../../src/engine/store/store.ts';
import { writePhoto } from '../../helpers/imaging-photo.ts';
import { writePhotos } from '../../helpers/jobs-batch.ts';
import { useBatchFixture } from '../../helpers/jobs-batch-fixture.ts';
import { listTree } from '../../helpers/jobs-fs.ts';

let store: Store;
let model: string;
let at: (...parts: string[]) => string;
useBatchFixture('srstudio-too-large-', (f) => ({ store, model, at } = f));
beforeEach(() => fs.mkdirSync(at('in')));

async function run(request: UpscaleRequestInput, pipeline?: 'off' | PipelineSettings) {
  const events: UpscaleJobEvent[] = [];
  const summary = await runUpscaleJob({ store, request, pipeline, onEvent: (e) => events.push(e) });
  return { summary, events };
}

/** Whether the model ran on `input` at all: any progress report with a fraction of it done. */
function upscaled(events: readonly UpscaleJobEvent[], input: string): boolean {
  return events.some((e) => e.type === 'progress' && e.currentInput === input && e.currentFraction > 0);
}

describe('an output too large for its format', () => {
  for (const pipeline of ['off', undefined] as const) {
    it(`fails that file with TOO_LARGE before the model runs, and the batch goes on (pipeline ${pipeline ?? 'on'})`, async () => {
      const wide = at('in', 'wide.webp');
      await writePhoto(wide, { width: 9000, height: 40, seed: 3 });
      await writePhotos(at('in'), 1);

      const { summary, events } = await run({ inputs: [at('in')], outDir: at('out'), model }, pipeline);

      expect(summary.ok).toBe(1);
      expect(summary.failed).toEqual([
        {
          input: wide,
          code: 'TOO_LARGE',
          error: `${wide}: the output would be 18000×80 pixels, more than WebP allows (16383 a side); choose --format png or tiff`,
        },
      ]);
      expect(upscaled(events, wide)).toBe(false);
      expect(listTree(at('out'))).toEqual(['photo00_x2.png']);
    });
  }

  it('names the JPEG limit for a JPEG that would be wider than 65500, and --format png writes it', async () => {
    const long = at('in', 'long.jpg');
    await writePhoto(long, { width: 40000, height: 16, seed: 4 });

    const refused = await run({ inputs: [long], outDir: at('out'), model }, 'off');
    expect(refused.summary.failed).toEqual([
      expect.objectContaining({
        code: 'TOO_LARGE',
        error: expect.stringContaining('80000×32 pixels, more than JPEG allows (65500 a side)'),
      }),
    ]);
    expect(upscaled(refused.events, long)).toBe(false);

    const png = await run({ inputs: [long], outDir: at('out'), model, format: 'png' }, 'off');
    expect(png.summary).toMatchObject({ ok: 1, failed: [] });
    expect(listTree(at('out'))).toEqual(['long_x2.png']);
  });

  it('fails a file whose output one image cannot hold with TOO_LARGE before the model runs, and the batch goes on', async () => {
    // ×16 of 3000×2000 is 1,536 MP: 4.6 G bytes of RGB, over the 2³² elements one typed array holds in Node 20.
    const big = at('in', 'big.png');
    await writePhoto(big, { width: 3000, height: 2000, seed: 5 });
    await writePhotos(at('in'), 1, { width: 12, height: 10 });

    const { summary, events } = await run({ inputs: [at('in')], outDir: at('out'), model, scale: 16 });

    expect(summary.ok).toBe(1);
    expect(summary.failed).toEqual([
      {
        input: big,
        code: 'TOO_LARGE',
        error: 'The output would be 48000×32000 (1536.0 MP), more than one image can hold here (1431.7 MP at 3 channels)',
      },
    ]);
    expect(upscaled(events, big)).toBe(false);
    expect(listTree(at('out'))).toEqual(['photo00_x16.png']);
  });
});
