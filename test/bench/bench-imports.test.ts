import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The benchmarks run under plain tsx, not vitest, yet reuse test helpers (photos, tiny models, a private Redis). A
 * helper that touches vitest at import time (a hook, `expect`) breaks `npm run bench:*` while every test stays green,
 * so each bench's helper imports are loaded here the way the bench loads them: a node child with tsx and no VITEST.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const benchDir = path.join(repoRoot, 'bench');

function helperImports(benchFile: string): string[] {
  const source = fs.readFileSync(benchFile, 'utf8');
  const specifiers = [...source.matchAll(/from '(\.\.\/test\/helpers\/[^']+)'/g)].map((m) => m[1] ?? '');
  return specifiers.map((s) => path.resolve(benchDir, s));
}

const benches = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ name: f, helpers: helperImports(path.join(benchDir, f)) }))
  .filter((b) => b.helpers.length > 0);

describe('benchmark scripts', () => {
  it('some benchmarks use test helpers (otherwise this check checks nothing)', () => {
    expect(benches.map((b) => b.name)).toContain('queue.bench.ts');
  });

  it.each(benches)('$name: its test helpers load outside vitest', ({ helpers }) => {
    const env = { ...process.env };
    delete env.VITEST;
    delete env.VITEST_WORKER_ID;
    delete env.VITEST_POOL_ID;
    const script = `for (const f of ${JSON.stringify(helpers)}) await import(f);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.status).toBe(0);
  });
});
