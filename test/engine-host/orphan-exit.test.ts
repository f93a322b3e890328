import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsRepo } from '../../src/engine/store/jobs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { forkSpawner } from '../../src/engine-host/engine-process.ts';
import { EngineSupervisor } from '../../src/engine-host/supervisor.ts';
import type { EventPayload } from '../../src/shared/contract/index.ts';

let dir: string;
let inputs: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-orphan-'));
  inputs = path.join(dir, 'in');
  fs.mkdirSync(inputs);
  // Busy photos, so the bundled photo model is still running when the parent goes.
  const width = 1400;
  const height = 1000;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (Math.imul(i, 2654435761) >>> 24) & 255;
  for (const name of ['a', 'b', 'c'])
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toFile(path.join(inputs, `${name}.png`));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The engine host as the app starts it, keeping each child (to cut its channel) and what it writes to stderr. */
function spawnKept(stateDir: string, started: { child: ChildProcess; stderr: string[] }[]) {
  return forkSpawner({
    stateDir,
    onFork: (child) => {
      const kept = { child, stderr: [] as string[] };
      child.stdout?.resume();
      child.stderr?.on('data', (chunk) => kept.stderr.push(String(chunk)));
      started.push(kept);
    },
  });
}

describe('an engine host whose parent is gone (the app killed or crashed)', () => {
  // Each case is a real engine and a real batch: seconds on 2 busy cores.
  it('stops its batch, records it as interrupted and exits 0, never aborting in ONNX Runtime, wherever the batch is', {
    timeout: 180_000,
  }, async () => {
    // From the first progress event: the model opening and warming up, then tiles running.
    for (const afterMs of [0, 400]) {
      const stateDir = path.join(dir, `state-${afterMs}`);
      const started: { child: ChildProcess; stderr: string[] }[] = [];
      // A long back-off: the journal is read before the supervisor starts a new engine (whose recovery would mark a
      // job left running as interrupted too).
      const supervisor = new EngineSupervisor({ spawn: spawnKept(stateDir, started), initialBackoffMs: 60_000 });
      try {
        await supervisor.start();
        const progress: EventPayload<'job.progress'>[] = [];
        supervisor.on('job.progress', (e) => progress.push(e));
        const out = path.join(dir, `out-${afterMs}`);
        const { job } = await supervisor.request('jobs.start', { inputs: [inputs], outputFolder: out, scale: 2, format: 'png' });
        await expect.poll(() => progress.length, { timeout: 60_000, interval: 20 }).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, afterMs));

        const [engine] = started;
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          engine.child.once('exit', (code, signal) => resolve({ code, signal })),
        );
        engine.child.disconnect();
        const how = `${afterMs} ms after the first progress: ${engine.stderr.join('')}`;
        expect(await exited, how).toEqual({ code: 0, signal: null });
        expect(engine.stderr.join(''), how).not.toContain('terminate called');

        const store = openStore(stateDir);
        try {
          const jobs = new JobsRepo(store);
          const record = jobs.get(Number(job.id));
          expect(record?.status, how).toBe('interrupted');
          expect(record?.ownerPid ?? null).toBeNull();
          expect(jobs.items(Number(job.id)).filter((item) => item.status === 'running')).toEqual([]);
        } finally {
          store.close();
        }
        // Only whole outputs: the photo in progress was abandoned before anything of it was written.
        const written = fs.existsSync(out) ? fs.readdirSync(out) : [];
        for (const name of written) expect(name, how).toMatch(/^[abc]_x2\.png$/);
      } finally {
        await supervisor.stop();
      }
    }
  });
});
