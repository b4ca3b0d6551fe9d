import { DataSource } from 'typeorm';
import { InProcessPubSub } from '../../src/core/pubsub/in-process-pub-sub';
import { MessageHandler } from '../../src/core/pubsub/pub-sub';
import { within } from '../../src/core/redis/test-support';
import { ConfigChangeEvents } from '../../src/modules/configs/config-change-events';
import {
  EnvironmentSnapshot,
  EvaluationSnapshots,
} from '../../src/modules/evaluation/evaluation-snapshots.service';
import { createConfig, updateConfig } from '../factories/config.factory';
import { startTestApp, TestApp } from '../support/test-app';

/** A broker whose SUBSCRIBE is confirmed only when the test says so, as a Redis that is down. */
class HeldPubSub extends InProcessPubSub {
  private open!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));

  override async subscribe(channel: string, handler: MessageHandler) {
    const unsubscribe = await super.subscribe(channel, handler);
    await this.opened;
    return unsubscribe;
  }

  release(): void {
    this.open();
  }
}

describe('EvaluationSnapshots of an instance whose subscription is late', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves the environment at once, and reloads what changed before the subscription held', async () => {
    const config = await createConfig(app, { value: 'v1' });
    const dataSource = app.running.app.get(DataSource);
    const [{ id }] = await dataSource.query(`SELECT id FROM environment WHERE key = 'development'`);
    const pubsub = new HeldPubSub();
    // Another instance: it hears neither the app's commits nor, until released, its broker.
    const snapshots = new EvaluationSnapshots(dataSource, new ConfigChangeEvents(), pubsub);
    snapshots.onModuleInit();
    try {
      const first = await within(snapshots.get(id), 'the snapshot');
      expect(first.evaluate(config.key, {}).value).toBe('v1');
      await updateConfig(app, { key: config.key, expectedVersion: 1, value: 'v2' });
      const reloaded = new Promise<EnvironmentSnapshot>((resolve) =>
        snapshots.watch(id, (update) => update.kind === 'reload' && resolve(update.snapshot)),
      );
      pubsub.release();
      const fresh = await within(reloaded, 'the reload once subscribed');
      expect(fresh.evaluate(config.key, {}).value).toBe('v2');
    } finally {
      await snapshots.onModuleDestroy();
    }
  });
});
