import { createContext, useContext } from 'react';
import type { ApiClient } from './client';
import type { MeQuery } from './gql/graphql';
import type { Abilities } from './roles';

export interface Session extends Abilities {
  me: MeQuery['me'];
  signOut(): void;
  watchLive: ApiClient['watchLive'];
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
