/**
 * Start-up, as a user meets it: the real CLI (`srstudio upscale FOLDER --json`, a fresh process) on a few small photos
 * with the default model, twice with one fresh state folder: the first run on this machine (nothing cached), then the
 * next. Each: the process' wall time against the batch's own seconds, the start-up phases the CLI reports, and the
 * first photo's own seconds against a warm run of the same photo (the same folder upscaled twice more in this
 * process; the second time everything is warm).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runUpscaleJob } from '../src/engine/jobs/run-upscale-job.ts';
import type { StartupReport } from '../src/engine/jobs/startup-clock.ts';
import type { Store } from '../src/engine/store/store.ts';

const CLI = fileURLToPath(new URL('../bin/srstudio.js', import.meta.url));

interface CliDoc {
  seconds: number;
  startup?: StartupReport;
  outputs: { input: string; seconds: number; width: number; height: number }[];
}

function runCli(args: string[]): Promise<{ wall: number; doc: CliDoc }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => {
      const wall = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`srstudio upscale exited ${code}: ${stderr.slice(-2000)}`));
      else resolve({ wall, doc: JSON.parse(stdout) as CliDoc });
    });
  });
}

export async function measureStartup(root: string, folder: string, store: Store): Promise<void> {
  const state = path.join(root, 'startup-state');
  const files = fs.readdirSync(folder).length;
  console.log(`\nStart-up: \`srstudio upscale\` on ${files} photos of ${folder} with the default model, a fresh process each time:`);
  const cli: { label: string; wall: number; doc: CliDoc }[] = [];
  for (const label of ['first run on this machine', 'next run']) {
    const out = path.join(root, `startup-out-${cli.length}`);
    cli.push({ label, ...(await runCli(['upscale', folder, '-o', out, '--state', state])) });
    fs.rmSync(out, { recursive: true, force: true });
  }
  // Warm seconds of each photo: the same folder twice in this process; the second run finds everything warm.
  let warm: CliDoc['outputs'] = [];
  for (let i = 0; i < 2; i++) {
    const out = path.join(root, `startup-warm-${i}`);
    warm = (await runUpscaleJob({ store, request: { inputs: [folder], outDir: out } })).outputs;
    fs.rmSync(out, { recursive: true, force: true });
  }
  for (const { label, wall, doc } of cli) {
    const first = doc.outputs[0];
    const again = warm.find((w) => w.input === first?.input);
    const s = doc.startup;
    console.log(
      `  ${label}: wall ${wall.toFixed(2)} s, batch ${doc.seconds.toFixed(2)} s → wall/batch ${(wall / doc.seconds).toFixed(2)}× (target ≤ 1.5×)`,
    );
    if (s) {
      const phases = s.phases.map((p) => `${p.name} ${p.seconds.toFixed(2)}`).join(', ');
      console.log(
        `    start-up ${s.seconds.toFixed(2)} s before the batch (${phases}); model ready in ${s.modelReadySeconds?.toFixed(2) ?? '–'} s beside it, ${s.waitedSeconds.toFixed(2)} s into the batch`,
      );
    }
    if (first && again) {
      console.log(
        `    first photo ${path.basename(first.input)} (${first.width}×${first.height}): ${first.seconds.toFixed(3)} s, warm ${again.seconds.toFixed(3)} s → ${(first.seconds / again.seconds).toFixed(2)}× (target ≤ 2×)`,
      );
    }
  }
}
