/** Types of cli-bundle.js (plain JavaScript, so bin/srstudio.js can load it before any TypeScript loader). */
export function freshBundle(root: string, env?: NodeJS.ProcessEnv): string | undefined;
