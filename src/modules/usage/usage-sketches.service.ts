import { Injectable, Logger } from '@nestjs/common';
import { DistinctSubjects, UniqueCounter } from './unique-counter';
import { DAY_MS, HOUR_MS, periodStart, UsageGranularity } from './usage-metric.util';
import { SketchStore } from './usage-sketch-store';
import { SketchRange, UsageSketchRepository } from './usage-sketch.repository';
import { DaySpan, spanCover } from './usage-span.util';
import { HourSketch, mergeByKey, mergePair, SketchPair } from './usage-sketch.util';

/**
 * Unique users and devices (docs/usage-metrics.md): open hours' sketches in the SketchStore
 * (Redis, or this process when embedded), closed hours' in PostgreSQL, hour and day rows. It
 * persists closed hours (the rollup job calls it) and answers UniqueCounter from both.
 */
@Injectable()
export class UsageSketches extends UniqueCounter {
  private readonly logger = new Logger(UsageSketches.name);
  /** The clock, replaceable in tests. */
  now: () => number = Date.now;
  /** The last run storing closed hours; runs go one after the other. */
  private persisting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: SketchStore,
    private readonly repository: UsageSketchRepository,
  ) {
    super();
  }

  async distinct(
    environmentId: string,
    keys: readonly string[],
    from: Date,
    to: Date,
  ): Promise<Map<string, DistinctSubjects>> {
    const start = periodStart(from.getTime(), UsageGranularity.Hour);
    const end = periodStart(to.getTime() + HOUR_MS - 1, UsageGranularity.Hour);
    // Whole UTC days from day spans and day rows, the hours at either edge from hour rows.
    const firstDay = periodStart(start + DAY_MS - 1, UsageGranularity.Day);
    const lastDay = periodStart(end, UsageGranularity.Day);
    const ranges: SketchRange[] = [];
    let spans: DaySpan[] = [];
    if (firstDay < lastDay) {
      const cover = spanCover(firstDay, lastDay, await this.repository.spanState());
      spans = cover.spans;
      for (const days of cover.days) ranges.push({ granularity: UsageGranularity.Day, ...days });
      ranges.push({ granularity: UsageGranularity.Hour, from: start, to: firstDay });
      ranges.push({ granularity: UsageGranularity.Hour, from: lastDay, to: end });
    } else {
      ranges.push({ granularity: UsageGranularity.Hour, from: start, to: end });
    }
    const [stored, live] = await Promise.all([
      this.repository.read(environmentId, keys, ranges, spans),
      this.store.live(environmentId, keys, start, end, this.now()).catch((error: unknown) => {
        // Redis down: the hours not yet persisted are missing from the answer, not all of it.
        this.logger.warn(`Reading the open hours' unique-user sketches failed: ${String(error)}`);
        return [];
      }),
    ]);
    await mergeByKey(stored, live, (sketch) => sketch.configKey, mergePair);
    const answer = new Map<string, DistinctSubjects>();
    for (const key of keys) answer.set(key, countOf(stored.get(key)));
    return answer;
  }

  /** Stores the closed hours' sketches in PostgreSQL; returns how many hours were. */
  persistClosed(now = this.now()): Promise<number> {
    const run = this.persisting.then(() => this.storeClosed(now));
    this.persisting = run.catch(() => undefined);
    return run;
  }

  private async storeClosed(now: number): Promise<number> {
    const closed = await this.store.closed(now);
    for (const hour of closed) {
      try {
        await this.repository.persist(hour.sketches);
      } catch (error) {
        hour.failed();
        throw error;
      }
      await hour.persisted();
    }
    return closed.length;
  }

  /** At shutdown: stores what only this process holds (the embedded mode's open hours). */
  async persistHeld(): Promise<void> {
    // A run storing closed hours finishes first: what it fails to store comes back to be held.
    await this.persisting;
    const held: HourSketch[] = this.store.drain();
    if (held.length === 0) return;
    try {
      await this.repository.persist(held);
    } catch (error) {
      this.logger.error({ err: error }, 'Persisting the open hours’ unique-user sketches failed');
    }
  }
}

function countOf(pair: SketchPair | undefined): DistinctSubjects {
  return pair
    ? { users: pair.users.count(), devices: pair.devices.count() }
    : { users: 0, devices: 0 };
}
