import { createHash } from 'node:crypto';
import { SUBJECT_FIELD_MAX, subjectOf, valueHash } from './fetch-log.util';

describe('subjectOf', () => {
  it('reads user.id, device.id and app.version, numbers as text', () => {
    expect(subjectOf({ user: { id: 7 }, device: { id: 'd' }, app: { version: '1.2' } })).toEqual({
      userId: '7',
      deviceId: 'd',
      appVersion: '1.2',
    });
  });

  it('gives null for missing, empty, non-scalar or inherited members', () => {
    expect(subjectOf({ user: { id: '' }, device: { id: { x: 1 } }, app: [] })).toEqual({
      userId: null,
      deviceId: null,
      appVersion: null,
    });
    expect(subjectOf(Object.create({ user: { id: 'inherited' } }) as object).userId).toBeNull();
  });

  it('cuts long ids to SUBJECT_FIELD_MAX characters', () => {
    expect(subjectOf({ user: { id: 'x'.repeat(1000) } }).userId).toHaveLength(SUBJECT_FIELD_MAX);
  });
});

describe('valueHash', () => {
  it('hashes the canonical JSON, so member order does not matter', () => {
    expect(valueHash({ b: 1, a: 2 })).toBe(valueHash({ a: 2, b: 1 }));
    expect(valueHash('x')).toBe(createHash('sha256').update('"x"').digest('hex'));
  });
});
