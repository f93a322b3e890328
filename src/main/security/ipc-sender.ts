import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';

/**
 * Every IPC message must come from the app's own top-level frame (Electron checklist #17): not from an iframe, not from
 * a page that somehow navigated elsewhere. https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages
 */
export function isTrustedSender(event: IpcMainEvent | IpcMainInvokeEvent, trustedOrigins: ReadonlySet<string>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  let origin: string;
  try {
    const url = new URL(frame.url);
    origin = `${url.protocol}//${url.host}`;
  } catch {
    return false;
  }
  return trustedOrigins.has(origin);
}
