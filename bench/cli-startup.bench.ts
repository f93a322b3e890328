/**
 * CLI start-up: wall and CPU time of `srstudio … --help` and of a command that stops at argument checking, each a
 * fresh Node process (what a user, and every CLI test, pays per call). CPU time (user + system of the child) is the
 * number to compare on a busy machine; wall time is shown too.
 *
 *   npx tsx bench/cli-startup.bench.ts [--runs 10]
 *
 * A plain `node -e 0` and a bare tsx start are measured as floors: the CLI cannot start faster than tsx does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../bin/srstudio.js', import.meta.url));
const TSX_ONLY = "import { register } from 'tsx/esm/api'; register();";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const cases: { name: string; args: string[] }[] = [
  { name: 'node -e 0 (floor)', args: ['-e', '0'] },
  { name: 'tsx register (floor)', args: ['--input-type=module', '-e', TSX_ONLY] },
  { name: 'srstudio --help', args: [CLI, '--help'] },
  { name: 'srstudio upscale --help', args: [CLI, 'upscale', '--help'] },
  { name: 'srstudio train --help', args: [CLI, 'train', '--help'] },
  { name: 'srstudio eval --scale 5 (argument error)', args: [CLI, 'eval', '--data', '.', '--scale', '5', '--method', 'bicubic'] },
];

// Preloaded into each child: on exit it reports its own CPU time (all threads, tsx's loader thread included).
const PROBE =
  "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\nCPU_US ' + (u.user + u.system) + '\\n'); });";
const probeDir = mkdtempSync(join(tmpdir(), 'srstudio-cli-bench-'));
const probeFile = join(probeDir, 'cpu-probe.cjs');
writeFileSync(probeFile, PROBE);

const runs = flag('--runs', 10);
process.stdout.write(`${'case'.padEnd(44)} ${'wall ms (median)'.padStart(17)} ${'cpu ms (median)'.padStart(16)}\n`);
for (const c of cases) {
  const walls: number[] = [];
  const cpus: number[] = [];
  spawnSync(process.execPath, c.args, { cwd: process.cwd() }); // warm-up: tsx's transform cache, the page cache
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, ['--require', probeFile, ...c.args], { encoding: 'utf8' });
    walls.push(performance.now() - start);
    const line = result.stderr.split('\n').find((l) => l.startsWith('CPU_US '));
    cpus.push(line ? Number(line.slice(7)) / 1000 : Number.NaN);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  process.stdout.write(`${c.name.padEnd(44)} ${median(walls).toFixed(0).padStart(17)} ${median(cpus).toFixed(0).padStart(16)}\n`);
}
rmSync(probeDir, { recursive: true, force: true });
