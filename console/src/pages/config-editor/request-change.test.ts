import { describe, expect, it } from 'vitest';
import { newDraft } from './draft';
import { asSaveErrors, changeRequestInput } from './request-change';

describe('change request from the editor', () => {
  it('asks for the changed fields over the version the edit started from', () => {
    const base = {
      ...newDraft(),
      key: 'checkout.retries',
      valueType: 'INTEGER' as const,
      value: 3,
    };
    const draft = { ...base, value: 4 };
    expect(
      changeRequestInput('production', draft, { draft: base, version: 7 }, 'one more', ''),
    ).toEqual({
      environment: 'production',
      key: 'checkout.retries',
      kind: 'UPDATE',
      config: { value: 4 },
      expectedVersion: 7,
      comment: 'one more',
    });
  });

  it('asks to create a new config, at a time when scheduled', () => {
    const draft = { ...newDraft(), key: 'new.flag' };
    const input = changeRequestInput('production', draft, null, '', '2031-05-01T10:30');
    expect(input).toMatchObject({ kind: 'CREATE', key: 'new.flag' });
    expect(input.config).not.toHaveProperty('key');
    expect(input.applyAt).toBe(new Date('2031-05-01T10:30').toISOString());
  });

  it("shows a request's errors at the editor's fields", () => {
    expect(asSaveErrors([{ path: 'input.config.value', rule: 'max', message: 'm' }])).toEqual([
      { path: 'value', rule: 'max', message: 'm' },
    ]);
  });
});
