import { presentDiff, presentSnapshot } from './change-presentation.util';

describe('change presentation', () => {
  it('spells enum members of a snapshot as the API does, and nothing else', () => {
    const stored = JSON.parse(
      '{"key": "k", "valueType": "integer", "deploymentStrategy": "canary", "value": {"valueType": "integer"}, "__proto__": 1}',
    ) as Record<string, unknown>;
    const shown = presentSnapshot(stored)!;
    expect(shown).toMatchObject({
      key: 'k',
      valueType: 'INTEGER',
      deploymentStrategy: 'CANARY',
      value: { valueType: 'integer' },
    });
    expect(Object.keys(shown)).toContain('__proto__');
    expect(stored.valueType).toBe('integer');
    expect(presentSnapshot(null)).toBeNull();
    expect(presentSnapshot({ valueType: 'unknown' })).toEqual({ valueType: 'unknown' });
  });

  it('spells enum values in diff operations on those members only', () => {
    expect(
      presentDiff([
        { op: 'replace', path: '/valueType', value: 'decimal' },
        { op: 'add', path: '/deploymentStrategy', value: 'linear' },
        { op: 'replace', path: '/value', value: 'integer' },
        { op: 'remove', path: '/valueType' },
      ]),
    ).toEqual([
      { op: 'replace', path: '/valueType', value: 'DECIMAL' },
      { op: 'add', path: '/deploymentStrategy', value: 'LINEAR' },
      { op: 'replace', path: '/value', value: 'integer' },
      { op: 'remove', path: '/valueType' },
    ]);
  });
});
