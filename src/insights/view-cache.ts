import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AccessService } from 'src/access/access.service';
import { Principal } from 'src/access/principal';
import { keepJsonText } from 'src/common/kept-json';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { ReadReplica } from 'src/database/read-replica';
import { viewCountersOfRequest } from 'src/database/view-counters';
import { InsightsRepository } from 'src/insights/insights.repository';

/** A computed view and the region whose summaries and definitions it was computed from. */
export interface ComputedView<T> {
  value: T;
  regionId: string;
}

interface Entry {
  value: unknown;
  today: string;
  globalVersion: string | undefined;
  regionId: string;
  regionVersion: string | undefined;
  bytes: number;
}

/** Sorted keys, undefined left out: one key for every spelling of the same query. */
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, item]) => [key, canonical(item)]),
    );
  }
  return value;
};

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
};

/**
 * Views are pure functions of the summaries, the definition sets and the code lists, and are
 * read far more often than those change. A computed view is kept per tenant and query, and
 * served while the counters that database triggers raise on every change of its inputs are the
 * ones it was computed with (one small read per request). The counters commit with the data, and
 * are read before the view is computed, so a kept view is never older than the counters say.
 * Each API replica keeps its own cache; the counters live in the database they share.
 *
 * With a read replica (DATABASE_READ_URL) the same counters, read on the primary, decide whether
 * a view may be computed on the replica: only when the replica's snapshot has at least those
 * counters for the global scope and the view's region, so a view is never older than what the
 * primary held when the request came in (a kept view is labelled with the primary's counters,
 * and the view computed on the replica is at least that new).
 */
@Injectable()
export class ViewCache {
  private readonly entries: LRUCache<string, Entry> | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: InsightsRepository,
    private readonly access: AccessService,
    private readonly replica: ReadReplica,
  ) {
    this.entries = config.viewCacheMb > 0 ? new LRUCache<string, Entry>({ maxSize: config.viewCacheMb * 1024 * 1024, sizeCalculation: (entry) => entry.bytes }) : null;
  }

  /** The view for this tenant and query: kept, or computed now. Failures are never kept. */
  async remember<T>(view: string, auth: Principal, query: object, compute: () => Promise<ComputedView<T>>): Promise<T> {
    if (!this.entries && !this.replica.enabled) return (await compute()).value;
    // Read by the guard with the caller's client when it could (src/database/view-counters.ts).
    const { today, versions } = viewCountersOfRequest() ?? (await this.repository.viewVersions());
    const computeFresh = (): Promise<ComputedView<T>> => this.replica.read(compute, (manager, computed) => this.repository.hasVersions(manager, versions, computed.regionId));
    if (!this.entries) return (await computeFresh()).value;
    // Per tenant, never per client: the output depends on whose data it is.
    const key = JSON.stringify([view, this.access.tenantKey(auth), canonical(query)]);
    const kept = this.entries.get(key);
    if (kept && kept.today === today && kept.globalVersion === versions.get('global') && kept.regionVersion === versions.get(kept.regionId)) {
      return kept.value as T;
    }
    const computed = await computeFresh();
    // Frozen: every later request shares this object, so nothing may change it on the way out;
    // its JSON text is made once here and sent as it is (src/common/kept-json.ts).
    const value = deepFreeze(computed.value);
    const text = keepJsonText(value);
    // The object (about twice its text) and the text itself.
    const bytes = 2 * key.length + 3 * text.length;
    this.entries.set(key, { value, today, globalVersion: versions.get('global'), regionId: computed.regionId, regionVersion: versions.get(computed.regionId), bytes });
    return value;
  }
}
