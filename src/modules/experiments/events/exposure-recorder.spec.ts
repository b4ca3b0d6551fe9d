import { DataSource } from 'typeorm';
import { EvaluationResult } from '../../../engine/evaluation/result';
import { ExposureRecorder, MAX_PENDING_EXPOSURES } from './exposure-recorder';
import { registerExposureSource } from '../../../engine/evaluation/exposure-sources';

/** A database that records each exposure insert's rows, or fails while `down`. */
class FakeDatabase {
  readonly inserts: string[][][] = [];
  down = false;

  async query(_sql: string, columns: string[][]): Promise<{ n: string }[]> {
    if (this.down) throw new Error('connection refused');
    this.inserts.push(columns);
    return [{ n: String(columns[0].length) }];
  }
}

function result(experimentId: string, variantKey: string): EvaluationResult {
  const served: EvaluationResult = { key: 'k', value: 1, reason: 'EXPERIMENT', version: 1 };
  registerExposureSource(served, {
    experimentId,
    variantKey,
    subject: (context) => (context as { user?: { id?: string } }).user?.id,
  });
  return served;
}

function recorder() {
  const db = new FakeDatabase();
  const exposures = new ExposureRecorder(db as unknown as DataSource);
  let now = 1_000;
  exposures.now = () => now;
  return { db, exposures, tick: (ms: number) => (now += ms) };
}

describe('ExposureRecorder', () => {
  it('writes each experiment and subject once per flush, with the earliest time', async () => {
    const { db, exposures, tick } = recorder();
    const a = result('e1', 'a');
    exposures.add('env', a, { user: { id: 'u2' } });
    tick(500);
    exposures.add('env', a, { user: { id: 'u2' } });
    exposures.add('env', a, { user: { id: 'u1' } });
    exposures.add('env', result('e0', 'b'), { user: { id: 'u1' } });
    exposures.add('env', a, { device: { id: 'no user' } });
    expect(await exposures.flush()).toBe(3);
    // In key order, so concurrent flushes of two processes lock rows in the same order.
    expect(db.inserts[0]).toEqual([
      ['e0', 'e1', 'e1'],
      ['u1', 'u1', 'u2'],
      ['env', 'env', 'env'],
      ['b', 'a', 'a'],
      [1500, 1500, 1000].map((t) => new Date(t).toISOString()),
    ]);
    expect(await exposures.flush()).toBe(0);
    expect(db.inserts).toHaveLength(1);
  });

  it('ignores results no experiment registered', async () => {
    const { db, exposures } = recorder();
    const plain: EvaluationResult = { key: 'k', value: 1, reason: 'EXPERIMENT', version: 1 };
    exposures.add('env', plain, { user: { id: 'u1' } });
    await exposures.flush();
    expect(db.inserts).toHaveLength(0);
  });

  it('keeps exposures across a failed flush', async () => {
    const { db, exposures } = recorder();
    exposures.add('env', result('e1', 'a'), { user: { id: 'u1' } });
    db.down = true;
    expect(await exposures.flush()).toBe(0);
    db.down = false;
    expect(await exposures.flush()).toBe(1);
    expect(db.inserts[0][1]).toEqual(['u1']);
  });

  it('holds at most MAX_PENDING_EXPOSURES pairs between flushes', async () => {
    const { db, exposures } = recorder();
    const a = result('e1', 'a');
    for (let i = 0; i < MAX_PENDING_EXPOSURES + 10; i++) {
      exposures.add('env', a, { user: { id: `u${i}` } });
    }
    expect(await exposures.flush()).toBe(MAX_PENDING_EXPOSURES);
    expect(db.inserts[0][0]).toHaveLength(MAX_PENDING_EXPOSURES);
  });
});
