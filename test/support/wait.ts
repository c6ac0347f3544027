/**
 * Waiting for something to become true in another process (a file, a store row, a log
 * line) that sends no event we can subscribe to: re-check until it holds. The timeout is
 * only a failure guard (it says what never came); nothing is decided by the clock.
 */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}

/** Whether a process exists (signal 0): for processes a test did not start and cannot wait() on. */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
