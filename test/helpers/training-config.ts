import { DEFAULT_CONFIG, type TrainConfig } from '../../src/engine/training/train-config.ts';

/** A tiny valid SRCNN (5-1-3, 8 and 4 filters) at ×2 with 16-pixel patches: a step takes milliseconds. */
export const TINY_ARCH = '{"kind":"srcnn","f1":5,"f2":1,"f3":3,"n1":8,"n2":4}';

export function tinyConfig(data: string, val: string | null, overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    arch: TINY_ARCH,
    scale: 2,
    data,
    val,
    steps: 30,
    batch: 8,
    patch: 16,
    lr: 2e-3,
    seed: 5,
    valEvery: 15,
    checkpointEvery: 10,
    device: 'cpu',
    ...overrides,
  };
}
