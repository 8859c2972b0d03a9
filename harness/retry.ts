/** Retries for an orchestrator that keeps talking to servers it kills on purpose. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `fn` until it succeeds or `timeoutMs` passes (then rethrows the last error). */
export async function retryUntil<T>(what: string, fn: () => Promise<T>, options: { timeoutMs: number; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() + (options.intervalMs ?? 500) > deadline) {
        throw new Error(`${what} kept failing for ${options.timeoutMs} ms (${attempt} attempts): ${(error as Error).message}`, { cause: error });
      }
      await sleep(Math.min(options.intervalMs ?? 500, 100 * attempt));
    }
  }
}

/** Polls `probe` until it returns a value that is not undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, options: { timeoutMs: number; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    await sleep(options.intervalMs ?? 250);
  }
}
