import type { Command } from 'commander';

/** Each command lives in its own file and registers itself here; the order is the order of `--help`. */
export function registerCommands(program: Command): void {
  void program;
}
