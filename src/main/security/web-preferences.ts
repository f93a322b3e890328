import type { WebPreferences } from 'electron';

/**
 * The only web preferences an app window gets (Electron checklist #2, #3, #4, #6).
 * https://www.electronjs.org/docs/latest/tutorial/security#checklist-security-recommendations
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}
