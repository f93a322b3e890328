import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { setVerboseNotices, shouldPrintNotice } from '../../src/cli/notices.ts';
import { userConfigDir } from '../../src/cli/user-config-dir.ts';
import { cpuFallbackNotice } from '../../src/engine/models/cpu-fallback-notice.ts';
import { providerUnavailableReason } from '../../src/engine/models/execution-providers.ts';
import { writeBatchModel, writePhotos } from '../helpers/jobs-batch.ts';
import { runCli } from '../helpers/jobs-cli.ts';
import { makeJobsTempDir } from '../helpers/jobs-fs.ts';

/** Each CLI run is a real Node start (tsx, and ORT for upscale): seconds on a busy 2-core machine. */
const CLI_TIMEOUT = 180_000;
const VERSION = (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string })
  .version;

let tmp: { dir: string; cleanup(): void };
beforeAll(() => {
  tmp = makeJobsTempDir('srstudio-manners-');
});
afterAll(() => tmp.cleanup());
const at = (...parts: string[]) => path.join(tmp.dir, ...parts);

describe('srstudio --version, usage errors and --help', () => {
  it('--version and -V print the package version and exit 0', { timeout: CLI_TIMEOUT }, async () => {
    const [long, short] = await Promise.all([runCli(['--version']), runCli(['-V'])]);
    for (const result of [long, short]) {
      expect(result.stdout).toBe(`${VERSION}\n`);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(EXIT.OK);
    }
  });

  it('a usage error exits 2 like every command that cannot run; --help lists the exit codes', { timeout: CLI_TIMEOUT }, async () => {
    const [unknown, missing, help] = await Promise.all([runCli(['upscale', '--nope']), runCli(['upscale', '--scale']), runCli(['--help'])]);
    expect(unknown.stderr).toContain("unknown option '--nope'");
    expect(unknown.code).toBe(EXIT.COULD_NOT_RUN);
    expect(missing.stderr).toContain("option '--scale <n>' argument missing");
    expect(missing.code).toBe(EXIT.COULD_NOT_RUN);
    expect(help.code).toBe(EXIT.OK);
    expect(help.stdout).toMatch(/^ {2}-V, --version\b/m);
    expect(help.stdout).toMatch(/^ {2}doctor\b/m);
    for (const code of Object.values(EXIT)) expect(help.stdout).toMatch(new RegExp(`\\b${code}\\b`));
    expect(help.stdout).toContain('docs/troubleshooting.md');
    // The page it points to explains each code.
    const page = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/troubleshooting.md'), 'utf8');
    for (const code of Object.values(EXIT)) expect(page).toMatch(new RegExp(`^\\| ${code} +\\| \\S`, 'm'));
  });
});

// Here onnxruntime-node has no CUDA libraries, so `--device auto` really falls back to the CPU. Where a GPU provider
// works, nothing falls back and there is no note to show.
const gpuWorks = process.platform === 'linux' && providerUnavailableReason('cuda') === undefined;

describe('the CPU-fallback note of --device auto', () => {
  it.skipIf(gpuWorks)(
    'prints on the first CPU run of a machine only, again with --verbose, never with --device cpu',
    { timeout: CLI_TIMEOUT },
    async () => {
      const model = await writeBatchModel(tmp.dir);
      const [photo] = await writePhotos(at('in'), 1);
      const config = at('config');
      const upscale = (...extra: string[]) =>
        runCli(['upscale', photo, '-o', at('out'), '--overwrite', '--model', model, '--state', at('state'), ...extra], {
          env: { XDG_CONFIG_HOME: config },
        });
      const note = /^note: Running on the CPU: .*CUDA/m;

      const first = await upscale();
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(note);
      const remembered = JSON.parse(fs.readFileSync(path.join(config, 'sr-studio', 'notes-shown.json'), 'utf8'));
      expect(remembered.cpuFallback).toMatch(/^Running on the CPU: /);

      const second = await upscale();
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).not.toContain('on the CPU');
      expect(second.stdout).toContain('1 upscaled'); // the run itself reports as before

      const verbose = await upscale('--verbose');
      expect(verbose.stderr).toMatch(note);

      const cpu = await runCli(
        ['upscale', photo, '-o', at('out'), '--overwrite', '--model', model, '--state', at('state'), '--device', 'cpu'],
        {
          env: { XDG_CONFIG_HOME: at('config-2') },
        },
      );
      expect(cpu.code, cpu.stderr).toBe(0);
      expect(cpu.stderr).not.toContain('on the CPU');
    },
  );
});

describe('shouldPrintNotice', () => {
  const fallback = cpuFallbackNotice('Running', 'the CUDA provider library is not installed', 'Install it.');

  it('prints a CPU-fallback note once per wording, and every other notice always', () => {
    const dir = at('gate');
    expect(shouldPrintNotice(fallback, dir)).toBe(true);
    expect(shouldPrintNotice(fallback, dir)).toBe(false);
    // Another reason is news: it prints once too.
    const other = cpuFallbackNotice('Running', 'libcudnn.so.9 is missing', 'Install it.');
    expect(shouldPrintNotice(other, dir)).toBe(true);
    expect(shouldPrintNotice(other, dir)).toBe(false);
    expect(shouldPrintNotice(cpuFallbackNotice('Training', 'no GPU provider exists for aix', undefined), dir)).toBe(true);
    for (let i = 0; i < 2; i++) expect(shouldPrintNotice('Using srcnn-x2-int8, the int8 variant of srcnn-x2', dir)).toBe(true);
  });

  it('prints it every time under --verbose, or where the config folder cannot be written', () => {
    const blocked = at('blocked');
    fs.writeFileSync(blocked, 'a file where the folder would go');
    expect(shouldPrintNotice(fallback, blocked)).toBe(true);
    expect(shouldPrintNotice(fallback, blocked)).toBe(true);

    const dir = at('gate-verbose');
    expect(shouldPrintNotice(fallback, dir)).toBe(true);
    setVerboseNotices(true);
    try {
      expect(shouldPrintNotice(fallback, dir)).toBe(true);
    } finally {
      setVerboseNotices(false);
    }
    expect(shouldPrintNotice(fallback, dir)).toBe(false);
  });

  it('lives in the per-user config folder of each platform', () => {
    expect(userConfigDir({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann/.config/sr-studio');
    expect(userConfigDir({ HOME: '/home/ann', XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/sr-studio');
    expect(userConfigDir({ HOME: '/home/ann', XDG_CONFIG_HOME: 'relative' }, 'linux')).toBe('/home/ann/.config/sr-studio');
    expect(userConfigDir({ HOME: '/Users/ann' }, 'darwin')).toBe('/Users/ann/Library/Application Support/SR Studio');
    expect(userConfigDir({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32')).toBe('C:\\Users\\ann\\AppData\\Roaming\\SR Studio');
  });
});
