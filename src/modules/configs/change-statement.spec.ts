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
});
