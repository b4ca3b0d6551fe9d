import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useClient } from 'urql';
import type { FieldError } from '../../api/errors';
import { ValidateConfigQuery } from '../../api/operations';
import type { ConfigDraft } from './draft';

/** The server's own checks on the draft, while typing (debounced), as field errors. */
export function useValidation(environment: string, draft: ConfigDraft, enabled: boolean) {
  const client = useClient();
  const [debounced] = useDebouncedValue(draft, 400);
  const [errors, setErrors] = useState<FieldError[]>([]);
  useEffect(() => {
    if (!enabled || !debounced.key) return;
    let current = true;
    const input = Object.fromEntries(
      Object.entries(debounced).filter(([, v]) => v !== null && v !== undefined),
    );
    void client
      .query(
        ValidateConfigQuery,
        { input: { ...input, environment, key: debounced.key } },
        { requestPolicy: 'network-only' },
      )
      .toPromise()
      .then((result) => {
        if (!current) return;
        const payload = result.data?.validateConfig;
        if (payload) setErrors(payload.validationErrors);
        else if (result.error) {
          const raw = result.error.graphQLErrors[0]?.extensions?.validationErrors;
          setErrors(Array.isArray(raw) ? (raw as FieldError[]) : []);
        }
      });
    return () => {
      current = false;
    };
  }, [client, environment, debounced, enabled]);
  return errors;
}
