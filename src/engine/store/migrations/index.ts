import { migration001 } from './001-jobs-and-runs.ts';
import { migration002 } from './002-models.ts';
import { migration003 } from './003-datasets.ts';
import { migration004 } from './004-evaluations.ts';
import { migration005 } from './005-evaluation-degradation.ts';
import type { Migration } from './types.ts';

/** Every schema step, in order. Append only: a shipped migration is never edited, a change is a new file. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export type { Migration };
