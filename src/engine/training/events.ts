import type { PrefetchStats } from './prefetcher.ts';

/** Typed progress of a training run, for any listener (the CLI's progress line now, the UI later). */
export type TrainEvent =
  | { type: 'loading'; what: 'train' | 'val'; done: number; total: number }
  | { type: 'notice'; message: string }
  | { type: 'started'; run: number; startStep: number; totalSteps: number; images: number; positions: number; provider: string }
  | {
      type: 'step';
      run: number;
      step: number;
      totalSteps: number;
      batch: number;
      loss: number;
      lr: number;
      samplesPerSecond: number;
      data: PrefetchStats;
    }
  | {
      type: 'validation';
      run: number;
      step: number;
      psnr: number;
      ssim: number;
      bicubic: { psnr: number; ssim: number };
      isBest: boolean;
    }
  | { type: 'checkpoint'; run: number; step: number; path: string }
  | { type: 'model'; run: number; step: number; path: string }
  | { type: 'finished'; run: number; status: 'done' | 'cancelled' | 'paused'; step: number };

export type TrainListener = (event: TrainEvent) => void;
