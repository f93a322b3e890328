import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { appRoot } from '../../engine/app-root.ts';
import { SrError } from '../../engine/errors.ts';

/** Each benchmark is a script in bench/ (also `npm run bench:<name>`); this only finds and runs it. */
const BENCHES: Record<string, string> = {
  resize: 'resize.bench.ts',
  infer: 'infer.bench.ts',
  train: 'train.bench.ts',
  'train-step': 'profile-train-step.ts',
  preview: 'preview.bench.ts',
  datasets: 'datasets.bench.ts',
  cli: 'cli-startup.bench.ts',
  queue: 'queue.bench.ts',
  profile: 'profile.bench.ts',
  batch: 'batch.bench.ts',
};

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('Run a benchmark from bench/; each prints its ratios against a baseline measured in the same run')
    .argument('<name>', Object.keys(BENCHES).join('|'))
    .argument('[args...]', 'passed to the benchmark (e.g. --mp 2 for infer)')
    .allowUnknownOption()
    .action(async (name: string, args: string[]) => {
      const script = BENCHES[name];
      if (!script) throw new SrError('BAD_ARGUMENT', `Unknown benchmark "${name}"`, `Use one of ${Object.keys(BENCHES).join(', ')}.`);
      const file = path.join(appRoot(), 'bench', script);
      if (!existsSync(file))
        throw new SrError('NOT_FOUND', `The benchmark ${file} is missing`, 'Run it from a checkout of SR Studio.', file);
      const code = await new Promise<number>((resolve) => {
        // tsx resolved from here, not from the user's working folder.
        const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), file, ...args], { stdio: 'inherit' });
        child.on('exit', (exit) => resolve(exit ?? 1));
      });
      process.exitCode = code;
    });
}
