import { type JobRecord, JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { Store } from '../../engine/store/store.ts';
import type { JobKind, JobSummary } from '../../shared/contract/index.ts';

const KIND: Record<JobRecord['kind'], JobKind> = { upscale: 'upscale', train: 'training', eval: 'evaluation' };

function titleOf(record: JobRecord, total: number): string {
  const noun =
    KIND[record.kind] === 'upscale'
      ? `Upscale ${total} image${total === 1 ? '' : 's'}`
      : KIND[record.kind] === 'training'
        ? 'Training run'
        : 'Evaluation';
  return `${noun} (#${record.id})`;
}

/** A journal row (src/engine/store/jobs-repo.ts) as the contract shows it, with done/total from its items. */
export function toJobSummary(store: Store, record: JobRecord): JobSummary {
  const items = new JobsRepo(store).items(record.id);
  const done = items.filter((item) => item.status === 'done' || item.status === 'skipped' || item.status === 'failed').length;
  return {
    id: String(record.id),
    kind: KIND[record.kind],
    state: record.status,
    title: titleOf(record, items.length),
    done,
    total: items.length,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
