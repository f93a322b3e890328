import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
// The package exports no bin path; this is the file its `depcruise` command runs.
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/**
 * Runs the real checker with the project's config in `cwd`, as `npm run check:deps` does: its exit code (the number of
 * errors) and its report, whitespace folded so that a circle's multi-line report reads as one line.
 */
function cruise(cwd: string): Promise<{ code: number; report: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'err'], { cwd }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, report: `${stdout}${stderr}`.replace(/\s+/g, ' ').trim() });
    });
  });
}

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  // One real Node start per run, each parsing hundreds of files with the TypeScript compiler: seconds on a busy machine.
  it('src/ has no violation', { timeout: 180_000 }, async () => {
    const { code, report } = await cruise(ROOT);
    expect(report).toMatch(/^✔ no dependency violations found/);
    expect(code, report).toBe(0);
  });

  describe('a tree with one of each violation', () => {
    let dir: string;
    const files: Record<string, string> = {
      'src/shared/contract.ts': 'export const VERSION = 1;\n',
      'src/engine/store.ts': "import { VERSION } from '../shared/contract.ts';\nexport const store = VERSION;\n",
      'src/server/policy.ts': 'export const policy = 1;\n',
      // An arrow up the stack, as src/engine/preview/input-paths.ts once had to src/server/path-policy.ts.
      'src/engine/preview.ts': "import { policy } from '../server/policy.ts';\nexport const preview = policy;\n",
      'src/engine/runner.ts': "import type { Options } from '../cli/options.ts';\nexport type Run = Options;\n",
      'src/cli/options.ts': 'export interface Options { verbose: boolean }\n',
      'src/renderer/view.ts': [
        "import { VERSION } from '../shared/contract.ts';",
        "import { store } from '../engine/store.ts';",
        "import fs from 'node:fs';",
        'export const view = [VERSION, store, fs];',
        '',
      ].join('\n'),
      'src/shared/leak.ts': "import { store } from '../engine/store.ts';\nexport const leak = store;\n",
      // A circle through a type-only import still counts.
      'src/cli/eval-action.ts':
        "import { label } from './eval-queued.ts';\nexport interface Opts { a: string }\nexport const action = label;\n",
      'src/cli/eval-queued.ts': "import type { Opts } from './eval-action.ts';\nexport const label = 'q';\nexport type Q = Opts;\n",
      'src/engine/typo.ts': "import { nothing } from './no-such-file.ts';\nexport const typo = nothing;\n",
    };

    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-depcruise-'));
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('fails, naming each broken rule and the import that broke it', { timeout: 180_000 }, async () => {
      const { code, report } = await cruise(dir);
      const expected = [
        'engine-stays-below-its-hosts: src/engine/preview.ts → src/server/policy.ts',
        'engine-stays-below-its-hosts: src/engine/runner.ts → src/cli/options.ts',
        'renderer-only-through-the-contract: src/renderer/view.ts → src/engine/store.ts',
        'renderer-only-through-the-contract: src/renderer/view.ts → fs',
        'shared-is-the-bottom: src/shared/leak.ts → src/engine/store.ts',
        'resolvable: src/engine/typo.ts → ./no-such-file.ts',
      ];
      for (const line of expected) expect(report).toContain(`error ${line} `);
      // The circle closes through a type-only import.
      expect(report).toContain('error no-circular: src/cli/eval-action.ts → src/cli/eval-queued.ts → src/cli/eval-action.ts ');
      // Nothing else: the allowed imports (engine → shared, renderer → shared) pass.
      expect(report).toContain('x 7 dependency violations (7 errors, 0 warnings)');
      expect(code).toBe(7);
    });
  });
});
