import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own report,
 * so that CI logs and scripts read the outcome without parsing vitest's decorated summary. Above it, one line per
 * skipped test: their titles say why they skip (no Electron binary, no uid switch), and a skip must never be silent.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped.push(`↓ ${module.moduleId.split(/[\\/]test[\\/]/).pop()} › ${test.fullName}`);
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    const list = skipped.map((line) => `${line}\n`).join('');
    process.stdout.write(`\n${list}tests: ${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
  }
}
