/**
 * Whether a command line runs models in this process: `upscale` (unless its files go to a queue) and `worker`. Read
 * from the raw arguments, before commander and the commands' modules load, so that the inference worker thread can
 * start first (main.ts). A wrong guess costs little either way: a spare worker nobody takes lets the process exit as
 * soon as its runtime is loaded, and a command that needs one and was not guessed starts it itself.
 */
export function runsModelsHere(args: readonly string[]): boolean {
  // The command is the first word that is not an option; the program's own options (--verbose) take no value.
  const command = args.find((arg) => !arg.startsWith('-'));
  if (args.some((arg) => arg === '--help' || arg === '-h' || arg === 'help')) return false;
  if (command === 'worker') return true;
  return command === 'upscale' && !args.some((arg) => arg === '--queue' || arg.startsWith('--queue='));
}
