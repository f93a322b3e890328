/** Timestamps are ISO-8601 UTC with milliseconds, so they sort as text and parse everywhere. */
export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * Whether another live process on this machine owns a record. Our own pid counts as "not another owner": the
 * caller is cleaning up at start-up, so anything recorded under our pid is stale from a simulated or earlier crash.
 */
export function isOtherProcessAlive(pid: number | null): boolean {
  if (pid === null || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
