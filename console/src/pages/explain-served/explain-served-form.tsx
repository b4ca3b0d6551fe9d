import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { JsonField } from '../../components/json-field';
import { ProblemAlert } from '../../components/problem-alert';
import { parseAt } from './served-at';
import { Served } from './served-answer';
import { useExplainServed } from './use-explain-served';

/**
 * The question (context and time) for one config and its answer. With `onConfigKeyChange` the
 * key is a field of the form (the "Why this value?" page); without it the key is fixed (a
 * config's own page).
 */
export function ExplainServedForm({
  environment,
  configKey,
  onConfigKeyChange,
}: {
  environment: string;
  configKey: string;
  onConfigKeyChange?(key: string): void;
}) {
  const [context, setContext] = useState<unknown>({ user: { id: 'user-1' } });
  const [atText, setAtText] = useState('');
  const [atError, setAtError] = useState<string | null>(null);
  const { answer, error, fetching, ask } = useExplainServed();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseAt(atText);
    if ('error' in parsed) {
      setAtError(parsed.error);
      return;
    }
    setAtError(null);
    ask({ environment, key: configKey.trim(), context, at: parsed.at });
  };
  return (
    <Stack>
      <form onSubmit={submit} aria-label="Question">
        <Stack gap="sm" maw={700}>
          {onConfigKeyChange && (
            <TextInput
              label="Config key"
              required
              value={configKey}
              onChange={(e) => onConfigKeyChange(e.currentTarget.value)}
            />
          )}
          <JsonField label="Context" value={context} onChange={setContext} minRows={4} />
          <TextInput
            label="At (date-time)"
            description="ISO 8601 such as 2026-12-02T09:30:00Z; without a zone it is your local time; empty is now."
            value={atText}
            error={atError}
            onChange={(e) => setAtText(e.currentTarget.value)}
          />
          <Group>
            <Button type="submit" loading={fetching} disabled={!configKey.trim()}>
              Explain
            </Button>
          </Group>
        </Stack>
      </form>
      {error && <ProblemAlert error={error} />}
      {answer && <Served environment={environment} answer={answer} />}
    </Stack>
  );
}
