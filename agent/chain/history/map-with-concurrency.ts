/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight, keeping the input order: reading
 * thousands of rounds one request at a time would take minutes on a remote RPC.
 *
 * @example
 * const rounds = await mapWithConcurrency(ids, 8, (id) => readRound(id));
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
