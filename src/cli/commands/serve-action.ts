import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from '../../engine/app-root.ts';
import { SrError } from '../../engine/errors.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { forkSpawner } from '../../engine-host/engine-process.ts';
import { EngineSupervisor } from '../../engine-host/supervisor.ts';
import { startServer } from '../../server/server.ts';
import { ContractError } from '../../shared/contract/index.ts';

export interface ServeCliOptions {
  port: string;
  host: string;
  state?: string;
  root: string[];
  open?: boolean;
}

const RENDERER_DIR = path.join(appRoot(), 'out', 'renderer');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SrError('BAD_ARGUMENT', `--port must be a whole number from 0 to 65535, not "${text}"`, 'Use 0 to pick a free port.');
  }
  return port;
}

function checkRoots(roots: string[]): string[] {
  return roots.map((root) => {
    const resolved = path.resolve(root);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(resolved);
    } catch {
      throw new SrError('NOT_FOUND', `--root ${resolved} does not exist`, 'Pass a folder that holds your photos.', resolved);
    }
    if (!stat.isDirectory()) throw new SrError('BAD_ARGUMENT', `--root ${resolved} is not a folder`, undefined, resolved);
    return resolved;
  });
}

function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`srstudio: could not open a browser; open ${url} yourself.\n`));
  child.unref();
}

/** `srstudio serve`: starts the engine and the web server, until Ctrl-C; loaded only when the command runs. */
export async function serveAction(opts: ServeCliOptions): Promise<void> {
  const port = parsePort(opts.port);
  const roots = checkRoots(opts.root);
  const stateDir = resolveStateDir(opts.state);
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    process.stderr.write(
      `srstudio: the UI is not built (${RENDERER_DIR} is missing); the API still works.\n  → Run npx electron-vite build first.\n`,
    );
  }
  if (!LOOPBACK.has(opts.host)) {
    process.stderr.write(`srstudio: warning: listening on ${opts.host}; anyone who can reach it and has the token controls the engine.\n`);
  }
  const supervisor = new EngineSupervisor({ spawn: forkSpawner({ stateDir }) });
  supervisor.on('engine.state', (event) => {
    if (event.state === 'crashed') process.stderr.write(`srstudio: ${event.message ?? 'the engine crashed'}; restarting.\n`);
  });
  try {
    await supervisor.start();
  } catch (error) {
    const reason = error instanceof ContractError ? error : undefined;
    throw new SrError('INTERNAL', reason?.message ?? String(error), reason?.hint ?? 'Run again with --verbose.');
  }
  const server = await startServer({ host: opts.host, port, supervisor, rendererDir: RENDERER_DIR, roots, stateDir });
  process.stdout.write(`SR Studio is serving at ${server.url}\n`);
  if (roots.length === 0) process.stdout.write('No --root given: the browser cannot browse or load your photos.\n');
  if (opts.open) openInBrowser(server.url);
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await server.close();
  await supervisor.stop();
}
