/** Retry timing of failed deliveries (docs/topics.md): doubling from `baseMs`, capped at `maxMs`. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** A delivery still failing this long after its message was published is dropped. */
  retentionMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseMs: 1000, maxMs: 30_000, retentionMs: 4 * 24 * 3600 * 1000 };

/** Delay before the next attempt, after `failures` failed ones (1 → baseMs, 2 → 2×baseMs, …). */
export function retryDelay(policy: RetryPolicy, failures: number): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
}
