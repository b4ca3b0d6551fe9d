import { Injectable } from '@nestjs/common';
import { BusinessConfig } from './business-config.entity';

export interface CommittedConfigChange {
  environmentId: string;
  revision: number;
  key: string;
  /** The config as committed; null when it was deleted. */
  config: BusinessConfig | null;
}

type Listener = (change: CommittedConfigChange) => void;

/**
 * Tells this instance's readers (the serving snapshot) about a change right after it
 * commits, without the writer knowing who reads. Other instances learn through the outbox.
 */
@Injectable()
export class ConfigChangeEvents {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: CommittedConfigChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
