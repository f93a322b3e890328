import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/electron-build.ts';

/**
 * Every command in the README is run by a test or by CI. This test reads the README's `sh` code blocks and, in their
 * order, runs each `npx srstudio …` command as a newcomer would, in a temp folder holding a copy of samples/ and with
 * a state folder of its own; the commands it cannot run here are checked against what runs them. A README command
 * that no entry below recognises fails the test: a new one needs a check.
 */
const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const CLI = path.join(REPO_ROOT, 'bin/srstudio.js');
/** Training is shortened to this many steps; everything else in the command runs as written. */
const TRAINING_STEPS = '3';

/** The command lines of the README's `sh` blocks, comments removed. */
function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    for (const line of block[1].split('\n')) {
      const command = line.replace(/\s+#\s.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

/** Splits a command line into words, honouring single quotes (the README uses no other shell syntax). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

let sandbox = '';
const env = () => ({ ...process.env, SRSTUDIO_HOME: path.join(sandbox, 'state'), NO_COLOR: '1' });

function srstudio(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: sandbox, env: env(), encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `srstudio serve` with these arguments, fetches the tokenised URL it prints, and stops it. */
async function serveAndFetch(args: string[]): Promise<{ url: string; status: number }> {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { cwd: sandbox, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve printed no URL within 60 s:\n${output}`)), 60_000);
      child.stdout?.on('data', () => {
        const match = /serving at (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      void exited.then(() => reject(new Error(`serve exited before serving:\n${output}`)));
    });
    const response = await fetch(url, { redirect: 'manual' });
    return { url, status: response.status };
  } finally {
    child.kill('SIGINT');
    await exited;
  }
}

/** The ports a serve command names are replaced by 0 (any free port): other test runs may share this machine. */
function withFreePort(args: string[]): string[] {
  const at = args.indexOf('--port');
  return at < 0 ? args : [...args.slice(0, at + 1), '0', ...args.slice(at + 2)];
}

async function imageSize(file: string): Promise<[number | undefined, number | undefined]> {
  const meta = await sharp(file).metadata();
  return [meta.width, meta.height];
}

interface Check {
  /** Which README commands this entry handles. */
  matches: RegExp;
  run(command: string): Promise<void> | void;
}

const CHECKS: Check[] = [
  {
    // The install itself is test/packaging/clean-install.test.ts (npm ci of the same lock file, strict mode) and .ci/run.
    matches: /^npm install$/,
    run() {
      expect(fs.readFileSync(path.join(REPO_ROOT, 'test/packaging/clean-install.test.ts'), 'utf8')).toContain(
        "'ci', '--strict-allow-scripts'",
      );
      expect(fs.readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^\(cd .* && npm ci --strict-allow-scripts/m);
    },
  },
  {
    // Electron cannot start here. What `npm start` runs before it: fetching Electron's binary and the native-module step
    // (scripts that exist) and `electron-vite build`, which `npm test` runs in `npm run build` (with the CLI's bundle after it).
    matches: /^npm start$/,
    run() {
      const steps = PACKAGE.scripts.start.split(' && ');
      expect(steps).toEqual([
        'node scripts/electron-binary.mjs',
        'node scripts/electron-native.mjs',
        'electron-vite build',
        'electron-vite preview',
      ]);
      expect(PACKAGE.scripts.dev.split(' && ').slice(0, 2)).toEqual(steps.slice(0, 2));
      for (const script of ['electron-binary.mjs', 'electron-native.mjs'])
        expect(fs.existsSync(path.join(REPO_ROOT, 'scripts', script))).toBe(true);
      expect(PACKAGE.scripts.build.split(' && ')[0]).toBe('electron-vite build');
      expect(PACKAGE.scripts.test).toContain('npm run build');
    },
  },
  {
    // `npm test` is what CI runs, in a fresh clone.
    matches: /^npm test$/,
    run() {
      expect(fs.readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
    },
  },
  {
    // Over SSH: the forwarded port is the one serve listens on, and the remote command itself runs here (with a free
    // port, and the sandbox's samples for the remote photo folder).
    matches: /^ssh -L /,
    async run(command) {
      const [, , forward, , remote] = words(command);
      const [local, host, remotePort] = forward.split(':');
      expect([local, host]).toEqual([remotePort, '127.0.0.1']);
      const [cd, inner] = remote.split(' && ');
      expect(cd).toBe('cd sr-studio');
      const args = words(inner);
      expect(args.slice(0, 3)).toEqual(['npx', 'srstudio', 'serve']);
      expect(args[args.indexOf('--port') + 1]).toBe(remotePort);
      const served = args.slice(2).map((word) => (word.startsWith('~/') ? 'samples' : word));
      const { url, status } = await serveAndFetch(withFreePort(served));
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      expect(status).toBeLessThan(400);
    },
  },
  {
    matches: /^npx srstudio serve /,
    async run(command) {
      const { url, status } = await serveAndFetch(withFreePort(words(command).slice(2)));
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      expect(status).toBeLessThan(400);
    },
  },
  {
    matches: /^npx srstudio train /,
    run(command) {
      const args = words(command).slice(2);
      args[args.indexOf('--steps') + 1] = TRAINING_STEPS;
      const result = srstudio(args);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^model: .*\.onnx$/m);
    },
  },
  {
    matches: /^npx srstudio /,
    async run(command) {
      const args = words(command).slice(2);
      const result = srstudio(args);
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      await expectEffect(args, result.stdout);
    },
  },
];

/** What each other srstudio command of the README must have done, beyond exiting 0. */
async function expectEffect(args: string[], stdout: string): Promise<void> {
  const [verb, ...rest] = args;
  if (verb === 'upscale') {
    const out = rest.includes('-o') ? rest[rest.indexOf('-o') + 1] : `${rest[0]}-upscaled`;
    const scale = rest.includes('--scale') ? Number(rest[rest.indexOf('--scale') + 1]) : 2;
    expect(await imageSize(path.join(sandbox, out, `chelsea_x${scale}.jpg`))).toEqual([451 * scale, 300 * scale]);
    expect(fs.existsSync(path.join(sandbox, out, `coffee_x${scale}.jpg`))).toBe(true);
  } else if (verb === 'models' && rest[0] === 'quantize') {
    const id = rest[rest.indexOf('--id') + 1];
    expect(srstudio(['models', '--details']).stdout).toMatch(new RegExp(`^${id} .* int8 `, 'm'));
  } else if (verb === 'models') {
    // Named by what each is for, the default of each scale marked; the ids are there to pass to --model.
    expect(stdout).toMatch(/^Clean sources \(PNG, renders, scans\) ×2 +fsrcnn-x2 /m);
    expect(stdout).toMatch(/ srcnn-x2 +· .*the default for ×2|photo-x2 +· recommended: the default for ×2/);
  } else if (verb === 'eval') {
    expect(stdout).toMatch(/^mean\s+\d+\.\d+\s+0\.\d+/m);
  } else if (verb === 'datasets' && rest[0] === 'create') {
    expect(stdout).toContain(`"${rest[1]}": 2 images`);
  } else if (verb === 'datasets' && rest[0] === 'profile') {
    // The samples are camera JPEGs: their quality is read from the files, and a recipe bracketing them is written.
    expect(stdout).toMatch(/look like JPEGs .* quality about \d+/);
    const recipe = /^Wrote a recipe that matches them, for ×2 training: (.+\.json)$/m.exec(stdout)?.[1];
    expect(recipe && JSON.parse(fs.readFileSync(recipe, 'utf8')).version).toBe(1);
  } else if (verb === 'datasets' && rest[0] === 'split') {
    expect(stdout).toMatch(/1 train, 1 val/);
  } else {
    throw new Error(`No expectation for \`srstudio ${args.join(' ')}\`: add one to readme-commands.test.ts`);
  }
}

describe('the README', () => {
  it('is at most 8,000 characters', () => {
    expect(README.length).toBeLessThanOrEqual(8000);
  });

  it('shows the screenshots that `npm run screenshots` makes', () => {
    expect(PACKAGE.scripts.screenshots).toContain('test/ui/screenshots.ui.test.ts');
    for (const picture of ['docs/images/upscale.webp', 'docs/images/compare.webp']) {
      expect(README).toContain(`](${picture})`);
      expect(fs.statSync(path.join(REPO_ROOT, picture)).size).toBeLessThan(200_000);
    }
  });
});

describe('every command in the README', () => {
  beforeAll(() => {
    sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-readme-'));
    fs.cpSync(path.join(REPO_ROOT, 'samples'), path.join(sandbox, 'samples'), { recursive: true });
  });
  afterAll(() => {
    if (sandbox) fs.rmSync(sandbox, { recursive: true, force: true });
  });

  const commands = readmeCommands(README);
  it('has commands to check', () => {
    expect(commands.length).toBeGreaterThan(5);
  });

  for (const command of commands) {
    it(command, { timeout: 300_000 }, async () => {
      const check = CHECKS.find((c) => c.matches.test(command));
      if (!check) throw new Error(`No check for the README command \`${command}\`: add one to readme-commands.test.ts`);
      await check.run(command);
    });
  }
});
