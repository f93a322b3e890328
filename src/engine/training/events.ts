import type { Plane } from '../imaging/image.ts';
import type { PrefetchStats } from './prefetcher.ts';

/** Typed progress of a training run, for any listener (the CLI's progress line now, the UI later). */
export type TrainEvent =
  | { type: 'loading'; what: 'train' | 'val'; done: number; total: number }
  /** Something the user should know; 'warn' when part of their input was left out (an unreadable image). */
  | { type: 'notice'; message: string; level?: 'info' | 'warn' }
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
      /** The first validation image: model input ([0,1]), model output ([0,1], HR size) and HR Y ([0,255]). */
      sample?: { name: string; inputKind: 'upsampled' | 'lr'; input: Plane; output: Plane; truth: Plane };
    }
  | { type: 'checkpoint'; run: number; step: number; path: string }
  | { type: 'model'; run: number; step: number; path: string }
  | { type: 'finished'; run: number; status: 'done' | 'cancelled' | 'paused'; step: number };

export type TrainListener = (event: TrainEvent) => void;
