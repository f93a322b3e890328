/**
 * Runs ensureOutputFolder in a separate process and prints its outcome as JSON on stdout: for tests that need another
 * uid (root may write anywhere) or a mount of the child's own (a read-only file system).
 *   output-folder-child.ts <dir>
 */
import { ensureOutputFolder } from '../../src/engine/jobs/output-folder.ts';

const [dir] = process.argv.slice(2);
try {
  ensureOutputFolder(dir);
  process.stdout.write(JSON.stringify({ ok: true }));
} catch (error) {
  const { code, message, path } = error as { code?: string; message?: string; path?: string };
  process.stdout.write(JSON.stringify({ ok: false, code, message, path }));
}
