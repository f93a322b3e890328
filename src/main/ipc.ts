import fs from 'node:fs';
import { type BrowserWindow, dialog, ipcMain, shell } from 'electron';
import type { EngineSupervisor } from '../engine-host/supervisor.ts';
import { toWireError } from '../engine-host/wire-error.ts';
import { describeIssues, IPC, isMethod, MAX_MESSAGE_BYTES, type Outcome, RequestId, requests } from '../shared/contract/index.ts';
import type { AllowedRoots } from './allowed-roots.ts';
import { isTrustedSender } from './security/ipc-sender.ts';

export interface IpcDeps {
  supervisor: EngineSupervisor;
  roots: AllowedRoots;
  trustedOrigins: ReadonlySet<string>;
  window: () => BrowserWindow | undefined;
}

const REFUSED: Outcome<never> = { ok: false, error: { code: 'BAD_REQUEST', message: 'IPC from an untrusted frame was refused.' } };

/**
 * Main relays contract requests to the engine host. It validates the sender and the params here too, so a
 * compromised renderer cannot reach the engine with anything the contract does not allow.
 */
export function registerIpc({ supervisor, roots, trustedOrigins, window }: IpcDeps): () => void {
  const inFlight = new Map<string, AbortController>();

  ipcMain.handle(IPC.call, async (event, method: unknown, params: unknown, requestId: unknown): Promise<Outcome<unknown>> => {
    if (!isTrustedSender(event, trustedOrigins)) return REFUSED;
    if (typeof method !== 'string' || !isMethod(method))
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown request "${String(method)}".` } };
    if (JSON.stringify(params ?? null).length > MAX_MESSAGE_BYTES)
      return { ok: false, error: { code: 'BAD_REQUEST', message: 'The request is too large.' } };
    const checked = requests[method].params.safeParse(params ?? {});
    if (!checked.success)
      return {
        ok: false,
        error: { code: 'BAD_REQUEST', message: `Invalid parameters for ${method}.`, issues: describeIssues(checked.error, 'params') },
      };
    const id = RequestId.safeParse(requestId);
    const controller = new AbortController();
    if (id.success) inFlight.set(id.data, controller);
    try {
      const result = await supervisor.requestUnchecked(method, checked.data, { signal: controller.signal });
      roots.learnFromResult(method, result);
      return { ok: true, result };
    } catch (error) {
      return { ok: false, error: toWireError(error, controller.signal) };
    } finally {
      if (id.success) inFlight.delete(id.data);
    }
  });

  ipcMain.on(IPC.cancel, (event, requestId: unknown) => {
    if (!isTrustedSender(event, trustedOrigins)) return;
    if (typeof requestId === 'string') inFlight.get(requestId)?.abort();
  });

  ipcMain.handle(IPC.pickFolder, async (event) => {
    const owner = window();
    if (!isTrustedSender(event, trustedOrigins) || !owner) return null;
    const picked = await dialog.showOpenDialog(owner, { properties: ['openDirectory', 'createDirectory'] });
    const folder = picked.canceled ? null : (picked.filePaths[0] ?? null);
    if (folder) roots.add(folder);
    return folder;
  });

  ipcMain.handle(IPC.pickFiles, async (event, filters: unknown) => {
    const owner = window();
    if (!isTrustedSender(event, trustedOrigins) || !owner) return [];
    const safeFilters = Array.isArray(filters)
      ? filters
          .filter((f): f is { name: string; extensions: string[] } => typeof f?.name === 'string' && Array.isArray(f?.extensions))
          .map((f) => ({
            name: f.name.slice(0, 100),
            extensions: f.extensions.filter((e) => typeof e === 'string' && /^[a-z0-9*]{1,10}$/i.test(e)),
          }))
      : undefined;
    const picked = await dialog.showOpenDialog(owner, { properties: ['openFile', 'multiSelections'], filters: safeFilters });
    if (picked.canceled) return [];
    // A picked file makes its own folder loadable (for previews), nothing wider.
    for (const file of picked.filePaths) roots.add(file.slice(0, file.length - (file.split(/[\\/]/).pop()?.length ?? 0)));
    return picked.filePaths;
  });

  ipcMain.handle(IPC.reveal, async (event, target: unknown) => {
    if (!isTrustedSender(event, trustedOrigins) || typeof target !== 'string') return;
    // Only reveal things that exist under a folder the app already knows; the page cannot probe the disk.
    if (roots.list().some((root) => target.startsWith(root)) && fs.existsSync(target)) shell.showItemInFolder(target);
  });

  return () => {
    for (const channel of [IPC.call, IPC.pickFolder, IPC.pickFiles, IPC.reveal]) ipcMain.removeHandler(channel);
    ipcMain.removeAllListeners(IPC.cancel);
  };
}
