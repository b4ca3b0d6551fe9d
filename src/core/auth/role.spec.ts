import { grantsAny, Role } from './role';

describe('grantsAny', () => {
  it.each([
    [[Role.ADMIN], [Role.EDITOR], true],
    [[Role.ADMIN], [Role.SDK], true],
    [[Role.EDITOR], [Role.VIEWER], true],
    [[Role.EDITOR], [Role.ADMIN], false],
    [[Role.EDITOR], [Role.APPROVER], false],
    [[Role.APPROVER], [Role.VIEWER], true],
    [[Role.APPROVER], [Role.EDITOR], false],
    [[Role.VIEWER], [Role.EDITOR], false],
    [[Role.SDK], [Role.VIEWER], false],
    [[Role.VIEWER, Role.SDK], [Role.SDK], true],
    [[], [Role.VIEWER], false],
  ])('%j needing one of %j → %s', (held, needed, expected) => {
    expect(grantsAny(held, needed)).toBe(expected);
  });
});
