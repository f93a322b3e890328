import path from 'node:path';
import { SrError } from '../errors.ts';
import { IMAGE_EXTENSIONS, resolveUnderRoots } from '../path-policy.ts';

/**
 * The host's path rules for preview inputs and exports, reusing the UI's path policy (../path-policy.ts):
 * absolute, no `..`, no NUL, an image file type. The engine host has no allowed-roots list (the user picks any
 * photo), so the root is the path's own filesystem root; what the UI may *load* back is restricted by main/serve.
 */
export function checkUserPath(requested: string, what: string, extensions: readonly string[] = IMAGE_EXTENSIONS): string {
  const root = path.isAbsolute(requested) ? path.parse(requested).root : '';
  const decision = resolveUnderRoots(requested, root ? [root] : [], { extensions });
  if (!decision.ok) {
    throw new SrError(
      'BAD_ARGUMENT',
      `The ${what} path "${requested.slice(0, 300)}" is refused: ${decision.reason}`,
      `Pass an absolute path to a ${extensions.join('/')} file, without "..".`,
      requested,
    );
  }
  return decision.path;
}
