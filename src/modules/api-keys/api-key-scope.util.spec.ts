import { Actor } from '../../core/auth/actor';
import { Role } from '../../core/auth/role';
import { keyGrantRefusal, seesKeyOf } from './api-key-scope.util';

const DEV = 'e0000000-0000-4000-8000-000000000001';
const PROD = 'e0000000-0000-4000-8000-000000000002';

function actor(roles: Role[], environmentId: string | null): Actor {
  return { kind: 'api_key', id: 'k', name: 'k', roles, environmentId };
}

describe('API key scope', () => {
  it('lets an unscoped admin create any key', () => {
    expect(
      keyGrantRefusal(actor([Role.ADMIN], null), { environmentId: null, roles: [Role.ADMIN] }),
    ).toBeNull();
    expect(
      keyGrantRefusal(actor([Role.ADMIN], null), { environmentId: PROD, roles: [Role.SDK] }),
    ).toBeNull();
  });

  it('keeps a scoped admin in its environment', () => {
    const scoped = actor([Role.ADMIN], DEV);
    expect(
      keyGrantRefusal(scoped, { environmentId: DEV, roles: [Role.ADMIN, Role.SDK] }),
    ).toBeNull();
    expect(keyGrantRefusal(scoped, { environmentId: null, roles: [Role.VIEWER] })).toMatch(
      /only in that environment: name it/,
    );
    expect(keyGrantRefusal(scoped, { environmentId: PROD, roles: [Role.VIEWER] })).toMatch(
      /only in that environment$/,
    );
  });

  it.each([
    [[Role.EDITOR], [Role.VIEWER], null],
    [[Role.EDITOR], [Role.ADMIN], 'admin'],
    [[Role.EDITOR], [Role.VIEWER, Role.APPROVER, Role.SDK], 'approver, sdk'],
    [[Role.APPROVER, Role.EDITOR], [Role.APPROVER, Role.EDITOR], null],
  ])('an actor holding %j granting %j is refused roles: %s', (held, requested, beyond) => {
    const refusal = keyGrantRefusal(actor(held, DEV), { environmentId: DEV, roles: requested });
    if (beyond === null) expect(refusal).toBeNull();
    else expect(refusal).toBe(`A key may not grant roles stronger than its own: ${beyond}`);
  });

  it('shows a scoped actor only the keys of its environment', () => {
    expect(seesKeyOf(actor([Role.ADMIN], DEV), DEV)).toBe(true);
    expect(seesKeyOf(actor([Role.ADMIN], DEV), PROD)).toBe(false);
    expect(seesKeyOf(actor([Role.ADMIN], DEV), null)).toBe(false);
    expect(seesKeyOf(actor([Role.ADMIN], null), PROD)).toBe(true);
  });
});
