/** What the parts of one run's loop share: the run's id and store rows, its config and architecture, its event sink. */
import type { RunsRepo } from '../store/runs-repo.ts';
import type { ArchSpec } from './architectures.ts';
import type { TrainEvent } from './events.ts';
import type { TrainConfig } from './train-config.ts';

export interface RunContext {
  runId: number;
  runs: RunsRepo;
  config: TrainConfig;
  arch: ArchSpec;
  emit: (event: TrainEvent) => void;
  /** Seconds this run has trained so far, across all its sessions. */
  trainingSeconds: () => number;
}

/** The best validation score so far, as checkpoints and the runs table keep it. */
export interface BestScore {
  step: number;
  psnr: number;
  ssim: number;
}
