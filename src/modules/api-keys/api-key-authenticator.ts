import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { ActorCache } from '../../core/auth/actor-cache';
import { AuthFailureLimiter } from '../../core/auth/auth-failure-limiter';
import { Authenticator, clientAddress, ClientOrigin } from '../../core/auth/authenticator';
import { hashToken, isWellFormedToken } from '../../core/auth/token.util';
import { AppConfig } from '../../core/config/app-config';
import { AppError } from '../../core/errors/app-error';
import { PubSub } from '../../core/pubsub/pub-sub';
import { ApiKey } from './api-key.entity';

const CACHE_MAX = 10_000;
const LIMITER_MAX_CLIENTS = 100_000;
/** While the database is unreachable, a stale key is re-checked at most this often. */
const REFRESH_RETRY_MS = 1000;
/** last_used_at is a hint, not an audit trail: write it at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;
const REVOKED_CHANNEL = 'api-keys.revoked';

/**
 * Bearer tokens to actors, for every request and websocket connection. Verified keys are
 * served from memory (see ActorCache), so evaluation goes on through a database outage;
 * revocations reach every instance through pub/sub; failed attempts are throttled per
 * client address before they can cost a look-up.
 */
@Injectable()
export class ApiKeyAuthenticator extends Authenticator implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  private readonly cache: ActorCache;
  private readonly limiter: AuthFailureLimiter;
  private readonly lastUsedWrites = new Map<string, number>();
  private readonly pendingWrites = new Set<Promise<unknown>>();
  private unsubscribe?: () => Promise<void>;
  private destroyed = false;

  constructor(
    @InjectRepository(ApiKey) private readonly apiKeys: Repository<ApiKey>,
    private readonly pubSub: PubSub,
    config: AppConfig,
  ) {
    super();
    this.cache = new ActorCache((tokenHash) => this.lookup(tokenHash), {
      ttlMs: config.AUTH_CACHE_TTL_MS,
      negativeTtlMs: config.AUTH_NEGATIVE_CACHE_TTL_MS,
      retryMs: Math.min(REFRESH_RETRY_MS, config.AUTH_CACHE_TTL_MS),
      maxEntries: CACHE_MAX,
    });
    this.limiter = new AuthFailureLimiter({
      limit: config.AUTH_FAILURE_LIMIT,
      windowMs: config.AUTH_FAILURE_WINDOW_MS,
      maxClients: LIMITER_MAX_CLIENTS,
    });
  }

  /**
   * Every instance refuses a revoked key at once, not after the TTL. Start-up does not wait
   * for the SUBSCRIBE, which with Redis down waits for it to return; until then a revocation
   * made elsewhere is caught when the key's cache entry is next checked against the database.
   */
  onModuleInit(): void {
    void this.pubSub
      .subscribe(REVOKED_CHANNEL, (message: unknown) => {
        const { tokenHash } = message as { tokenHash: string };
        this.cache.revoke(tokenHash, Date.now());
      })
      .then(
        (unsubscribe) => {
          // After shutdown began, closing the connection ends the subscription anyway.
          if (!this.destroyed) this.unsubscribe = unsubscribe;
        },
        (error: unknown) => {
          // Only once the connection is closed for good (shutdown).
          if (!this.destroyed) this.logger.warn({ err: error }, 'Revocation channel failed');
        },
      );
  }

  async onModuleDestroy(): Promise<void> {
    this.destroyed = true;
    await this.unsubscribe?.();
    await Promise.allSettled([...this.pendingWrites]);
  }

  async authenticate(token: string | undefined, origin?: ClientOrigin): Promise<Actor> {
    const now = Date.now();
    if (token !== undefined && isWellFormedToken(token)) {
      const tokenHash = hashToken(token);
      const cached = this.cache.peek(tokenHash, now);
      if (cached) {
        this.touch(cached.id, now);
        return cached;
      }
      const client = clientAddress(origin);
      this.limiter.assertAllowed(client, now);
      const actor = await this.cache.resolve(tokenHash, now);
      if (actor) {
        this.touch(actor.id, now);
        return actor;
      }
      this.limiter.recordFailure(client, now);
      throw AppError.unauthenticated('Unknown or revoked API token');
    }
    const client = clientAddress(origin);
    this.limiter.assertAllowed(client, now);
    this.limiter.recordFailure(client, now);
    throw token === undefined
      ? AppError.unauthenticated()
      : AppError.unauthenticated('Malformed API token');
  }

  /**
   * Refuses the key here at once and tells the other instances, best effort: with Redis
   * down, they refuse it at their next background re-check of the key in the database.
   */
  async revoked(tokenHash: string): Promise<void> {
    this.cache.revoke(tokenHash, Date.now());
    await this.pubSub.tryPublish(REVOKED_CHANNEL, { tokenHash });
  }

  private async lookup(tokenHash: string): Promise<Actor | null> {
    const key = await this.apiKeys.findOneBy({ tokenHash });
    return key && !key.revokedAt ? toActor(key) : null;
  }

  private touch(id: string, now: number): void {
    const last = this.lastUsedWrites.get(id) ?? 0;
    if (now - last < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWrites.set(id, now);
    const write = this.apiKeys
      .update({ id }, { lastUsedAt: () => 'now()' })
      .catch((error: unknown) =>
        this.logger.warn(`Could not record last use of key ${id}: ${String(error)}`),
      )
      .finally(() => this.pendingWrites.delete(write));
    this.pendingWrites.add(write);
  }
}

function toActor(key: ApiKey): Actor {
  return {
    kind: 'api_key',
    id: key.id,
    name: key.name,
    roles: key.roles,
    environmentId: key.environmentId,
  };
}
