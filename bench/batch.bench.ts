/**
 * Batch throughput, end to end (npm run bench:batch [-- --models fsrcnn-x3,photo-x2.onnx] [--scale 3] [--data DIR]
 * [--pngs 24] [--camera 2] [--camera-mp 12] [--folders png,camera] [--precisions fp32,int8] [--splits auto,1:1]
 * [--runs 1] [--skip-matrix] [--skip-encoders] [--skip-startup] [--skip-rss] [--rss-mp 24] [--rss-model fsrcnn-x2] [--smoke]).
 * Prints numbers; asserts nothing. The machine is shared and noisy: compare only numbers from one run.
 *
 * The same folders, in one run, through the batch runner a user's `srstudio upscale` uses (runUpscaleJob, in this
 * process, the model's session warmed first by a one-file batch so no row pays the start-up):
 * - for each model of --models (bundled ids or .onnx paths) at --scale (default: the model's own),
 * - in float32 and in int8 (`--precision fp32|int8`: the model's float parent / its int8 variant),
 * - one file at a time (`--pipeline off`) and pipelined (`--pipeline on`, each thread split of --splits),
 * - over a PNG folder (the first --pngs images of --data: by default the shared BSD200 copy, else generated photos)
 *   and a camera folder (--camera JPEGs of --camera-mp megapixels, mosaics of the data set's photos, q92 4:2:0 + EXIF).
 * Each row: the batch's wall seconds, output MP/s, CPU use of this process in % of the machine (average, and in the
 * steady state: the middle 80% of the run), how busy the rest of the machine was meanwhile (/proc/stat), and its
 * speed-up against the float32 sequential row and against its own precision's sequential row. Each stage's busy
 * seconds (summed over files, divided by its places) against the ideal: the slowest stage alone. Pipelined outputs are
 * compared byte for byte with the sequential ones.
 * Then what each output encoding costs (batch-encoders.ts); start-up as a user meets it (batch-startup.ts: the real CLI
 * on the shared Set5, or 5 of the PNGs, first run on the machine and the next); and the peak RSS of two --rss-mp MP
 * photos ×2, pipelined and not, each in a child process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { decodePhoto } from '../src/engine/imaging/decode.ts';
import { STAGES, type Stage } from '../src/engine/jobs/batch-file.ts';
import type { UpscaleJobSummary } from '../src/engine/jobs/job-summary.ts';
import { type PipelineSettings, parseThreadSplit, pipelineSettings } from '../src/engine/jobs/pipeline/pipeline-settings.ts';
import { runUpscaleJob } from '../src/engine/jobs/run-upscale-job.ts';
import { physicalCoreCount } from '../src/engine/models/cpu-cores.ts';
import { openStore, type Store } from '../src/engine/store/store.ts';
import { readTree } from '../test/helpers/jobs-batch.ts';
import { measureEncoders } from './batch-encoders.ts';
import { type BenchFolder, cameraFolder, datasetImages, pngFolder } from './batch-folders.ts';
import { measureStartup } from './batch-startup.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const has = (name: string) => process.argv.includes(`--${name}`);
const list = (name: string, fallback: string) =>
  flag(name, fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const smoke = has('smoke');
const models = list('models', 'fsrcnn-x3');
const scale = has('scale') ? Number(flag('scale', '')) : undefined;
const dataDir = flag('data', path.resolve(repoRoot, '..', 'shared', 'datasets', 'bsd200'));
const pngCount = Number(flag('pngs', smoke ? '3' : '24'));
const cameraCount = Number(flag('camera', smoke ? '1' : '2'));
const cameraMp = Number(flag('camera-mp', smoke ? '0.5' : '12'));
const folders = list('folders', 'png,camera');
const precisions = list('precisions', 'fp32,int8') as ('fp32' | 'int8')[];
const splits = list('splits', 'auto');
const runs = Number(flag('runs', '1'));
const cores = physicalCoreCount();

interface Mode {
  label: string;
  pipeline: PipelineSettings | 'off';
}

const modes: Mode[] = [
  { label: 'sequential', pipeline: 'off' },
  ...splits.map((s): Mode => {
    const split = parseThreadSplit(s, '--splits');
    const settings = pipelineSettings(split);
    const ort =
      settings.narrowThreads === settings.ortThreads ? `${settings.ortThreads}` : `${settings.ortThreads}/${settings.narrowThreads}`;
    return { label: `pipelined ${ort}:${settings.sharpThreads}${s === 'auto' ? ' (auto)' : ''}`, pipeline: settings };
  }),
];

/** Whole-machine CPU time (all processes, all cores), from /proc/stat, in seconds; undefined off Linux. */
function machineCpu(): { busy: number; idle: number; total: number } | undefined {
  if (!fs.existsSync('/proc/stat')) return undefined;
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
  const ticks = line.split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((a, b) => a + b, 0);
  const hz = 100;
  return { busy: (total - idle) / hz, idle: idle / hz, total: total / hz };
}

