/**
 * Waits until `condition` holds, polling every `everyMs`; fails after `timeoutMs` (bounded: the
 * machine may be busy with other tests).
 */
export async function until(condition: () => boolean, { timeoutMs = 5_000, everyMs = 2 }: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
