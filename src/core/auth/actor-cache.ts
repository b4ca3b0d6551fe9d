import { Actor } from './actor';

export interface ActorCacheOptions {
  /** How long a verified key is trusted before it is looked up again. */
  ttlMs: number;
  /** How long an unknown or revoked token is remembered as such. */
  negativeTtlMs: number;
  /** After a failed refresh, how long the last known answer serves before the next try. */
  retryMs: number;
  /** Entries per map; the oldest goes first. */
  maxEntries: number;
  /** When a look-up finishes; callers pass the time they started with. */
  clock?: () => number;
}

interface Known {
  actor: Actor;
  /** Until then the actor is served without a look-up. */
  freshUntil: number;
}

/**
 * What each token hash stands for, kept so that evaluation never waits on the database:
 *
 * - a verified key is served from memory; once its TTL passes it is still served while one
 *   look-up in the background checks it again. So a database outage changes nothing for a
 *   key that was valid, and no request ever waits for a refresh;
 * - a revoked key is dropped as soon as this process hears of it (revoke(), called for the
 *   pub/sub event too) or a refresh finds it gone, and is then refused without a look-up;
 * - an unknown token is remembered briefly, so a client repeating a bad token costs one
 *   look-up, not one per request;
 * - concurrent misses for one token share one look-up.
 *
 * Verified keys and unknown tokens live in separate maps, so a flood of random tokens
 * cannot push valid keys out.
 */
export class ActorCache {
  private readonly known = new Map<string, Known>();
  private readonly unknown = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<Actor | null>>();

  constructor(
    private readonly lookup: (tokenHash: string) => Promise<Actor | null>,
    private readonly options: ActorCacheOptions,
  ) {}

  /**
   * The actor last verified for this hash, fresh or not; undefined when none is known.
   * Synchronous and allocation-free while fresh: this is every evaluation's path.
   */
  peek(tokenHash: string, now: number): Actor | undefined {
    const entry = this.known.get(tokenHash);
    if (entry === undefined) return undefined;
    if (entry.freshUntil <= now) this.refresh(tokenHash, entry, now);
    return entry.actor;
  }

  /** For a hash peek() did not know: null when unknown or revoked. Throws what the look-up throws. */
  resolve(tokenHash: string, now: number): Promise<Actor | null> {
    const until = this.unknown.get(tokenHash);
    if (until !== undefined) {
      if (until > now) return Promise.resolve(null);
      this.unknown.delete(tokenHash);
    }
    return this.lookupOnce(tokenHash);
  }

  /** Forgets a key at once: it is refused from now on, database or not. */
  revoke(tokenHash: string, now: number): void {
    this.known.delete(tokenHash);
    this.remember(this.unknown, tokenHash, now + this.options.negativeTtlMs);
  }

  private refresh(tokenHash: string, entry: Known, now: number): void {
    // Later requests keep being served from this entry without starting another look-up.
    entry.freshUntil = now + this.options.retryMs;
    this.lookupOnce(tokenHash).catch(() => undefined);
  }

  private lookupOnce(tokenHash: string): Promise<Actor | null> {
    const pending = this.inFlight.get(tokenHash);
    if (pending) return pending;
    const started = this.lookup(tokenHash).then(
      (actor) => {
        this.inFlight.delete(tokenHash);
        return this.store(tokenHash, actor, (this.options.clock ?? Date.now)());
      },
      (error: unknown) => {
        this.inFlight.delete(tokenHash);
        throw error;
      },
    );
    this.inFlight.set(tokenHash, started);
    return started;
  }

  private store(tokenHash: string, actor: Actor | null, now: number): Actor | null {
    // Only revoke() adds a hash with a look-up under way: the revocation is the newer news.
    if (actor && this.unknown.has(tokenHash)) return null;
    if (actor) {
      const entry = this.known.get(tokenHash);
      if (entry) {
        entry.actor = actor;
        entry.freshUntil = now + this.options.ttlMs;
      } else {
        this.remember(this.known, tokenHash, { actor, freshUntil: now + this.options.ttlMs });
      }
    } else {
      this.revoke(tokenHash, now);
    }
    return actor;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (!map.has(key) && map.size >= this.options.maxEntries) {
      map.delete(map.keys().next().value!);
    }
    map.set(key, value);
  }
}
