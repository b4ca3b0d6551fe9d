import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { compileConfig, CompiledConfig } from '../../engine/evaluation/compile-config';
import { SharedConditions } from '../../engine/evaluation/shared';
import { BusinessConfig } from '../configs/business-config.entity';
import { CommittedConfigChange, ConfigChangeEvents } from '../configs/config-change-events';
import { toConfigState } from '../configs/config-state.mapper';

/**
 * One environment's configs, compiled, in memory. Evaluation reads it synchronously, so a
 * request sees one consistent set. Each key remembers the environment revision of the
 * change it reflects: changes that commit concurrently may be reported out of order.
 */
export class EnvironmentSnapshot {
  private readonly configs = new Map<string, CompiledConfig>();
  /** Conditions equal across this environment's configs are compiled, and answered, once. */
  readonly shared = new SharedConditions();
  private readonly revisions = new Map<string, number>();

  constructor(
    readonly environmentId: string,
    private loadedRevision: number,
  ) {}

  get revision(): number {
    return this.loadedRevision;
  }

  get(key: string): CompiledConfig | undefined {
    return this.configs.get(key);
  }

  all(): IterableIterator<CompiledConfig> {
    return this.configs.values();
  }

  /** Applies a committed change unless this snapshot already reflects a later one. */
  apply(change: { key: string; revision: number; compiled: CompiledConfig | null }): void {
    const seen = this.revisions.get(change.key) ?? this.loadedRevision;
    if (change.revision <= seen) return;
    this.revisions.set(change.key, change.revision);
    if (change.compiled) this.configs.set(change.key, change.compiled);
    else this.configs.delete(change.key);
    this.loadedRevision = Math.max(this.loadedRevision, change.revision);
  }

  load(config: CompiledConfig): void {
    this.configs.set(config.key, config);
  }
}

/** The serving snapshots of this instance: loaded on first use, then kept current. */
@Injectable()
export class EvaluationSnapshots implements OnModuleInit, OnModuleDestroy {
  private readonly snapshots = new Map<string, Promise<EnvironmentSnapshot>>();
  private unsubscribe?: () => void;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: ConfigChangeEvents,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((change) => void this.onChange(change));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  get(environmentId: string): Promise<EnvironmentSnapshot> {
    let snapshot = this.snapshots.get(environmentId);
    if (!snapshot) {
      snapshot = this.load(environmentId);
      this.snapshots.set(environmentId, snapshot);
      snapshot.catch(() => this.snapshots.delete(environmentId));
    }
    return snapshot;
  }

  private async onChange(change: CommittedConfigChange): Promise<void> {
    const snapshot = this.snapshots.get(change.environmentId);
    if (!snapshot) return; // loaded later, from the database, with this change in it
    const resolved = await snapshot;
    resolved.apply({
      key: change.key,
      revision: change.revision,
      compiled: change.config && compile(change.config, resolved.shared),
    });
  }

  /** Revision and configs read in one repeatable-read transaction, so they agree. */
  private load(environmentId: string): Promise<EnvironmentSnapshot> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [environment] = await manager.query('SELECT revision FROM environment WHERE id = $1', [
        environmentId,
      ]);
      const configs = await manager.findBy(BusinessConfig, { environmentId });
      const snapshot = new EnvironmentSnapshot(environmentId, Number(environment?.revision ?? 0));
      for (const config of configs) snapshot.load(compile(config, snapshot.shared));
      return snapshot;
    });
  }
}

function compile(config: BusinessConfig, shared: SharedConditions): CompiledConfig {
  return compileConfig(
    { key: config.key, version: config.version, state: toConfigState(config) },
    shared,
  );
}
