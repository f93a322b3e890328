import fs from 'node:fs';
import { stat } from 'node:fs/promises';
import { isSrError } from '../errors.ts';
import { hashFile } from '../hash-file.ts';
import { probePhoto } from '../imaging/probe.ts';
import type { DatasetsRepo, ImageRow, NewImage } from './datasets-repo.ts';
import { mapLimited } from './map-limited.ts';
import type { DuplicateFile, ProgressCallback, SkippedFile, SyncResult } from './types.ts';
import { walkRoots } from './walk.ts';

export interface SyncOptions {
  onProgress?: ProgressCallback;
  /** Files probed/hashed at once. */
  concurrency?: number;
  /** Files per write transaction: big enough to amortise the commit, small enough that a kill loses little. */
  batchSize?: number;
}

type Examined =
  | { kind: 'unchanged'; path: string; row: ImageRow }
  | { kind: 'image'; image: NewImage }
  | { kind: 'skipped'; skip: SkippedFile };

/**
 * Brings a dataset's rows in line with the files under its roots. Create, add, resume and rescan all run this.
 *
 * - A file whose path, size and mtime match its row is not re-read, so a resumed or repeated scan is cheap.
 * - New files are probed (header only) and hashed; a hash already in the dataset is either a duplicate, or,
 *   when that row's file is gone, the same photo at a new place: the row follows it ("healed").
 * - Rows are written in batches, each one IMMEDIATE transaction; the dataset is 'importing' until the end, so a
 *   killed import is visible and running the sync again resumes it where the last committed batch ended.
 * - Rows whose file is gone are flagged missing, never deleted.
 */
export async function syncDataset(repo: DatasetsRepo, datasetId: number, options: SyncOptions = {}): Promise<SyncResult> {
  const concurrency = options.concurrency ?? 4;
  const batchSize = options.batchSize ?? 100;
  const patchSize = repo.row(datasetId).patch_size;
  repo.setStatus(datasetId, 'importing');

  options.onProgress?.({ phase: 'scanning', done: 0, total: 0 });
  const walked = await walkRoots(repo.roots(datasetId));
  const files = walked.files;
  const skipped: SkippedFile[] = [
    ...walked.skipped,
    ...walked.missingRoots.map((p) => ({ path: p, code: 'NOT_FOUND', reason: 'folder not found (moved or deleted?)' })),
  ];
  const duplicates: DuplicateFile[] = [];
  const rowsByPath = new Map(repo.allImageRows(datasetId).map((row) => [row.path, row]));
  const seen = new Set<string>();
  let added = 0;
  let healed = 0;

  options.onProgress?.({ phase: 'importing', done: 0, total: files.length });
  for (let start = 0; start < files.length; start += batchSize) {
    const chunk = files.slice(start, start + batchSize);
    let examinedInChunk = 0;
    const examined = await mapLimited(chunk, concurrency, async (filePath) => {
      const result = await examine(filePath, rowsByPath.get(filePath), patchSize);
      // Per file, not per commit, so a progress bar moves smoothly even with large batches.
      examinedInChunk += 1;
      options.onProgress?.({ phase: 'importing', done: start + examinedInChunk, total: files.length });
      return result;
    });
    repo.db
      .transaction(() => {
        for (const result of examined) {
          if (result.kind === 'skipped') {
            skipped.push(result.skip);
            continue;
          }
          if (result.kind === 'unchanged') {
            seen.add(result.path);
            if (result.row.missing === 1) repo.setMissing(result.row.id, false);
            continue;
          }
          const outcome = record(repo, datasetId, result.image);
          if (outcome.kind === 'added') added += 1;
          else if (outcome.kind === 'healed') healed += 1;
          else if (outcome.kind === 'duplicate') duplicates.push({ path: result.image.path, sameAs: outcome.sameAs });
          else if (outcome.kind === 'excluded') {
            skipped.push({ path: result.image.path, code: 'REMOVED', reason: 'removed from this dataset earlier (same content)' });
          }
          seen.add(result.image.path);
        }
      })
      .immediate();
  }

  const missing = repo.db
    .transaction(() => {
      let count = 0;
      for (const row of repo.allImageRows(datasetId)) {
        if (row.excluded === 1) continue;
        const gone = !seen.has(row.path) && !fs.existsSync(row.path);
        if (gone !== (row.missing === 1)) repo.setMissing(row.id, gone);
        if (gone) count += 1;
      }
      repo.replaceSkips(datasetId, [
        ...skipped,
        ...duplicates.map((d) => ({ path: d.path, code: 'DUPLICATE', reason: `same content as ${d.sameAs}` })),
      ]);
      repo.setStatus(datasetId, 'ready');
      return count;
    })
    .immediate();

  return { added, healed, duplicates, skipped, missing, images: repo.record(datasetId).images };
}

