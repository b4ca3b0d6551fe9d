import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan, Repository } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { Authenticator } from '../../core/auth/authenticator';
import { Role } from '../../core/auth/role';
import {
  generateToken,
  hashToken,
  isWellFormedToken,
  tokenDisplayPrefix,
} from '../../core/auth/token.util';
import { AppConfig } from '../../core/config/app-config';
import { AppError } from '../../core/errors/app-error';
import { Connection, decodeCursor, PageArgs, toConnection } from '../../core/graphql/pagination';
import { PubSub } from '../../core/pubsub/pub-sub';
import { EnvironmentsService } from '../environments/environments.service';
import { ApiKey } from './api-key.entity';
import { CreateApiKeyInput } from './dto/api-key.inputs';

/** How long a resolved token is trusted before the database is asked again. */
const AUTH_CACHE_TTL_MS = 10_000;
const AUTH_CACHE_MAX = 10_000;
/** last_used_at is a hint, not an audit trail: write it at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;
const REVOKED_CHANNEL = 'api-keys.revoked';
/** Serialises bootstrap across instances starting together. */
const BOOTSTRAP_LOCK_ID = 7_340_001;

interface CachedActor {
  actor: Actor | null;
  expiresAt: number;
}

@Injectable()
export class ApiKeysService implements Authenticator, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly cache = new Map<string, CachedActor>();
  private readonly lastUsedWrites = new Map<string, number>();
  private readonly pendingWrites = new Set<Promise<unknown>>();
  private unsubscribe?: () => Promise<void>;

  constructor(
    @InjectRepository(ApiKey) private readonly apiKeys: Repository<ApiKey>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
    private readonly pubSub: PubSub,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // Every instance drops a revoked key from its cache at once, not after the TTL.
    this.unsubscribe = await this.pubSub.subscribe(REVOKED_CHANNEL, (message: unknown) => {
      const { tokenHash } = message as { tokenHash: string };
      this.cache.delete(tokenHash);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
    await Promise.allSettled([...this.pendingWrites]);
  }

  /** The actor a bearer token stands for; UNAUTHENTICATED for anything else. */
  async authenticate(token: string | undefined): Promise<Actor> {
    if (token === undefined) throw AppError.unauthenticated();
    if (!isWellFormedToken(token)) throw AppError.unauthenticated('Malformed API token');
    const tokenHash = hashToken(token);
    const now = Date.now();
    let cached = this.cache.get(tokenHash);
    if (!cached || cached.expiresAt <= now) {
      const key = await this.apiKeys.findOneBy({ tokenHash });
      const actor = key && !key.revokedAt ? toActor(key) : null;
      cached = { actor, expiresAt: now + AUTH_CACHE_TTL_MS };
      if (this.cache.size >= AUTH_CACHE_MAX) this.cache.clear();
      this.cache.set(tokenHash, cached);
    }
    if (!cached.actor) throw AppError.unauthenticated('Unknown or revoked API token');
    this.touch(cached.actor.id, now);
    return cached.actor;
  }

  async create(actor: Actor, input: CreateApiKeyInput): Promise<{ apiKey: ApiKey; token: string }> {
    const environment = input.environment
      ? await this.environments.getForActor(actor, input.environment)
      : null;
    if (!environment && input.roles.includes(Role.SDK)) {
      throw AppError.badInput('An sdk key needs an environment', [
        {
          path: 'input.environment',
          rule: 'required',
          message: 'sdk keys must name their environment',
        },
      ]);
    }
    const token = generateToken();
    const saved = await this.apiKeys.save(
      this.apiKeys.create({
        name: input.name,
        roles: input.roles,
        tokenHash: hashToken(token),
        tokenPrefix: tokenDisplayPrefix(token),
        environmentId: environment?.id ?? null,
        createdById: actor.id,
      }),
    );
    return { apiKey: await this.getById(saved.id), token };
  }

  async revoke(id: string): Promise<ApiKey> {
    const key = await this.apiKeys.findOneBy({ id });
    if (!key) throw AppError.notFound('API key', { id });
    if (!key.revokedAt) {
      await this.apiKeys.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
      this.cache.delete(key.tokenHash);
      // Best effort: with Redis down, other instances drop the key when their cache expires.
      await this.pubSub.tryPublish(REVOKED_CHANNEL, { tokenHash: key.tokenHash });
    }
    return this.getById(id);
  }

  async getById(id: string): Promise<ApiKey> {
    const key = await this.apiKeys.findOne({ where: { id }, relations: { environment: true } });
    if (!key) throw AppError.notFound('API key', { id });
    return key;
  }

  /** Newest first. */
  async list(page: PageArgs): Promise<Connection<ApiKey>> {
    const after = decodeCursor(page.after);
    const query = this.apiKeys
      .createQueryBuilder('k')
      .leftJoinAndSelect('k.environment', 'environment')
      .orderBy('k.created_at', 'DESC')
      .addOrderBy('k.id', 'DESC')
      .limit(page.first + 1);
    if (after) {
      query.where('(k.created_at, k.id) < (:sort::timestamptz, :id::uuid)', after);
    }
    const rows = await query.getMany();
    return toConnection(rows, page.first, (k) => ({ sort: k.createdAt.toISOString(), id: k.id }));
  }

  /**
   * Makes sure an admin can get in. With ADMIN_TOKEN, that token is a key (and a previous
   * ADMIN_TOKEN's key is revoked); without it, a first start with no admin key generates
   * one and returns its token so the caller can print it once.
   */
  async bootstrap(): Promise<{ generatedToken?: string }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_ID]);
      const repo = manager.getRepository(ApiKey);
      const adminToken = this.config.ADMIN_TOKEN;
      if (adminToken) {
        const tokenHash = hashToken(adminToken);
        await repo
          .createQueryBuilder()
          .update()
          .set({ revokedAt: () => 'now()' })
          .where("kind = 'bootstrap' AND revoked_at IS NULL AND token_hash <> :tokenHash", {
            tokenHash,
          })
          .execute();
        const existing = await repo.findOneBy({ tokenHash });
        if (!existing) {
          await repo.insert(bootstrapKey('bootstrap admin (ADMIN_TOKEN)', adminToken));
        } else if (existing.revokedAt) {
          this.logger.warn(
            'ADMIN_TOKEN belongs to a revoked key; it stays revoked. Set a new ADMIN_TOKEN.',
          );
        }
        return {};
      }
      const admins = await repo
        .createQueryBuilder('k')
        .where('k.revoked_at IS NULL AND :role = ANY(k.roles)', { role: Role.ADMIN })
        .getCount();
      if (admins > 0) return {};
      const token = generateToken();
      await repo.insert(bootstrapKey('bootstrap admin (generated)', token));
      return { generatedToken: token };
    });
  }

  /** Deletes keys revoked before the cut-off; returns how many. */
  async pruneRevoked(revokedBefore: Date): Promise<number> {
    const result = await this.apiKeys.delete({ revokedAt: LessThan(revokedBefore) });
    return result.affected ?? 0;
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

function bootstrapKey(name: string, token: string): Partial<ApiKey> {
  return {
    name,
    kind: 'bootstrap',
    roles: [Role.ADMIN],
    tokenHash: hashToken(token),
    tokenPrefix: tokenDisplayPrefix(token),
    environmentId: null,
  };
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
