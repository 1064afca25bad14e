import type { BeforeFire } from "../options.js";
import { pluginKeyPrefix } from "./redis-keys.js";
import type { StoreBackend } from "./store-backend.js";

/** A claim is kept at least this long, so a host whose clock lags by up to a minute still sees it. */
const MIN_CLAIM_MS = 60_000;

/**
 * Whether this host fires the tick of `scheduleId` planned for `nominalFireTimeMs`: on a shared
 * store only the first host to ask wins, so a schedule fires once per cluster; alone, always.
 * The claim lives for `periodMs` (at least a minute); each tick has its own claim.
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

/** The scheduler's beforeFire hook for a shared store (undefined otherwise): each run fires on one host. */
export function clusterScheduleGate(store: StoreBackend): BeforeFire | undefined {
  if (!store.shared) return undefined;
  return (scheduleId, nominalFireTimeMs, pluginId) => claimScheduleTick(store, pluginId, scheduleId, nominalFireTimeMs, 0);
}
