/**
 * Learning-rate schedules, as pure functions of the step, so a resumed run uses exactly the rates an
 * uninterrupted one would.
 */
export type ScheduleKind = 'constant' | 'step' | 'cosine';

export interface ScheduleConfig {
  kind: ScheduleKind;
  /** The rate at step 0. */
  lr: number;
  totalSteps: number;
  /** `step`: multiply by `gamma` every `stepEvery` steps (default: a quarter of the run, gamma 0.5). */
  stepEvery?: number;
  gamma?: number;
  /** `cosine`: the floor the rate decays to (default lr/100). */
  minLr?: number;
}

/** The learning rate used by the update of 0-based step `step`. */
export function learningRateAt(config: ScheduleConfig, step: number): number {
  const { kind, lr, totalSteps } = config;
  switch (kind) {
    case 'constant':
      return lr;
    case 'step': {
      const every = Math.max(1, config.stepEvery ?? Math.floor(totalSteps / 4));
      return lr * (config.gamma ?? 0.5) ** Math.floor(step / every);
    }
    case 'cosine': {
      const minLr = config.minLr ?? lr / 100;
      const progress = totalSteps <= 1 ? 0 : Math.min(1, step / (totalSteps - 1));
      return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
    }
  }
}
