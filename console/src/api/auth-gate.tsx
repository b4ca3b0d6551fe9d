import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { createApiClient, type ApiClient } from './client';
import { describeProblem } from './errors';
import type { MeQuery as MeResult } from './gql/graphql';
import { MeQuery } from './operations';
import { takePrefetched } from './prefetch';
import { abilitiesOf } from './roles';
import { clearToken, readToken, storeToken } from './session';
import { SessionContext, type Session } from './session-context';
import { SignInPage } from '../pages/sign-in/sign-in-page';
import { PageSkeleton } from '../components/page-skeleton';

interface Signed {
  api: ApiClient;
  me: MeResult['me'];
}

async function signIn(token: string, onUnauthenticated: () => void): Promise<Signed> {
  const api = createApiClient(token, onUnauthenticated);
  const result = await (takePrefetched(token, MeQuery, {}) ??
    api.client.query(MeQuery, {}, { requestPolicy: 'network-only' }).toPromise());
  if (result.error || !result.data) {
    api.dispose();
    throw new Error(
      result.error ? describeProblem(result.error).message : 'The server sent no answer.',
    );
  }
  return { api, me: result.data.me };
}

/** Shows the sign-in page until an API key is accepted, then the app with that key's session. */
export function AuthGate({ children }: { children: ReactNode }) {
  const [signed, setSigned] = useState<Signed | null>(null);
  const [restoring, setRestoring] = useState(() => readToken() !== null);
  const [error, setError] = useState<string | null>(null);

  const signOut = useCallback(() => {
    clearToken();
    setSigned((current) => {
      current?.api.dispose();
      return null;
    });
  }, []);

  const attempt = useCallback(
    async (token: string) => {
      setError(null);
      try {
        const next = await signIn(token, () => {
          setError('Your API key was refused. Sign in again with a valid key.');
          signOut();
        });
        storeToken(token);
        setSigned(next);
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [signOut],
  );

  useEffect(() => {
    const token = readToken();
    if (token) void attempt(token).finally(() => setRestoring(false));
  }, [attempt]);

  const session = useMemo<Session | null>(
    () =>
      signed
        ? {
            me: signed.me,
            signOut,
            watchLive: signed.api.watchLive,
            ...abilitiesOf(signed.me.roles),
          }
        : null,
    [signed, signOut],
  );

  if (restoring) return <PageSkeleton />;
  if (!signed || !session) return <SignInPage onSubmit={attempt} error={error} />;
  return (
    <Provider value={signed.api.client}>
      <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
    </Provider>
  );
}
