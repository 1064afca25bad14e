/** A queue's settings after Navidrome's defaults and clamps. */
export interface QueueConfig {
  concurrency: number;
  maxRetries: number;
  backoffMs: number;
  delayMs: number;
  retentionMs: number;
}

const MIN_RETENTION_MS = 60_000;
const MAX_RETENTION_MS = 604_800_000;
/** The longest wait before a retry. */
export const MAX_BACKOFF_MS = 3_600_000;

const positive = (value: number | undefined, fallback: number) =>
  value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;

/** Zero or negative fields take the defaults (concurrency 1, backoff 1 s, retention 1 h; no retries, no delay). */
export function queueConfig(requested: Partial<QueueConfig> = {}): QueueConfig {
  const retentionMs = positive(requested.retentionMs, 3_600_000);
  return {
    concurrency: positive(requested.concurrency, 1),
    maxRetries: positive(requested.maxRetries, 0),
    backoffMs: positive(requested.backoffMs, 1000),
    delayMs: positive(requested.delayMs, 0),
    retentionMs: Math.min(Math.max(retentionMs, MIN_RETENTION_MS), MAX_RETENTION_MS),
  };
}

/** Wait before the run after `attempt` (1-based) failed: backoff·2^(attempt-1), at most an hour. */
export function retryDelayMs(config: QueueConfig, attempt: number): number {
  return Math.min(config.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}
