import type { z } from 'zod';
import { datasetProfileRequests } from './dataset-profile.ts';
import { datasetRequests } from './datasets.ts';
import { evaluationRequests } from './evaluation.ts';
import { jobRequests } from './jobs.ts';
import { modelRequests } from './models.ts';
import { previewRequests } from './preview.ts';
import { queueRequests } from './queue.ts';
import { settingsRequests } from './settings.ts';
import { diagnosticsRequests, systemRequests } from './system.ts';
import { trainingRequests } from './training.ts';

/** Every request the engine answers, by method name (`namespace.verb`). */
export const requests = {
  ...modelRequests,
  ...jobRequests,
  ...queueRequests,
  ...previewRequests,
  ...evaluationRequests,
  ...datasetRequests,
  ...datasetProfileRequests,
  ...trainingRequests,
  ...settingsRequests,
  ...systemRequests,
  ...diagnosticsRequests,
} as const;

export type Requests = typeof requests;
export type Method = keyof Requests;
/** What a caller passes (defaults may be left out). */
export type ParamsOf<M extends Method> = z.input<Requests[M]['params']>;
/** What the engine sees after validation (defaults filled in). */
export type ParsedParamsOf<M extends Method> = z.output<Requests[M]['params']>;
export type ResultOf<M extends Method> = z.output<Requests[M]['result']>;

export const METHODS = Object.keys(requests) as Method[];

export function isMethod(name: string): name is Method {
  return Object.hasOwn(requests, name);
}

export * from './dataset-profile.ts';
export * from './datasets.ts';
export * from './jobs.ts';
export * from './models.ts';
export * from './preview.ts';
export * from './queue.ts';
export * from './settings.ts';
export * from './system.ts';
export * from './training.ts';
