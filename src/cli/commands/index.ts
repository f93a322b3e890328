import type { Command } from 'commander';
import { registerBenchCommand } from './bench.ts';
import { registerDatasetsCommand } from './datasets.ts';
import { registerDoctorCommand } from './doctor.ts';
import { registerEvalCommand } from './eval.ts';
import { registerJobsCommand } from './jobs.ts';
import { registerModelsCommand } from './models.ts';
import { registerServeCommand } from './serve.ts';
import { registerTrainCommand } from './train.ts';
import { registerUpscaleCommand } from './upscale.ts';
import { registerWorkerCommand } from './worker.ts';

/** Each command lives in its own file and registers itself here; the order is the order of `--help`. */
export function registerCommands(program: Command): void {
  registerUpscaleCommand(program);
  registerWorkerCommand(program);
  registerJobsCommand(program);
  registerEvalCommand(program);
  registerTrainCommand(program);
  registerDatasetsCommand(program);
  registerServeCommand(program);
  registerModelsCommand(program);
  registerBenchCommand(program);
  registerDoctorCommand(program);
}
