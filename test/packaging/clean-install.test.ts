import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/electron-build.ts';

/**
 * A newcomer's `npm ci` and first `npx srstudio --help` print no warning of the project's own making, and the install
 * runs under npm's strict mode for allowScripts (what the next npm major does by default): every dependency install
 * script is approved or denied in package.json, and the approved ones still produce working native modules.
 * The install is real, into a temp copy of the project's tracked files; npm's cache makes it work offline once warm.
 */
const NPM_FILES = ['package.json', 'package-lock.json', '.npmrc'];
const ROOT_PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  allowScripts: Record<string, boolean>;
};
/** About 2 minutes on an idle 2-core machine (better-sqlite3 compiles where no prebuilt binary can be fetched); 12 under load 15. */
const INSTALL_TIMEOUT_MS = 25 * 60_000;

/**
 * A newcomer's shell: this process's environment without the npm_* variables that `npm test` sets for its scripts
 * (npm_config_local_prefix and the like would otherwise steer the npm commands below), and without colour codes.
 */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, NO_COLOR: '1', npm_config_color: 'false' };
}

interface Run {
  status: number | null;
  output: string;
}

function npm(args: string[], cwd: string): Run {
  const result = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
    env: newcomerEnv(),
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Copies the files npm reads (the manifest, the lock file and, if any, the project's .npmrc) into a fresh folder. */
function copyNpmFiles(into: string, edit?: (pkg: typeof ROOT_PACKAGE) => void): void {
  for (const file of NPM_FILES) {
    const from = path.join(REPO_ROOT, file);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(into, file));
  }
  if (edit) {
    const pkg = structuredClone(ROOT_PACKAGE);
    edit(pkg);
    fs.writeFileSync(path.join(into, 'package.json'), JSON.stringify(pkg, null, 2));
  }
}

/**
 * A newcomer's clone: every file git tracks (what `git clone` gives), so that `npm ci` also runs the project's own
 * `prepare` (the CLI bundle, scripts/build-cli.mjs) on real sources.
 */
function copyTrackedFiles(into: string): void {
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = path.join(REPO_ROOT, file);
    // A file deleted in the working tree but not yet in the index is not part of the checkout.
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    fs.copyFileSync(from, path.join(into, file));
  }
}

/**
 * npm's warnings, one string per warning (an EBADENGINE block spans several lines), less those that are a
 * dependency's own: Electron 45 and its download helpers declare Node ≥ 22.12 while SR Studio supports Node 20.19+.
 * An EBADENGINE about this project itself (its own `engines`) is kept, since that one we would have caused.
 */
function ownWarnings(output: string): string[] {
  const warnings: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('npm warn')) continue;
    const continued = /^npm warn EBADENGINE {3}/.test(line) || line === 'npm warn EBADENGINE }';
    if (continued && warnings.length > 0) warnings[warnings.length - 1] += `\n${line}`;
    else warnings.push(line);
  }
  return warnings.filter((warning) => {
    const engine = /^npm warn EBADENGINE Unsupported engine {\nnpm warn EBADENGINE {3}package: '(.+)@[^@']+',/.exec(warning);
    return !engine || engine[1] === ROOT_PACKAGE.name;
  });
}

describe('a clean install', () => {
  let dir = '';
  let install: Run;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-clean-install-'));
    copyTrackedFiles(dir);
    install = npm(['ci', '--strict-allow-scripts', '--prefer-offline', '--no-audit', '--no-fund'], dir);
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes npm ci in strict allowScripts mode, with no warning of our own making', () => {
    expect(install.status, install.output).toBe(0);
    expect(ownWarnings(install.output)).toEqual([]);
    expect(install.output).not.toMatch(/Unknown (project|user|cli) config|install-scripts/);
  });

  it('builds the CLI bundle (prepare), so the first srstudio command runs it rather than the TypeScript sources', () => {
    expect(fs.existsSync(path.join(dir, 'out/cli/main.mjs'))).toBe(true);
    const version = spawnSync(process.execPath, ['bin/srstudio.js', '--version'], { cwd: dir, encoding: 'utf8', env: newcomerEnv() });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version);
  });

  it('still gets a working better-sqlite3 (its approved install script fetched or built the binary)', () => {
    const probe = spawnSync(
      process.execPath,
      ['-e', "const Db = require('better-sqlite3'); console.log(new Db(':memory:').prepare('select sqlite_version() as v').get().v)"],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(probe.status, probe.stderr).toBe(0);
    expect(probe.stdout.trim()).toMatch(/^3\.\d+\.\d+$/);
  });

  it('gets a working esbuild (approved) and a loadable msgpackr-extract (denied: its prebuilt package needs no script)', () => {
    const esbuild = spawnSync(path.join(dir, 'node_modules/.bin/esbuild'), ['--version'], { encoding: 'utf8' });
    expect(esbuild.status, esbuild.stderr).toBe(0);
    expect(esbuild.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/esbuild/package.json'), 'utf8')).version);
    const extract = spawnSync(process.execPath, ['-e', "console.log(typeof require('msgpackr-extract').extractStrings)"], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(extract.status, extract.stderr).toBe(0);
    expect(extract.stdout.trim()).toBe('function');
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    "skips onnxruntime-node's CUDA download (denied) and keeps its CPU runtime",
    () => {
      const bin = path.join(dir, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64');
      expect(fs.existsSync(path.join(bin, 'onnxruntime_binding.node'))).toBe(true);
      expect(fs.existsSync(path.join(bin, 'libonnxruntime_providers_cuda.so'))).toBe(false);
    },
  );
});

describe('strict allowScripts mode', () => {
  it('fails an install that has a dependency install script nobody approved or denied', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-strict-install-'));
    try {
      const reviewed = Object.keys(ROOT_PACKAGE.allowScripts);
      expect(reviewed).toContain('protobufjs');
      copyNpmFiles(dir, (pkg) => {
        delete pkg.allowScripts.protobufjs;
      });
      const run = npm(['ci', '--strict-allow-scripts', '--dry-run', '--prefer-offline', '--no-audit', '--no-fund'], dir);
      expect(run.status).not.toBe(0);
      expect(run.output).toContain('ESTRICTALLOWSCRIPTS');
      expect(run.output).toMatch(/protobufjs@[\d.]+/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npx srstudio --help', () => {
  it('prints the usage and no npm warning', () => {
    const run = spawnSync('npx', ['srstudio', '--help'], { cwd: REPO_ROOT, encoding: 'utf8', env: newcomerEnv() });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Usage: srstudio/m);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/npm warn/i);
  });
});
