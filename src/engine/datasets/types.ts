export type Split = 'train' | 'val';
export type DatasetStatus = 'importing' | 'ready' | 'interrupted';

export interface DatasetRecord {
  id: number;
  name: string;
  /** Training patch size in px: images smaller than this on either side are skipped. */
  patchSize: number;
  status: DatasetStatus;
  createdAt: string;
  updatedAt: string;
  /** Folders (or single files) the dataset is built from, absolute. */
  roots: string[];
  /** Usable images: present and not removed. */
  images: number;
  missing: number;
  train: number;
  val: number;
}

export interface DatasetImage {
  id: number;
  path: string;
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  format: string;
  cameraModel: string | null;
  iccName: string | null;
  /** null: not assigned yet; counts as training data. */
  split: Split | null;
  missing: boolean;
}

/** A file that could not be used, and why, in words a person can act on. */
export interface SkippedFile {
  path: string;
  code: string;
  reason: string;
}

export interface DuplicateFile {
  path: string;
  sameAs: string;
}

export interface SyncProgress {
  phase: 'scanning' | 'importing';
  done: number;
  total: number;
}

export type ProgressCallback = (progress: SyncProgress) => void;

export interface SyncResult {
  added: number;
  /** Images found again at a new path (same content hash), e.g. after their folder moved. */
  healed: number;
  duplicates: DuplicateFile[];
  skipped: SkippedFile[];
  /** Images whose file is gone (kept, flagged, until a rescan finds them). */
  missing: number;
  images: number;
}

export const DEFAULT_PATCH_SIZE = 33;
