/**
 * Every failure a user can cause or fix is an SrError: it says what happened, to which path, and what to do.
 * The CLI prints `message` and `hint` (no stack unless --verbose); the engine host sends `code` across IPC.
 */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'NOT_READABLE'
  | 'NOT_WRITABLE'
  | 'EMPTY_FILE'
  | 'NOT_AN_IMAGE'
  | 'CORRUPT_IMAGE'
  | 'TOO_LARGE'
  | 'TOO_SMALL'
  | 'NO_IMAGES'
  | 'BAD_ARGUMENT'
  | 'UNKNOWN_METHOD'
  | 'UNKNOWN_MODEL'
  | 'BAD_MODEL'
  | 'NO_DEFAULT_MODEL'
  | 'DISK_FULL'
  | 'OUTPUT_EXISTS'
  /** A quantised model more than the quality budget below its parent, asked to be a default without insisting. */
  | 'OVER_QUALITY_BUDGET'
  | 'CANCELLED'
  | 'QUEUE_UNAVAILABLE'
  | 'INTERNAL';

export class SrError extends Error {
  override readonly name = 'SrError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** One line for a person: what happened, then what to do. */
  describe(): string {
    return this.hint ? `${this.message}\n  → ${this.hint}` : this.message;
  }
}

export function isSrError(error: unknown): error is SrError {
  return error instanceof SrError;
}

/** Maps Node's filesystem errors to SrErrors that name the path and suggest a fix. */
export function fromFsError(error: unknown, path: string, action: 'read' | 'write'): SrError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new SrError('NOT_FOUND', `No such file or folder: ${path}`, 'Check the path and try again.', path, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return action === 'read'
        ? new SrError('NOT_READABLE', `Permission denied reading ${path}`, 'Check the file permissions.', path, { cause: error })
        : new SrError('NOT_WRITABLE', `Permission denied writing ${path}`, 'Choose a folder you can write to.', path, { cause: error });
    case 'EROFS':
      // Can only come from a write (create, rename, mkdir); a read-only disk never fails a read with it.
      return new SrError(
        'NOT_WRITABLE',
        `Cannot write ${path}: it is on a read-only file system`,
        'Choose an output folder on a writable disk, or remount that disk read-write.',
        path,
        { cause: error },
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new SrError('DISK_FULL', `The disk is full while writing ${path}`, 'Free some space, then resume.', path, { cause: error });
    case 'EISDIR':
      return new SrError('BAD_ARGUMENT', `${path} is a folder, not a file`, undefined, path, { cause: error });
    case 'EEXIST':
    case 'ENOTDIR':
      // mkdir of an output folder where a file of that name exists, or a path that runs through a file.
      return action === 'write'
        ? new SrError(
            'NOT_WRITABLE',
            `Cannot create the folder ${path}: a file is in the way`,
            'Move or rename that file, or choose another output folder.',
            path,
            {
              cause: error,
            },
          )
        : new SrError('NOT_FOUND', `No such file or folder: ${path} (part of the path is a file)`, 'Check the path and try again.', path, {
            cause: error,
          });
    default:
      return new SrError('INTERNAL', `Could not ${action} ${path}: ${(error as Error)?.message ?? String(error)}`, undefined, path, {
        cause: error,
      });
  }
}