interface Row {
  model: string;
  folder: string;
  precision: string;
  mode: string;
  seconds: number;
  outputMp: number;
  cpuPercent: number;
  /** This process' CPU time (all its threads), core-seconds. */
  cpuSeconds: number;
  steadyCpuPercent: number;
  othersPercent: number | null;
  idlePercent: number | null;
  stages: Record<Stage, number>;
  places: Record<Stage, number>;
  outDir: string;
}

const sharpDefault = sharp.concurrency();

async function runOnce(store: Store, folder: BenchFolder, model: string, precision: string, mode: Mode, outDir: string): Promise<Row> {
  // The pipeline sets sharp's threads for the process; a sequential batch runs with sharp's own default, as before.
  if (mode.pipeline === 'off') sharp.concurrency(sharpDefault);
  const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  const samples: { t: number; cpu: number }[] = [];
  const sample = () => {
    const u = process.cpuUsage();
    samples.push({ t: performance.now(), cpu: (u.user + u.system) / 1e6 });
  };
  const machineBefore = machineCpu();
  sample();
  const timer = setInterval(sample, 100);
  let summary: UpscaleJobSummary;
  try {
    summary = await runUpscaleJob({
      store,
      request: { inputs: [folder.dir], outDir, model, precision: precision as 'fp32' | 'int8', scale },
      pipeline: mode.pipeline,
      onStage: (stage, seconds) => {
        stages[stage] += seconds;
      },
    });
  } finally {
    clearInterval(timer);
  }
  sample();
  const machineAfter = machineCpu();
  if (summary.status !== 'done' || summary.failed.length > 0) throw new Error(`batch failed: ${JSON.stringify(summary.failed)}`);
  const first = samples[0];
  const last = samples[samples.length - 1];
  const wall = (last.t - first.t) / 1000;
  const cpuPercent = ((last.cpu - first.cpu) / (wall * cores)) * 100;
  // Steady state: the middle 80% of the run, without the first decode and the last encode.
  const from = samples.find((s) => s.t >= first.t + 0.1 * (last.t - first.t)) ?? first;
  const to = [...samples].reverse().find((s) => s.t <= first.t + 0.9 * (last.t - first.t)) ?? last;
  const steadyCpuPercent = to.t > from.t ? ((to.cpu - from.cpu) / (((to.t - from.t) / 1000) * cores)) * 100 : cpuPercent;
  const machineTotal = machineBefore && machineAfter ? machineAfter.total - machineBefore.total : 0;
  const othersPercent =
    machineBefore && machineAfter && machineTotal > 0
      ? Math.max(0, ((machineAfter.busy - machineBefore.busy - (last.cpu - first.cpu)) / machineTotal) * 100)
      : null;
  const idlePercent =
    machineBefore && machineAfter && machineTotal > 0 ? ((machineAfter.idle - machineBefore.idle) / machineTotal) * 100 : null;
  const settings = mode.pipeline === 'off' ? undefined : mode.pipeline;
  const places: Record<Stage, number> = {
    decode: settings?.decoders ?? 1,
    prepare: 1,
    infer: 1,
    encode: settings?.encoders ?? 1,
    write: settings?.writers ?? 1,
  };
  return {
    model,
    folder: folder.name,
    precision,
    mode: mode.label,
    seconds: summary.seconds,
    outputMp: summary.outputs.reduce((n, o) => n + (o.width * o.height) / 1e6, 0),
    cpuPercent,
    cpuSeconds: last.cpu - first.cpu,
    steadyCpuPercent,
    othersPercent,
    idlePercent,
    stages,
    places,
    outDir,
  };
}

