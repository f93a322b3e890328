import fs from 'node:fs';

/** SR Studio's version, from the package.json beside src/ (the CLI runs from its source, through tsx). */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
