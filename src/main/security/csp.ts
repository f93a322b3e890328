/**
 * Content Security Policy for the app window (Electron checklist #7): scripts only from the app itself, images also
 * from the restricted image protocol, no plugins, no framing, no form posts.
 * https://www.electronjs.org/docs/latest/tutorial/security#7-define-a-content-security-policy
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Svelte sets some styles through attributes; styles cannot run code.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' srs-image: data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
