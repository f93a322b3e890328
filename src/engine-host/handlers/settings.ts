import fs from 'node:fs';
import path from 'node:path';
import { fromFsError, SrError } from '../../engine/errors.ts';
import { writeFileAtomicSync } from '../../engine/imaging/atomic-write.ts';
import { Settings } from '../../shared/contract/index.ts';
import type { HandlerTable } from '../handler.ts';

const FILE_NAME = 'settings.json';

export function readSettings(stateDir: string): Settings {
  const file = path.join(stateDir, FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Settings.parse({});
    throw fromFsError(error, file, 'read');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SrError('BAD_ARGUMENT', `The settings file ${file} is not valid JSON`, 'Fix or delete it; defaults will be used.', file);
  }
  const parsed = Settings.safeParse(json);
  if (!parsed.success) {
    throw new SrError(
      'BAD_ARGUMENT',
      `The settings file ${file} has invalid values: ${parsed.error.issues[0]?.message}`,
      'Fix or delete it.',
      file,
    );
  }
  return parsed.data;
}

/**
 * Through the engine's atomic writer (temp file, fsync, rename): a crash never leaves half a settings file.
 * Synchronous on purpose: `settings.set` reads, patches and writes without yielding, so two patches sent at once
 * cannot interleave and lose one of them.
 */
export function writeSettings(stateDir: string, settings: Settings): void {
  try {
    fs.mkdirSync(stateDir, { recursive: true });
  } catch (error) {
    throw fromFsError(error, stateDir, 'write');
  }
  writeFileAtomicSync(path.join(stateDir, FILE_NAME), [Buffer.from(`${JSON.stringify(settings, null, 2)}\n`)]);
}

export const settingsHandlers: HandlerTable = {
  'settings.get': async (_params, { stateDir }) => ({ settings: readSettings(stateDir) }),
  'settings.set': async ({ patch }, { stateDir }) => {
    const next = Settings.parse({ ...readSettings(stateDir), ...patch });
    writeSettings(stateDir, next);
    return { settings: next };
  },
};
