import { Environment } from '../environments/environment.entity';
import { EnvironmentsService } from '../environments/environments.service';
import { DEFAULT_SAMPLE_RATE, FetchLogSettings } from './fetch-log-settings';

class FakeEnvironments {
  rows: Pick<Environment, 'id' | 'fetchLogSampleRate'>[] = [];
  loads = 0;
  failing = false;

  async all() {
    this.loads += 1;
    if (this.failing) throw new Error('database unavailable');
    return this.rows;
  }
}

function settings() {
  const environments = new FakeEnvironments();
  return {
    environments,
    instance: new FetchLogSettings(environments as unknown as EnvironmentsService),
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
    await instance.refresh();
    expect(environments.loads).toBe(1);
    expect(instance.rateOf('env-new')).toBe(0);
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
