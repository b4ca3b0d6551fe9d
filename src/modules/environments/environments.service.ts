import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { isUniqueViolation } from '../../core/database/database-errors';
import { AppError } from '../../core/errors/app-error';
import { clipped } from '../../core/graphql/input-checks';
import { PubSub } from '../../core/pubsub/pub-sub';
import { ENVIRONMENT_CHANGED_CHANNEL, EnvironmentChangedMessage } from './environment-events';
import { Environment } from './environment.entity';
import {
  CreateEnvironmentInput,
  ENVIRONMENT_KEY_PATTERN,
  UpdateEnvironmentInput,
} from './dto/environment.inputs';

/** What hot paths need of an environment; both never change once it exists. */
export interface EnvironmentIdentity {
  id: string;
  key: string;
}

@Injectable()
export class EnvironmentsService {
  private readonly identities = new Map<string, EnvironmentIdentity>();

  constructor(
    @InjectRepository(Environment) private readonly environments: Repository<Environment>,
    private readonly pubSub: PubSub,
  ) {}

  /** Environments the actor may see: all, or its one environment for a scoped key. */
  list(actor: Actor): Promise<Environment[]> {
    return this.environments.find({
      where: actor.environmentId ? { id: actor.environmentId } : {},
      order: { key: 'ASC' },
    });
  }

  /** The environment named by `key`, checked against the actor's environment scope. */
  async getForActor(actor: Actor, key: string): Promise<Environment> {
    // A key no environment can have (from a query string or header) never reaches the database.
    const environment = ENVIRONMENT_KEY_PATTERN.test(key)
      ? await this.environments.findOneBy({ key })
      : null;
    if (!environment) {
      // The key may come from a header or a query string of any length.
      const shown = clipped(key);
      throw AppError.notFound(`Environment "${shown}"`, { key: shown });
    }
    assertEnvironmentScope(actor, environment);
    this.identities.set(key, { id: environment.id, key });
    return environment;
  }

  /**
   * Like getForActor, for hot paths that need only the id: keys never change and
   * environments are never deleted, so the identity is cached after the first lookup.
   */
  async resolveForActor(actor: Actor, key: string): Promise<EnvironmentIdentity> {
    const identity = this.identities.get(key) ?? (await this.getForActor(actor, key));
    assertEnvironmentScope(actor, identity);
    return identity;
  }

  async findByKey(key: string): Promise<Environment | null> {
    return this.environments.findOneBy({ key });
  }

  /** The revision and hash chain head the environment records, for verifying its history. */
  async chainHeadOf(id: string): Promise<{ revision: number; hash: string | null }> {
    const environment = await this.environments
      .createQueryBuilder('e')
      .addSelect('e.chainHead')
      .where('e.id = :id', { id })
      .getOne();
    if (!environment) throw AppError.notFound('Environment', { id });
    return { revision: environment.revision, hash: environment.chainHead };
  }

  /** Every environment, for work that spans them all (not for callers: see list). */
  all(): Promise<Environment[]> {
    return this.environments.find({ order: { key: 'ASC' } });
  }

  async findById(id: string): Promise<Environment | null> {
    return this.environments.findOneBy({ id });
  }

  async create(actor: Actor, input: CreateEnvironmentInput): Promise<Environment> {
    assertUnscoped(actor, 'create environments');
    try {
      const created = await this.environments.save(
        this.environments.create({ key: input.key, name: input.name }),
      );
      await this.announce(created.id);
      return created;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw AppError.conflict(`Environment "${input.key}" already exists`, { key: input.key });
      }
      throw error;
    }
  }

  /**
   * Bumps the revision inside the caller's transaction and returns the new one. The row lock
   * it takes serialises the environment's changes until commit, which keeps the change log's
   * hash chain linear.
   */
  async update(actor: Actor, input: UpdateEnvironmentInput): Promise<Environment> {
    const environment = await this.getForActor(actor, input.key);
    if (input.name !== undefined) environment.name = input.name;
    if (input.fetchLogSampleRate !== undefined)
      environment.fetchLogSampleRate = input.fetchLogSampleRate;
    if (input.fetchLogRetentionDays !== undefined)
      environment.fetchLogRetentionDays = input.fetchLogRetentionDays;
    const saved = await this.environments.save(environment);
    await this.announce(saved.id);
    return saved;
  }

  /** Tells every instance (this one too) that the environment's settings changed. */
  private async announce(environmentId: string): Promise<void> {
    const message: EnvironmentChangedMessage = { environmentId };
    await this.pubSub.tryPublish(ENVIRONMENT_CHANGED_CHANNEL, message);
  }
}

/** A key scoped to one environment acts in that environment only. */
export function assertEnvironmentScope(
  actor: Actor,
  environment: { id: string; key: string },
): void {
  if (actor.environmentId && actor.environmentId !== environment.id) {
    throw AppError.forbidden(
      `This API key is scoped to another environment and may not act in "${environment.key}"`,
      {
        environment: environment.key,
      },
    );
  }
}

/** Operations over every environment need a key that is not scoped to one. */
export function assertUnscoped(actor: Actor, what: string): void {
  if (actor.environmentId) {
    throw AppError.forbidden(`A key scoped to one environment may not ${what}`);
  }
}
