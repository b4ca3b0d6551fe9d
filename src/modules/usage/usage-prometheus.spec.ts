import { Registry } from 'prom-client';
import { UsageCount, UsageMetric } from './usage-metric.util';
import { OTHER, UsagePrometheus } from './usage-prometheus';

const evaluations = (configKey: string, count: number): UsageCount => ({
  environmentId: 'env',
  configKey,
  metric: UsageMetric.Evaluations,
  dimension: 'graphql',
  count,
});

async function series(registry: Registry): Promise<Record<string, number>> {
  const [metric] = (await registry.getMetricsAsJSON()) as {
    values: { labels: Record<string, string>; value: number }[];
  }[];
  return Object.fromEntries(metric.values.map((v) => [v.labels.key, v.value]));
}

describe('UsagePrometheus', () => {
  it('labels only the top keys by volume; the rest count as other', async () => {
    const registry = new Registry();
    const prometheus = new UsagePrometheus(registry, 2);
    prometheus.observe('env', 'production', [
      evaluations('a', 10),
      evaluations('b', 5),
      evaluations('c', 1),
    ]);
    expect(await series(registry)).toEqual({ a: 10, b: 5, [OTHER]: 1 });
  });

  it('gives at most twice N keys a label of their own, however the ranking churns', async () => {
    const registry = new Registry();
    const prometheus = new UsagePrometheus(registry, 1);
    for (let i = 0; i < 10; i += 1) {
      prometheus.observe('env', 'production', [evaluations(`key-${i}`, 100 * (i + 1))]);
    }
    expect(Object.keys(await series(registry)).sort()).toEqual(['key-0', 'key-1', OTHER]);
  });

  it('keeps SDK-chosen error codes out of the labels', async () => {
    const registry = new Registry();
    new UsagePrometheus(registry, 5).observe('env', 'production', [
      { ...evaluations('a', 1), metric: UsageMetric.Error, dimension: 'MY_OWN_CODE' },
    ]);
    const text = await registry.metrics();
    expect(text).toContain('dimension="OTHER"');
    expect(text).not.toContain('MY_OWN_CODE');
  });
});
