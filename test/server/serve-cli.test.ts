import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-serve-cli-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function runCli(args: string[]) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/srstudio.js'), ...args], {
    cwd: temp,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('srstudio serve (real child process)', () => {
  it('prints a tokenised loopback URL, refuses requests without the token, and exits cleanly on SIGINT', async () => {
    const run = runCli(['serve', '--state', path.join(temp, 'state'), '--root', temp]);
    await expect
      .poll(() => run.output().stdout, { timeout: 45_000, interval: 200 })
      .toMatch(/serving at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const url = run.output().stdout.match(/http:\/\/\S+/)![0];
    const bare = url.split('?')[0];
    expect((await fetch(bare, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${bare}?token=wrong`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('refuses a --root that does not exist, naming it, with exit code 2', async () => {
    const missing = path.join(temp, 'no-such-folder');
    const run = runCli(['serve', '--state', path.join(temp, 'state2'), '--root', missing]);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toContain(missing);
    expect(run.output().stderr).toContain('→');
  });
});