async function examine(filePath: string, row: ImageRow | undefined, patchSize: number): Promise<Examined> {
  let info: fs.Stats;
  try {
    info = await stat(filePath);
  } catch (error) {
    return {
      kind: 'skipped',
      skip: { path: filePath, code: 'NOT_READABLE', reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
    };
  }
  if (row && row.bytes === info.size && row.mtime_ms === info.mtimeMs) {
    if (row.excluded === 1)
      return { kind: 'skipped', skip: { path: filePath, code: 'REMOVED', reason: 'removed from this dataset earlier' } };
    return { kind: 'unchanged', path: filePath, row };
  }
  try {
    const probe = await probePhoto(filePath);
    if (probe.width < patchSize || probe.height < patchSize) {
      return {
        kind: 'skipped',
        skip: {
          path: filePath,
          code: 'TOO_SMALL',
          reason: `${probe.width}×${probe.height} px is smaller than the ${patchSize} px training patch`,
        },
      };
    }
    const sha256 = await hashFile(filePath);
    return {
      kind: 'image',
      image: {
        path: filePath,
        sha256,
        bytes: info.size,
        mtimeMs: info.mtimeMs,
        width: probe.width,
        height: probe.height,
        format: probe.format,
        cameraModel: probe.cameraModel ?? null,
        iccName: probe.iccName ?? null,
      },
    };
  } catch (error) {
    if (isSrError(error)) return { kind: 'skipped', skip: { path: filePath, code: error.code, reason: firstLine(error.message) } };
    return { kind: 'skipped', skip: { path: filePath, code: 'INTERNAL', reason: (error as Error)?.message ?? String(error) } };
  }
}

/** The first line of the message: SrError messages already name the file and say what is wrong with it. */
function firstLine(message: string): string {
  return message.split('\n')[0];
}

type RecordOutcome =
  | { kind: 'added' }
  | { kind: 'healed' }
  | { kind: 'updated' }
  | { kind: 'duplicate'; sameAs: string }
  | { kind: 'excluded' };

function record(repo: DatasetsRepo, datasetId: number, image: NewImage): RecordOutcome {
  const byHash = repo.imageByHash(datasetId, image.sha256);
  const atPath = repo.imageByPath(datasetId, image.path);
  if (!byHash) {
    // New content. If a row already sat at this path, the file was edited: that row now describes the new bytes.
    if (atPath) {
      repo.updateImageFile(atPath.id, image);
      return { kind: 'updated' };
    }
    repo.insertImage(datasetId, image);
    return { kind: 'added' };
  }
  if (byHash.excluded === 1) return { kind: 'excluded' };
  if (byHash.path === image.path) {
    repo.updateImageFile(byHash.id, image);
    return { kind: 'updated' };
  }
  if (byHash.missing === 1 || !fs.existsSync(byHash.path)) {
    // The same photo moved here. A stale row at the new path (different content) gives way.
    if (atPath && atPath.id !== byHash.id) repo.deleteImageRow(atPath.id);
    repo.updateImageFile(byHash.id, image);
    return { kind: 'healed' };
  }
  return { kind: 'duplicate', sameAs: byHash.path };
}
