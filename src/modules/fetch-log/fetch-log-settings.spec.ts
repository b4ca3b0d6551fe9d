import { loadConfig } from '../../core/config/app-config';
import { InProcessPubSub } from '../../core/pubsub/in-process-pub-sub';
import { Environment } from '../environments/environment.entity';
import { ENVIRONMENT_CHANGED_CHANNEL } from '../environments/environment-events';
import { EnvironmentsService } from '../environments/environments.service';
import { DEFAULT_SAMPLE_RATE, FetchLogSettings } from './fetch-log-settings';

class FakeEnvironments {
  rows: Pick<Environment, 'id' | 'fetchLogSampleRate'>[] = [];
  loads = 0;
  failing = false;
  /** Set to hold the next load until `release` is called. */
  gate?: Promise<void>;

  async all() {
    this.loads += 1;
    const rows = this.rows;
    await this.gate;
    if (this.failing) throw new Error('database unavailable');
    return rows;
  }
}

function settings() {
  const environments = new FakeEnvironments();
  const pubSub = new InProcessPubSub();
  // The timer never fires during a test: only events and explicit refreshes reload.
  const config = loadConfig({ FETCH_LOG_RATES_RELOAD_MS: '3600000' });
  return {
    environments,
    pubSub,
    instance: new FetchLogSettings(environments as unknown as EnvironmentsService, pubSub, config),
  };
}

describe('FetchLogSettings', () => {
  it('answers from memory after a load', async () => {
    const { instance, environments } = settings();
    environments.rows = [{ id: 'env-1', fetchLogSampleRate: 0.5 }];
    await instance.refresh();
    expect(instance.rateOf('env-1')).toBe(0.5);
    expect(environments.loads).toBe(1);
  });

  it('samples an environment not loaded yet at the default, and loads it once', async () => {
    const { instance, environments } = settings();
    environments.rows = [{ id: 'env-new', fetchLogSampleRate: 0 }];
    expect(instance.rateOf('env-new')).toBe(DEFAULT_SAMPLE_RATE);
    expect(instance.rateOf('env-new')).toBe(DEFAULT_SAMPLE_RATE);
    await eventuallyTrue(() => instance.rateOf('env-new') === 0);
    expect(environments.loads).toBe(1);
  });

  it('reloads when an environment change is published, whoever published it', async () => {
    const { instance, environments, pubSub } = settings();
    environments.rows = [{ id: 'env-1', fetchLogSampleRate: 0.5 }];
    await instance.onApplicationBootstrap();
    environments.rows = [{ id: 'env-1', fetchLogSampleRate: 1 }];
    await pubSub.publish(ENVIRONMENT_CHANGED_CHANNEL, { environmentId: 'env-1' });
    await eventuallyTrue(() => instance.rateOf('env-1') === 1);
    await instance.onModuleDestroy();
  });

  it('reloads once more after a reload that read the rows before a change', async () => {
    const { instance, environments } = settings();
    environments.rows = [{ id: 'env-1', fetchLogSampleRate: 0.5 }];
    let release = () => {};
    environments.gate = new Promise((resolve) => (release = resolve));
    const first = instance.refresh();
    environments.rows = [{ id: 'env-1', fetchLogSampleRate: 1 }];
    const second = instance.refresh();
    const third = instance.refresh();
    environments.gate = undefined;
    release();
    await Promise.all([first, second, third]);
    expect(instance.rateOf('env-1')).toBe(1);
    expect(environments.loads).toBe(2);
  });

  it('keeps the rates it has when a reload fails', async () => {
    const { instance, environments } = settings();
    environments.rows = [{ id: 'env-1', fetchLogSampleRate: 1 }];
    await instance.refresh();
    environments.failing = true;
    await instance.refresh();
    expect(instance.rateOf('env-1')).toBe(1);
  });
});

/** Waits for promise jobs (pub/sub delivery, the reload) to settle, without a timer. */
async function eventuallyTrue(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i += 1)
    await new Promise((resolve) => setImmediate(resolve));
  expect(check()).toBe(true);
}
