/**
 * Runs one imaging operation in a separate process and prints its outcome as JSON on stdout.
 * Used by tests that need a non-root uid (root ignores file permissions) or a file-size rlimit.
 *   imaging-child.ts decode <path>
 *   imaging-child.ts probe <path>
 *   imaging-child.ts write <path> <bytes>
 */
import { writeFileAtomic } from '../../src/engine/imaging/atomic-write.ts';
import { decodePhoto } from '../../src/engine/imaging/decode.ts';
import { probePhoto } from '../../src/engine/imaging/probe.ts';

async function run(op: string, path: string, extra: string | undefined): Promise<unknown> {
  if (op === 'decode') {
    const { image } = await decodePhoto(path);
    return { width: image.width, height: image.height };
  }
  if (op === 'probe') return probePhoto(path);
  if (op === 'write') {
    await writeFileAtomic(path, new Uint8Array(Number(extra)).fill(7));
    return {};
  }
  throw new Error(`unknown op ${op}`);
}

const [op, path, extra] = process.argv.slice(2);
run(op, path, extra).then(
  (value) => process.stdout.write(JSON.stringify({ ok: true, value })),
  (error: { code?: string; message?: string; path?: string }) =>
    process.stdout.write(JSON.stringify({ ok: false, code: error.code, message: error.message, path: error.path })),
);
