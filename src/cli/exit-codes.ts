/** What `srstudio` exits with; `--help` prints this table, docs/troubleshooting.md explains each. */
export const EXIT = {
  /** Everything asked for was done (or, for `doctor`, every check passed). */
  OK: 0,
  /** The command ran, but some of its work failed: files that could not be upscaled, a `doctor` check that found a problem. */
  SOME_FAILED: 1,
  /** The command could not run: a bad argument, a missing model, an unusable store or queue. Nothing was done. */
  COULD_NOT_RUN: 2,
  /** Stopped by Ctrl-C (SIGINT); what was finished is kept and `--resume` continues. */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM, likewise. */
  TERMINATED: 143,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    done: every file, image or check was fine
  1    the command ran, but some of its work failed (files that could not be upscaled,
       a doctor check that found a problem); the rest was done
  2    the command could not run (bad arguments, a missing model, an unusable store or
       queue): nothing was done
  130  stopped by Ctrl-C (143: by SIGTERM); finished work is kept, --resume continues
See docs/troubleshooting.md for common errors and their fixes.`;