function sameTrees(a: string, b: string): boolean {
  const x = readTree(a);
  const y = readTree(b);
  if (x.size !== y.size) return false;
  for (const [name, bytes] of x) if (!y.get(name)?.equals(bytes)) return false;
  return true;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function printRows(rows: Row[]): void {
  console.log(
    `\n${'model'.padEnd(16)} ${'folder'.padEnd(7)} ${'prec'.padEnd(5)} ${'mode'.padEnd(22)} ${'wall s'.padStart(7)} ${'MP/s'.padStart(6)} ${'CPU s'.padStart(6)} ${'CPU %'.padStart(6)} ${'steady'.padStart(7)} ${'others'.padStart(7)} ${'idle'.padStart(5)} ${'vs fp32 seq'.padStart(11)} ${'vs own seq'.padStart(10)}`,
  );
  for (const row of rows) {
    const base = (precision: string) =>
      rows.find((r) => r.model === row.model && r.folder === row.folder && r.precision === precision && r.mode === 'sequential');
    const ratio = (b: Row | undefined) => (b ? `${(b.seconds / row.seconds).toFixed(2)}×` : '–');
    console.log(
      `${row.model.padEnd(16)} ${row.folder.padEnd(7)} ${row.precision.padEnd(5)} ${row.mode.padEnd(22)} ${row.seconds.toFixed(2).padStart(7)} ${(row.outputMp / row.seconds).toFixed(2).padStart(6)} ${row.cpuSeconds.toFixed(1).padStart(6)} ${row.cpuPercent.toFixed(0).padStart(6)} ${row.steadyCpuPercent.toFixed(0).padStart(7)} ${row.othersPercent === null ? '–'.padStart(7) : row.othersPercent.toFixed(0).padStart(7)} ${row.idlePercent === null ? '–'.padStart(5) : row.idlePercent.toFixed(0).padStart(5)} ${ratio(base('fp32')).padStart(11)} ${ratio(base(row.precision)).padStart(10)}`,
    );
  }
  console.log(
    `(CPU s: this process' CPU time, all threads; CPU %, steady, others and idle: % of the machine's ${cores} cores, from /proc/stat; steady: the middle 80% of the run; others: every other process meanwhile; idle: nobody)`,
  );
  console.log('\nPer-stage busy seconds (summed over files ÷ places), against the ideal (the slowest stage alone):');
  console.log(
    `${'model'.padEnd(16)} ${'folder'.padEnd(7)} ${'prec'.padEnd(5)} ${'mode'.padEnd(22)} ${STAGES.map((s) => s.padStart(8)).join(' ')} ${'ideal'.padStart(7)} ${'wall/ideal'.padStart(10)}`,
  );
  for (const row of rows) {
    const alone = STAGES.map((s) => row.stages[s] / row.places[s]);
    const ideal = Math.max(...alone);
    console.log(
      `${row.model.padEnd(16)} ${row.folder.padEnd(7)} ${row.precision.padEnd(5)} ${row.mode.padEnd(22)} ${alone.map((v) => v.toFixed(2).padStart(8)).join(' ')} ${ideal.toFixed(2).padStart(7)} ${(row.seconds / ideal).toFixed(2).padStart(9)}×`,
    );
  }
}

/** The child of the RSS measurement: --child-rss DIR MODEL on|off; prints its peak RSS as JSON. */
async function childRss(): Promise<void> {
  const i = process.argv.indexOf('--child-rss');
  const [dir, model, pipeline] = process.argv.slice(i + 1, i + 4);
  const store = openStore(path.join(dir, `state-${pipeline}`));
  const t0 = performance.now();
  const summary = await runUpscaleJob({
    store,
    request: { inputs: [path.join(dir, 'camera')], outDir: path.join(dir, `out-${pipeline}`), model, scale: 2 },
    pipeline: pipeline === 'off' ? 'off' : undefined,
  });
  store.close();
  // Linux keeps ru_maxrss across fork+exec, so VmHWM (this process' own high-water mark) is the one to read.
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.existsSync('/proc/self/status') ? fs.readFileSync('/proc/self/status', 'utf8') : '');
  process.stdout.write(
    `${JSON.stringify({ ok: summary.ok, seconds: (performance.now() - t0) / 1000, vmHwmMB: hwm ? Number(hwm[1]) / 1024 : null, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
  process.exit(0);
}

async function main(): Promise<void> {
  if (has('child-rss')) return childRss();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-bench-batch-'));
  const store = openStore(path.join(root, 'state'));
  try {
    const sources = datasetImages(dataDir);
    const load = os.loadavg();
    console.log(
      `bench:batch — ${cores} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load ${load.map((l) => l.toFixed(1)).join(' ')} at the start, ${new Date().toISOString()}`,
    );
    console.log(
      `models ${models.join(', ')}; scale ${scale ?? "the model's own"}; runs ${runs} (median shown); modes: ${modes.map((m) => m.label).join(', ')}`,
    );
    const benchFolders: BenchFolder[] = [];
    if (folders.includes('png')) benchFolders.push(await pngFolder(root, sources, pngCount));
    if (folders.includes('camera')) benchFolders.push(await cameraFolder(root, sources, cameraCount, cameraMp));
    for (const f of benchFolders) console.log(`folder ${f.name}: ${f.describe}, ${f.inputMp.toFixed(1)} MP in`);

    const rows: Row[] = [];
    let n = 0;
    // Every (model, precision) is warmed first, by a one-file batch in each mode (not timed): their sessions stay
    // cached, so no timed row pays a session's creation. The timed runs then interleave them, run by run, so a change
    // in the machine's load falls on every row alike.
    const usable: { model: string; precision: string }[] = [];
    const matrix = !has('skip-matrix');
    const warmDir = path.join(root, 'warm');
    fs.mkdirSync(warmDir, { recursive: true });
    fs.copyFileSync(path.join(benchFolders[0].dir, fs.readdirSync(benchFolders[0].dir)[0]), path.join(warmDir, 'warm.png'));
    for (const model of matrix ? models : []) {
      for (const precision of precisions) {
        try {
          for (const mode of modes)
            await runOnce(store, { ...benchFolders[0], dir: warmDir }, model, precision, mode, path.join(root, `w${n++}`));
          usable.push({ model, precision });
        } catch (error) {
          console.log(`${model} ${precision}: skipped (${(error as Error).message.split('\n')[0]})`);
        }
      }
    }
    for (const folder of benchFolders) {
      const samples = new Map<string, Row[]>();
      const key = (model: string, precision: string, mode: string) => `${model}|${precision}|${mode}`;
      for (let r = 0; r < runs; r++) {
        for (const { model, precision } of usable) {
          for (const mode of modes) {
            const row = await runOnce(store, folder, model, precision, mode, path.join(root, `out-${n++}`));
            const k = key(model, precision, mode.label);
            samples.set(k, [...(samples.get(k) ?? []), row]);
            process.stderr.write(`  ${model} ${folder.name} ${precision} ${mode.label}: ${row.seconds.toFixed(2)} s\n`);
          }
        }
      }
      for (const { model, precision } of usable) {
        const chosen = modes.map((mode) => {
          const all = samples.get(key(model, precision, mode.label)) ?? [];
          const mid = median(all.map((r) => r.seconds));
          return all.find((r) => r.seconds === mid) as Row;
        });
        const sequential = chosen[0];
        for (const row of chosen.slice(1)) {
          const same = sameTrees(row.outDir, sequential.outDir);
          console.log(`${model} ${folder.name} ${precision}: ${row.mode} outputs ${same ? 'byte-identical to' : 'DIFFER from'} sequential`);
        }
        rows.push(...chosen);
      }
      for (const all of samples.values()) for (const r of all) fs.rmSync(r.outDir, { recursive: true, force: true });
    }
    if (matrix) printRows(rows);

    if (!has('skip-encoders') && benchFolders[0]) {
      const firstModel = models[0];
      const outDir = path.join(root, 'encoders');
      const few = path.join(root, 'encoder-inputs');
      fs.mkdirSync(few);
      for (const f of fs.readdirSync(benchFolders[0].dir).slice(0, smoke ? 2 : 6))
        fs.copyFileSync(path.join(benchFolders[0].dir, f), path.join(few, f));
      await runUpscaleJob({ store, request: { inputs: [few], outDir, model: firstModel, scale, format: 'png' } });
      sharp.concurrency(1);
      const photos = await Promise.all(fs.readdirSync(outDir).map((f) => decodePhoto(path.join(outDir, f))));
      const mp = photos.reduce((a, p) => a + (p.image.width * p.image.height) / 1e6, 0);
      console.log(
        `\nOutput encodings (${photos.length} upscaled ${benchFolders[0].name} photos by ${firstModel}, ${mp.toFixed(1)} MP; one sharp thread):`,
      );
      console.log(`${'encoding'.padEnd(24)} ${'s per MP'.padStart(9)} ${'MB per MP'.padStart(10)} ${'PSNR dB'.padStart(8)}`);
      for (const r of await measureEncoders(photos)) {
        console.log(
          `${r.label.padEnd(24)} ${r.secondsPerMp.toFixed(3).padStart(9)} ${r.megabytesPerMp.toFixed(3).padStart(10)} ${(r.psnr === null ? 'lossless' : r.psnr.toFixed(2)).padStart(8)}`,
        );
      }
    }

    if (!has('skip-startup')) {
      const set5 = path.resolve(repoRoot, '..', 'shared', 'datasets', 'set5');
      let folder = set5;
      if (!fs.existsSync(set5)) {
        folder = path.join(root, 'small');
        fs.mkdirSync(folder);
        for (let i = 0; i < 5; i++)
          fs.copyFileSync(
            path.join(benchFolders[0].dir, fs.readdirSync(benchFolders[0].dir)[i % benchFolders[0].files]),
            path.join(folder, `small${i}.png`),
          );
      }
      await measureStartup(root, folder, store);
    }

    if (!has('skip-rss')) {
      const rssMp = Number(flag('rss-mp', smoke ? '2' : '24'));
      const rssModel = flag('rss-model', 'fsrcnn-x2');
      const rssDir = path.join(root, 'rss');
      await cameraFolder(rssDir, sources, 2, rssMp);
      for (const pipeline of ['on', 'off']) {
        const child = spawnSync(
          process.execPath,
          ['--import', 'tsx', fileURLToPath(import.meta.url), '--child-rss', rssDir, rssModel, pipeline],
          {
            encoding: 'utf8',
            maxBuffer: 1 << 24,
          },
        );
        const line = child.stdout.trim().split('\n').at(-1) ?? '';
        if (child.status !== 0 || !line.startsWith('{')) {
          console.log(`\nPeak RSS (pipeline ${pipeline}) failed: ${child.stderr.slice(-2000)}`);
          continue;
        }
        const r = JSON.parse(line) as { ok: number; seconds: number; vmHwmMB: number | null; maxRssMB: number };
        console.log(
          `\nPeak RSS, 2 photos of ${rssMp} MP ×2 with ${rssModel}, pipeline ${pipeline}, child process: VmHWM ${r.vmHwmMB?.toFixed(0) ?? '–'} MB (maxRSS ${r.maxRssMB.toFixed(0)} MB), ${r.seconds.toFixed(1)} s, ${r.ok} written (target < 1536 MB)`,
        );
      }
    }
    console.log(
      `\nload ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at the end`,
    );
  } finally {
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
  process.exit(0);
}

await main();
