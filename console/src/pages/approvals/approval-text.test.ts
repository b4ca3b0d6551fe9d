import { describe, expect, it } from 'vitest';
import { applyAtFrom, inboxFilter, levelProgress, standing } from './approval-text';

describe('approval text', () => {
  it('filters the inbox views by the signed-in key', () => {
    expect(inboxFilter('waiting', 'k1')).toEqual({ reviewer: 'k1' });
    expect(inboxFilter('mine', 'k1')).toEqual({ requester: 'k1' });
    expect(inboxFilter('all', 'k1')).toEqual({});
  });

  it('says how far a level is', () => {
    expect(levelProgress({ required: 2, approvals: 1, satisfied: false })).toBe('1 of 2 approvals');
    expect(levelProgress({ required: 2, approvals: 2, satisfied: true })).toBe('approved');
  });

  it('says where a request stands', () => {
    const levels = [{ name: 'Team' }, { name: 'Owner' }];
    expect(standing({ status: 'PENDING', currentLevel: 1, levels })).toBe(
      'waiting on level 2 (Owner)',
    );
    expect(standing({ status: 'APPLIED', currentLevel: 1, levels })).toBe('applied');
  });

  it('reads a local date-time as an instant, and nothing as none', () => {
    expect(applyAtFrom('')).toBeNull();
    expect(applyAtFrom('not a date')).toBeNull();
    expect(applyAtFrom('2031-05-01T10:30')).toBe(new Date('2031-05-01T10:30').toISOString());
  });
});
