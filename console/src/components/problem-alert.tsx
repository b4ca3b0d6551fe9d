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

/**
 * A refused save: the server's input problems summed up under `title` (each is shown at its
 * own field as well), any other failure as a ProblemAlert.
 */
export function SaveProblemAlert({ error, title }: { error: CombinedError; title: string }) {
  const problem = describeProblem(error);
  if (problem.validationErrors.length === 0) return <ProblemAlert error={error} />;
  return (
    <Alert color="red" title={title} role="alert">
      {problem.message}
    </Alert>
  );
}
