import { PreparedEntry } from '../history/history.service';
import { changeStatement, PRECONDITION } from './change-statement';

const entry: PreparedEntry = {
  fields: {
    id: 'e1',
    environmentId: 'env',
    configId: 'c1',
    configKey: 'k',
    action: 'deployment_completed',
    before: null,
    after: null,
    diff: [],
    actorId: null,
    actorName: 'deployment-progression',
    actorKind: 'system',
    comment: null,
    configVersion: 2,
    createdAt: '2026-01-01T00:00:00.000Z',
  },
  hashHead: 'head',
  hashTail: 'tail',
};
const event = { type: 'config.changed', payload: {} };
const write = {
  sql: 'UPDATE business_config SET x = $1 WHERE id = $2 RETURNING id',
  params: ['a', 'b'],
};

describe('changeStatement', () => {
  it('runs a precondition first, its placeholders numbered after the write', () => {
    const precondition = {
      sql: 'UPDATE config_deployment SET s = $2 WHERE id = $1 AND n = $2 RETURNING id',
      params: ['x', 'y'],
    };
    const { sql, params } = changeStatement(write, entry, event, precondition);
    expect(
      sql.startsWith(
        `WITH ${PRECONDITION} AS (UPDATE config_deployment SET s = $4 WHERE id = $3 AND n = $4 RETURNING id),\nconfig AS (UPDATE business_config SET x = $1 WHERE id = $2`,
      ),
    ).toBe(true);
    expect(params.slice(0, 4)).toEqual(['a', 'b', 'x', 'y']);
    // The entry's and the event's parameters follow.
    expect(params).toContain('deployment-progression');
  });

  it('starts with the config write when there is no precondition', () => {
    const { sql, params } = changeStatement(write, entry, event);
    expect(sql.startsWith('WITH config AS (UPDATE business_config SET x = $1')).toBe(true);
    expect(sql).not.toContain(PRECONDITION);
    expect(params.slice(0, 2)).toEqual(['a', 'b']);
  });

  /** The activity CTE's SQL and the values its placeholders take. */
  function activityOf(statement: { sql: string; params: unknown[] }) {
    const match = /activity AS \(([\s\S]*?)\),\nrevision/.exec(statement.sql);
    if (!match) throw new Error('no activity CTE before the revision bump');
    const values = [...match[1].matchAll(/\$(\d+)/g)].map(
      (m) => statement.params[Number(m[1]) - 1],
    );
    return { sql: match[1], values };
  }

  it('claims the exclusive activity after the config write, only if that wrote a row', () => {
    const claim = { configId: 'c1', kind: 'deployment' as const, id: 'd1', environmentId: 'env' };
    const activity = activityOf(changeStatement(write, entry, event, undefined, { claim }));
    expect(activity.sql).toMatch(/^INSERT INTO config_exclusive_activity/);
    expect(activity.sql).toContain('WHERE EXISTS (SELECT 1 FROM config)');
    expect(activity.values).toEqual(['c1', 'deployment', 'd1', 'env']);
  });

  it('releases only its own activity, only if the config write wrote a row', () => {
    const release = { configId: 'c1', id: 'x1' };
    const activity = activityOf(changeStatement(write, entry, event, undefined, { release }));
    expect(activity.sql).toMatch(/^DELETE FROM config_exclusive_activity/);
    expect(activity.sql).toContain('AND activity_id = ');
    expect(activity.sql).toContain('EXISTS (SELECT 1 FROM config)');
    expect(activity.values).toEqual(['c1', 'x1']);
  });
});
