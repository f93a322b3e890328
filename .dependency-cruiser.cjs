/**
 * The layering of src/, checked by `npm run check:deps` and by test/architecture/dependency-rules.test.ts (part of
 * `npm test`). From the bottom up: shared (the typed contract) ← engine ← engine-host, cli, server ← main; preload
 * and the renderer talk to the rest only through the contract. An arrow that points up the stack, or a circle, fails.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'engine-stays-below-its-hosts',
      comment:
        'The engine is used by the CLI, the engine host, the web bridge and the desktop app; it must not know any of them. Move what both need down into src/engine (or src/shared).',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/(cli|server|main|preload|renderer|engine-host)/' },
    },
    {
      name: 'renderer-only-through-the-contract',
      comment:
        'The renderer runs in a browser page (Electron or `srstudio serve`): it may import its own files, src/shared (the typed contract) and npm packages, never Node built-ins or the processes behind the contract.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { pathNot: ['^src/renderer/', '^src/shared/', '^node_modules/'] },
    },
    {
      name: 'shared-is-the-bottom',
      comment: 'src/shared is imported by every process, the renderer included: it may import only itself and npm packages (zod).',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { pathNot: ['^src/shared/', '^node_modules/'] },
    },
    {
      name: 'no-circular',
      comment: 'Import circles make load order matter and tie files that should stand alone; move what both need into a file of its own.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'resolvable',
      comment: 'An import the checker cannot resolve is one it cannot judge either.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a circle of types still ties the files together.
    tsPreCompilationDeps: true,
    // Resolve packages through their `exports`, as Node, Vite and Svelte do (svelte/internal/* exists only there).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'svelte', 'types'],
    },
  },
};
