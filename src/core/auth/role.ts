import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  ADMIN = 'admin',
  EDITOR = 'editor',
  APPROVER = 'approver',
  VIEWER = 'viewer',
  SDK = 'sdk',
}

registerEnumType(Role, {
  name: 'Role',
  description:
    'What an API key may do. admin > editor > viewer and approver > viewer; sdk only evaluates.',
  valuesMap: {
    ADMIN: { description: 'Everything, including API keys and environments.' },
    EDITOR: { description: 'Read and change configs.' },
    APPROVER: {
      description:
        'Read. Reviewing change requests takes effect with approvals, which are not built yet.',
    },
    VIEWER: { description: 'Read only.' },
    SDK: { description: 'Evaluate, subscribe and report usage in its one environment.' },
  },
});

/** The roles each role also grants. */
const GRANTS: Record<Role, readonly Role[]> = {
  [Role.ADMIN]: [Role.ADMIN, Role.EDITOR, Role.APPROVER, Role.VIEWER, Role.SDK],
  [Role.EDITOR]: [Role.EDITOR, Role.VIEWER],
  [Role.APPROVER]: [Role.APPROVER, Role.VIEWER],
  [Role.VIEWER]: [Role.VIEWER],
  [Role.SDK]: [Role.SDK],
};

/** True when one of `held` grants one of `needed`. */
export function grantsAny(held: readonly Role[], needed: readonly Role[]): boolean {
  return held.some((role) => needed.some((n) => GRANTS[role].includes(n)));
}
