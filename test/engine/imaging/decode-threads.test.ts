import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useBadFiles } from '../../helpers/bad-files-fixture.ts';
import { startLockWorker } from '../../helpers/decode-lock-thread.ts';
import { decodeOutcomes, type LabelledBytes } from '../../helpers/decode-lock-turns.ts';

// The training prefetch worker decodes in a worker thread while a batch may decode in the main thread, and libvips'
// warning queues are shared by every thread of the process: without decodes taking turns across threads, a harmless
// JPEG was refused with its neighbour's damage, or a damaged one decoded half grey as if it were fine.

const fixture = useBadFiles('srs-decode-threads-');

/** `count` files, damaged and harmless in turn, labelled with `thread`. */
function mixedFiles(thread: string, count: number): LabelledBytes[] {
  const damaged = readFileSync(fixture.files.halfJpegWithEoi);
  const harmless = readFileSync(fixture.files.strayBytesJpeg);
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? { label: `${thread} damaged #${i}`, bytes: damaged } : { label: `${thread} harmless #${i}`, bytes: harmless },
  );
}

const expected = (files: readonly LabelledBytes[]) =>
  files.map(({ label }) => `${label}: ${label.includes('damaged') ? 'CORRUPT_IMAGE' : 'decoded'}`);

describe('damaged and harmless JPEGs decoded at once in the main thread and in a worker thread', () => {
  it('every harmless one decodes and every damaged one is refused as damaged, in both threads', async () => {
    const here = mixedFiles('main', 64);
    const there = mixedFiles('worker', 64);
    const thread = await startLockWorker({ type: 'decode', files: there });
    try {
      const done = thread.next('outcomes');
      thread.go();
      const outcomes = await decodeOutcomes(here);
      expect({ main: outcomes, worker: (await done).outcomes }).toEqual({ main: expected(here), worker: expected(there) });
    } finally {
      await thread.worker.terminate();
    }
  });
});
