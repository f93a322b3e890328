import type { Session } from 'electron';

/**
 * The app needs no camera, microphone, notifications or geolocation: every permission request is denied
 * (Electron checklist #5). https://www.electronjs.org/docs/latest/tutorial/security#5-handle-session-permission-requests-from-remote-content
 */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
