import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan, Repository } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { grantsAny, Role } from '../../core/auth/role';
import { generateToken, hashToken, tokenDisplayPrefix } from '../../core/auth/token.util';
import { AppConfig } from '../../core/config/app-config';
import { AppError } from '../../core/errors/app-error';
import {
  Connection,
  decodeCursor,
  isInstant,
  PageArgs,
  toConnection,
} from '../../core/graphql/pagination';
import { EnvironmentsService } from '../environments/environments.service';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKey } from './api-key.entity';
import { keyGrantRefusal, seesKeyOf } from './api-key-scope.util';
import { CreateApiKeyInput, SetApiKeyOwnerInput } from './dto/api-key.inputs';
import { Person, personOf } from './person';

/** Serialises bootstrap across instances starting together. */
const BOOTSTRAP_LOCK_ID = 7_340_001;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    @InjectRepository(ApiKey) private readonly apiKeys: Repository<ApiKey>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly environments: EnvironmentsService,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly config: AppConfig,
  ) {}

  /** A new key, never beyond the creator's environment scope or roles. */
  async create(actor: Actor, input: CreateApiKeyInput): Promise<{ apiKey: ApiKey; token: string }> {
    const environment = input.environment
      ? await this.environments.getForActor(actor, input.environment)
      : null;
    const refusal = keyGrantRefusal(actor, {
      environmentId: environment?.id ?? null,
      roles: input.roles,
    });
    if (refusal) throw AppError.forbidden(refusal, { roles: input.roles });
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

  /** Revokes a key the actor sees: any key, or one of its environment for a scoped actor. */
  async revoke(actor: Actor, id: string): Promise<ApiKey> {
    const key = await this.apiKeys.findOneBy({ id });
    if (!key) throw AppError.notFound('API key', { id });
    if (!seesKeyOf(actor, key.environmentId)) {
      throw AppError.forbidden(
        'A key scoped to one environment revokes only keys of that environment',
        { id },
      );
    }
    if (!key.revokedAt) {
      await this.apiKeys.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
      await this.authenticator.revoked(key.tokenHash);
    }
    return this.getById(id);
  }

  /** Sets or clears who a key belongs to; the same visibility rule as revoking it. */
  async setOwner(actor: Actor, input: SetApiKeyOwnerInput): Promise<ApiKey> {
    const key = await this.apiKeys.findOneBy({ id: input.id });
    if (!key) throw AppError.notFound('API key', { id: input.id });
    if (!seesKeyOf(actor, key.environmentId)) {
      throw AppError.forbidden(
        'A key scoped to one environment sets owners only of keys of that environment',
        { id: input.id },
      );
    }
    await this.apiKeys.update(
      { id: input.id },
      {
        ownerName: input.owner?.name.trim() ?? null,
        ownerEmail: input.owner?.email.trim().toLowerCase() ?? null,
      },
    );
    return this.getById(input.id);
  }

  /** The person behind each of these keys (revoked ones included), by key id. */
  async people(ids: readonly string[]): Promise<Map<string, Person>> {
    if (ids.length === 0) return new Map();
    const keys = await this.apiKeys.findBy({ id: In([...new Set(ids)]) });
    return new Map(keys.map((key) => [key.id, personOf(key)]));
  }

  /** The person behind a key; NOT_FOUND when the key is gone. */
  async personOf(id: string): Promise<Person> {
    const person = (await this.people([id])).get(id);
    if (!person) throw AppError.notFound('API key', { id });
    return person;
  }

  /**
   * Keys not revoked that may act in the environment (unscoped, or scoped to it), optionally
   * only those holding a role that grants one of `roles`.
   */
  async activeIn(environmentId: string, roles?: readonly Role[]): Promise<ApiKey[]> {
    const keys = await this.apiKeys
      .createQueryBuilder('k')
      .where('k.revoked_at IS NULL')
      .andWhere('(k.environment_id IS NULL OR k.environment_id = :environmentId)', {
        environmentId,
      })
      .orderBy('k.created_at', 'ASC')
      .getMany();
    return roles ? keys.filter((key) => grantsAny(key.roles, roles)) : keys;
  }

  /** The keys with these ids (revoked ones included). */
  findByIds(ids: readonly string[]): Promise<ApiKey[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.apiKeys.findBy({ id: In([...ids]) });
  }

  async getById(id: string): Promise<ApiKey> {
    const key = await this.apiKeys.findOne({ where: { id }, relations: { environment: true } });
    if (!key) throw AppError.notFound('API key', { id });
    return key;
  }

  /** Newest first: every key, or the keys of its environment for a scoped actor. */
  async list(actor: Actor, page: PageArgs): Promise<Connection<ApiKey>> {
    const after = decodeCursor(page.after, isInstant);
    const query = this.apiKeys
      .createQueryBuilder('k')
      .leftJoinAndSelect('k.environment', 'environment')
      .orderBy('k.created_at', 'DESC')
      .addOrderBy('k.id', 'DESC')
      .limit(page.first + 1);
    if (actor.environmentId) {
      query.andWhere('k.environment_id = :environmentId', { environmentId: actor.environmentId });
    }
    if (after) {
      query.andWhere('(k.created_at, k.id) < (:sort::timestamptz, :id::uuid)', after);
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
