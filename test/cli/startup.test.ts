import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NAME_TEMPLATE } from '../../src/engine/jobs/upscale-request.ts';
import { DEVICES } from '../../src/engine/models/execution-providers.ts';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '..', '..', 'bin', 'srstudio.js');

/** Native or large packages that only running a command may load; `--help` must not pay for them. */
const HEAVY = ['onnxruntime-node', 'sharp', 'better-sqlite3', 'ws', 'protobufjs', 'cli-progress'];
const isHeavy = (name: string) => HEAVY.includes(name) || name.startsWith('@img/sharp');
/**
 * The CLI bundle (scripts/build-cli.mjs) carries the plain-JavaScript ones inside its chunks, where require.cache
 * cannot see them; what it still loads from node_modules are the native addons (sharp's as @img/sharp-<platform>).
 * The sources show every package: the bundle splits at the same lazy imports.
 */
const FROM_SOURCE = { ...process.env, SRSTUDIO_FROM_SOURCE: '1' };

// Preloaded into the CLI: on exit, writes the packages the process loaded to stderr, one marked line.
const REPORTER = `process.on('exit', () => {
  const names = Object.keys(require.cache).map((file) => {
    const rest = file.split('node_modules/').pop() ?? '';
    return rest.startsWith('@') ? rest.split('/').slice(0, 2).join('/') : rest.split('/')[0];
  });
  process.stderr.write('\\nLOADED ' + JSON.stringify([...new Set(names)]) + '\\n');
});`;

// The same, with the files themselves.
const FILES_REPORTER = `process.on('exit', () => {
  process.stderr.write('\\nFILES ' + JSON.stringify(Object.keys(require.cache)) + '\\n');
});`;

let dir: string;
let reporter: string;
let filesReporter: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-startup-'));
  reporter = path.join(dir, 'report-loaded.cjs');
  fs.writeFileSync(reporter, REPORTER);
  filesReporter = path.join(dir, 'report-files.cjs');
  fs.writeFileSync(filesReporter, FILES_REPORTER);
});

function runWith(preload: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['-r', preload, CLI, ...args], { env });
}
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function help(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ stdout: string; loaded: string[] }> {
  const { stdout, stderr } = await run(process.execPath, ['-r', reporter, CLI, ...args, '--help'], { env });
  const line = stderr.split('\n').find((l) => l.startsWith('LOADED '));
  if (!line) throw new Error(`no LOADED line from srstudio ${args.join(' ')} --help; stderr: ${stderr}`);
  return { stdout, loaded: JSON.parse(line.slice('LOADED '.length)) as string[] };
}

describe('CLI start-up', () => {
  // Each call is a real Node start: seconds when the shared machine is busy, hence the long timeout.
  it('--help of the program and of every command loads no engine package (they load when a command runs)', {
    timeout: 180_000,
  }, async () => {
    const commands = [[], ['upscale'], ['eval'], ['train'], ['datasets'], ['serve'], ['models'], ['doctor']];
    const results = await Promise.all(commands.map((args) => help(args, FROM_SOURCE)));
    // As a user runs it: the bundle where one is built and current (npm install builds it), else the sources again.
    const asRun = await Promise.all(commands.map((args) => help(args)));
    for (const [i, { stdout, loaded }] of [...results, ...asRun].entries()) {
      expect(stdout, `srstudio ${commands[i % commands.length].join(' ')} --help`).toContain('Usage: srstudio');
      expect(loaded).toContain('commander'); // the reporter really saw the CLI's packages
      expect(loaded.filter(isHeavy)).toEqual([]);
    }
    const [top, upscale, evalHelp, train] = results.map((r) => r.stdout);
    for (const name of ['upscale', 'eval', 'train', 'datasets', 'serve', 'models', 'doctor'])
      expect(top).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    // Help texts spelled out without loading the engine still say what the engine accepts.
    for (const text of [upscale, evalHelp, train]) expect(text.replace(/\s+/g, ' ')).toContain(DEVICES.join('|'));
    expect(upscale).toContain(`(default: "${DEFAULT_NAME_TEMPLATE}")`);
  });

  it('a batch loads no ONNX Runtime on its main thread (the model is measured and runs in its worker), nor, once its photo graph is kept, the reflection of protobufjs', {
    timeout: 120_000,
  }, async () => {
    const input = path.join(dir, 'photo.png');
    await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 150, g: 90, b: 40 } } })
      .png()
      .toFile(input);
    const state = path.join(dir, 'state');
    // The files of the main thread's module cache (worker threads keep their own).
    const loadedFiles = async (run: number, env?: NodeJS.ProcessEnv, stateDir = state): Promise<string[]> => {
      const args = [input, '-o', path.join(dir, `out-${run}`), '--state', stateDir, '--json'];
      const { stderr } = await runWith(filesReporter, ['upscale', ...args], env);
      const line = stderr.split('\n').find((l) => l.startsWith('FILES '));
      if (!line) throw new Error(`no FILES line from srstudio upscale; stderr: ${stderr}`);
      return JSON.parse(line.slice('FILES '.length)) as string[];
    };
    const runtime = (files: string[]) => files.filter((f) => /onnxruntime-(common|node)[\\/](dist|lib|bin)/.test(f));
    // The first run on a machine measures the default model's geometry on its photo graph, in the worker (model-pass.ts).
    expect(runtime(await loadedFiles(1))).toEqual([]);
    expect(fs.readdirSync(path.join(state, 'cache', 'geometry'))).toHaveLength(1);
    // Then the geometry is known (geometry-cache.ts) and only the worker opens the model.
    expect(runtime(await loadedFiles(2))).toEqual([]);
    // From the sources every package shows: protobufjs's reader and writer only (the model list's metadata; the photo
    // graph, spliced into the model's bytes by onnx/graph-splice.ts), never its reflection, on a first run too.
    const reflection = (files: string[]) => files.filter((f) => /protobufjs[\\/](index\.js|src[\\/](index|root|type)\.js)$/.test(f));
    for (const fromSource of [await loadedFiles(3, FROM_SOURCE), await loadedFiles(4, FROM_SOURCE, path.join(dir, 'state-fresh'))]) {
      expect(runtime(fromSource)).toEqual([]);
      expect(fromSource.some((f) => /protobufjs[\\/]minimal\.js$/.test(f))).toBe(true);
      expect(reflection(fromSource)).toEqual([]);
    }
    expect(fs.readdirSync(path.join(dir, 'state-fresh', 'cache', 'photo-graphs')).length).toBeGreaterThan(0);
  });
});
