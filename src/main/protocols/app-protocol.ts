import fs from 'node:fs';
import { protocol } from 'electron';
import { contentTypeOf, rendererFile } from '../../server/static-files.ts';
import { APP_CSP } from '../security/csp.ts';

/**
 * The renderer is served from `app://renderer/…` instead of file:// (Electron checklist #18), so it has a real origin,
 * the CSP arrives as a header, and no page can read arbitrary files by URL.
 * https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols
 */
export function serveRendererProtocol(rendererDir: string): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'renderer') return new Response('Not found', { status: 404 });
    const file = rendererFile(rendererDir, url.pathname);
    if (!file) return new Response('Not found', { status: 404 });
    const body = await fs.promises.readFile(file);
    return new Response(body, {
      headers: { 'content-type': contentTypeOf(file), 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff' },
    });
  });
}
