import { CountsBuilder, rate } from './analytics-counts.util';

describe('CountsBuilder', () => {
  it('sums counters by metric and dimension, with rates over them', () => {
    const counts = new CountsBuilder();
    counts.add('evaluations', 'graphql', 6);
    counts.add('evaluations', 'sdk', 4);
    counts.add('targeting_match', 'beta', 2);
    counts.add('targeting_match', 'staff', 3);
    counts.add('rollout', '', 1);
    counts.add('error', 'FLAG_NOT_FOUND', 1);
    counts.add('cache_hit', '', 3);
    counts.add('cache_miss', '', 1);
    const built = counts.build();
    expect(built).toMatchObject({
      evaluations: 10,
      evaluationsByChannel: { graphql: 6, ofrep: 0, subscription: 0, sdk: 4 },
      targetingMatches: 5,
      targetingMatchesByRule: [
        { dimension: 'staff', count: 3 },
        { dimension: 'beta', count: 2 },
      ],
      errors: 1,
      cacheHitRate: 0.75,
      targetingMatchRate: 0.5,
      rolloutReceiveRate: 0.1,
      errorRate: 0.1,
    });
    const total = new CountsBuilder();
    total.addAll(counts);
    total.addAll(counts);
    expect(total.build()).toMatchObject({ evaluations: 20, targetingMatches: 10, cacheHits: 6 });
  });

  it('has rates of 0 when there is nothing to divide by', () => {
    expect(rate(0, 0)).toBe(0);
    expect(new CountsBuilder().build()).toMatchObject({
      cacheHitRate: 0,
      targetingMatchRate: 0,
      rolloutReceiveRate: 0,
      errorRate: 0,
    });
  });
});
