import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Permission tests run real code as "nobody": root ignores permission bits, so a real EACCES needs another uid.
 *
 * That child must be able to open node, tsx, the sources and the runtime packages. A checkout under a mode-700 folder
 * (root's home, `mktemp -d`, many home folders) is closed to it, and the child would fail for the wrong reason. So the
 * child runs from a *nobody checkout*: the files it needs, hard-linked (or copied, across file systems or where a file
 * is not world-readable) into a world-traversable temp folder.
 */
export const NOBODY = 65534;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Why this machine cannot start a child as NOBODY, or undefined when it can. */
export const nobodyUnavailable: string | undefined =
  process.platform === 'win32'
    ? 'Windows has no uids to switch to'
    : process.getuid?.() !== 0
      ? `starting a child as uid ${NOBODY} needs root, and this runs as uid ${process.getuid?.()}`
      : undefined;

/** Appended to a permission test's title, so a skip says why. */
export const nobodySkipNote = nobodyUnavailable === undefined ? '' : ` (skipped: ${nobodyUnavailable})`;

/** What a child needs from the checkout besides the runtime packages. */
const CHECKOUT_PARTS = [
  'bin',
  'src',
  'resources',
  'test/helpers',
  'package.json',
  'tsconfig.json',
  'tsconfig.base.json',
  'tsconfig.node.json',
];

let cached: string | undefined;

// Registered while the importing test file is collected: its nobody checkout goes when the file's tests are done.
// Only under vitest: the benchmarks import helpers that import this file, and vitest's hooks throw outside a run.
if (process.env.VITEST !== undefined) {
  const { afterAll } = await import('vitest');
  afterAll(() => {
    if (cached !== undefined) fs.rmSync(cached, { recursive: true, force: true });
    cached = undefined;
  });
}

/** The nobody checkout's root, made on first use in a test file and removed after the file's tests. */
export function nobodyCheckout(): string {
  if (cached !== undefined) return cached;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-nobody-'));
  cached = root;
  fs.chmodSync(root, 0o755);
  assertTraversable(root);
  for (const part of CHECKOUT_PARTS) mirror(path.join(repoRoot, part), path.join(root, part));
  for (const dir of runtimePackageDirs()) mirror(dir, path.join(root, path.relative(repoRoot, dir)));
  return root;
}

/** The same file in the nobody checkout. */
export function inNobodyCheckout(file: string): string {
  return path.join(nobodyCheckout(), path.relative(repoRoot, file));
}

function assertTraversable(dir: string): void {
  for (let at = path.dirname(dir); ; at = path.dirname(at)) {
    if ((fs.statSync(at).mode & 0o001) === 0) {
      throw new Error(`${at} is not traversable by uid ${NOBODY}: point TMPDIR at a folder every user can enter (e.g. /tmp)`);
    }
    if (at === path.dirname(at)) return;
  }
}

/** Folders of the packages the code needs at run time: package.json's dependencies and theirs, resolved as Node does. */
function runtimePackageDirs(): string[] {
  const found = new Set<string>();
  const visit = (fromDir: string, manifest: PackageManifest) => {
    for (const name of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})]) {
      const dir = resolvePackage(fromDir, name);
      if (dir === undefined || found.has(dir)) continue; // an optional dependency for another platform is absent
      found.add(dir);
      visit(dir, readManifest(dir));
    }
  };
  visit(repoRoot, readManifest(repoRoot));
  return [...found];
}

interface PackageManifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readManifest(dir: string): PackageManifest {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageManifest;
}

function resolvePackage(fromDir: string, name: string): string | undefined {
  for (let at = fromDir; at.startsWith(repoRoot); at = path.dirname(at)) {
    const candidate = path.join(at, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (at === repoRoot) break;
  }
  return undefined;
}

/** onnxruntime-node ships every platform's runtime (~290 MB); the child needs only this one's. */
function foreignRuntime(source: string): boolean {
  const bins = path.join(repoRoot, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
  const relative = path.relative(bins, source);
  if (relative.startsWith('..') || relative === '') return false;
  const [platform, arch] = relative.split(path.sep);
  return platform !== process.platform || (arch !== undefined && arch !== process.arch);
}

function mirror(source: string, target: string): void {
  if (foreignRuntime(source)) return;
  const stat = fs.lstatSync(source);
  if (stat.isDirectory()) {
    fs.mkdirSync(target, { recursive: true, mode: 0o755 });
    fs.chmodSync(target, 0o755);
    for (const entry of fs.readdirSync(source)) mirror(path.join(source, entry), path.join(target, entry));
  } else if (stat.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(source), target);
  } else if (stat.isFile()) {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    if ((stat.mode & 0o004) !== 0 && tryLink(source, target)) return;
    fs.copyFileSync(source, target);
    fs.chmodSync(target, stat.mode & 0o111 ? 0o755 : 0o644);
  }
}

function tryLink(source: string, target: string): boolean {
  try {
    fs.linkSync(source, target);
    return true;
  } catch {
    return false; // another file system, or hard links not allowed here: copy instead
  }
}
