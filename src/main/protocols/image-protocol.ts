import fs from 'node:fs';
import { protocol } from 'electron';
import { confirmRealPath, IMAGE_EXTENSIONS, resolveUnderRoots } from '../../engine/path-policy.ts';
import { contentTypeOf } from '../../server/static-files.ts';
import type { AllowedRoots } from '../allowed-roots.ts';

/**
 * `srs-image://local/?path=/abs/file.png`: image files, only under the allowed roots, checked lexically and then with
 * symlinks resolved (see src/engine/path-policy.ts, which has the tests). Pixels reach the page as files, never JSON.
 */
export function serveImageProtocol(roots: AllowedRoots): void {
  protocol.handle('srs-image', async (request) => {
    const url = new URL(request.url);
    const allowed = roots.list();
    const lexical = resolveUnderRoots(url.searchParams.get('path') ?? '', allowed, { extensions: IMAGE_EXTENSIONS });
    const real = lexical.ok ? confirmRealPath(lexical.path, allowed, fs.realpathSync) : lexical;
    if (!real.ok) return new Response(`Forbidden: ${real.reason}`, { status: 403 });
    try {
      const body = await fs.promises.readFile(real.path);
      return new Response(body, { headers: { 'content-type': contentTypeOf(real.path), 'x-content-type-options': 'nosniff' } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
