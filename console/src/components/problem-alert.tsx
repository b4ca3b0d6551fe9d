import { Alert, Button, Group } from '@mantine/core';
import type { CombinedError } from 'urql';
import { describeProblem } from '../api/errors';

/** A failed request, said plainly, with a retry when one makes sense. */
export function ProblemAlert({ error, onRetry }: { error: CombinedError; onRetry?: () => void }) {
  const problem = describeProblem(error);
  return (
    <Alert color="red" title="Something went wrong" role="alert">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <span>{problem.message}</span>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}
