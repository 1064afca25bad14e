import { pluginKeyPrefix } from "./redis-keys.js";
import type { StoreBackend } from "./store-backend.js";

/** A claim outlives clock skew between hosts by at least this much. */
const MIN_CLAIM_MS = 1000;

/**
 * Whether this host fires the tick of `scheduleId` planned for `nominalFireTimeMs`: on a shared
 * store only the first host to ask wins, so a schedule fires once per cluster; alone, always.
 */
export async function claimScheduleTick(
  store: StoreBackend,
  pluginId: string,
  scheduleId: string,
  nominalFireTimeMs: number,
  periodMs: number,
): Promise<boolean> {
  if (!store.shared) return true;
  const key = `${pluginKeyPrefix(pluginId)}tick:${encodeURIComponent(scheduleId)}:${nominalFireTimeMs}`;
  return store.claimOnce(key, Math.max(periodMs, MIN_CLAIM_MS));
}
