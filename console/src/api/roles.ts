import type { Role } from './gql/graphql';

export interface Abilities {
  /** Create, edit, archive and roll back configs. */
  canEdit: boolean;
  /** Manage API keys and environments. */
  isAdmin: boolean;
}

export function abilitiesOf(roles: readonly Role[]): Abilities {
  const isAdmin = roles.includes('ADMIN');
  return { isAdmin, canEdit: isAdmin || roles.includes('EDITOR') };
}
