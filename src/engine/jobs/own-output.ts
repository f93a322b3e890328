import { lstat, readFile } from 'node:fs/promises';

/**
 * Whether the file at `output` is exactly `bytes`: how a file that must not be replaced is recognised as this very
 * photo's own output, committed by an earlier run of it that was killed before it could say so (see
 * `FileWork.mayFindOwnOutput`). Outputs are deterministic (the same input, model and settings give the same bytes on
 * every run), so equal bytes mean nothing would be lost by keeping the file and calling the photo done; any other
 * file, or anything that is not a plain file (a symlink is not followed), is not ours.
 *
 * Read only when the size matches, and only in that rare case (a commit that found a file in the way on a resume or
 * a retry), so the usual commit costs nothing more.
 */
export async function isOwnOutput(output: string, bytes: Uint8Array): Promise<boolean> {
  try {
    const stat = await lstat(output);
    if (!stat.isFile() || stat.size !== bytes.byteLength) return false;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(await readFile(output));
  } catch {
    // Gone or unreadable since the commit found it: not something we can call ours.
    return false;
  }
}
