import { Alert, Anchor, Badge, Box, Code, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { ExplainServedQuery as Answer, ServedConfigState } from '../../api/gql/graphql';
import { ExplainList } from '../../components/explain-list';
import { ScrollTable } from '../../components/scroll-table';
import { routes } from '../../routes';
import { fetchRecordRows } from './fetch-records';
import {
  deploymentHeadline,
  deploymentOutcome,
  experimentHeadline,
  experimentOutcome,
  type ServedDeployment,
  type ServedExperiment,
} from './served-activity';

const STATE_TEXT: Record<ServedConfigState, string> = {
  ACTIVE: 'The config was live.',
  ARCHIVED: 'The config was archived: every subject got its default value.',
  NOT_CREATED:
    'The config did not exist yet: clients got FLAG_NOT_FOUND and kept their own default.',
  DELETED: 'The config had been deleted: clients got FLAG_NOT_FOUND and kept their own default.',
};

/** The answer of explainServed: what was served, from which version, why, and the sampled fetches. */
export function Served({
  environment,
  answer,
}: {
  environment: string;
  answer: Answer['explainServed'];
}) {
  const { result, change } = answer;
  return (
    <Box role="region" aria-label="What was served" maw={900}>
      <Alert color={result.errorCode ? 'red' : 'blue'} title="Served">
        <Stack gap={4}>
          <Text size="sm">
            Value <Code>{JSON.stringify(result.value)}</Code> — reason{' '}
            <Badge size="sm">{result.reason}</Badge>
            {result.ruleId && (
              <>
                {' '}
                from rule <Code>{result.ruleId}</Code>
              </>
            )}
            {result.variant && (
              <>
                {' '}
                variant <Code>{result.variant}</Code>
              </>
            )}
            {result.errorCode && <> — {result.errorCode}</>}
          </Text>
          <Text size="sm">
            {STATE_TEXT[answer.configState]} At{' '}
            <time dateTime={answer.at}>{new Date(answer.at).toLocaleString()}</time>.
          </Text>
        </Stack>
      </Alert>
      <Title order={2} size="h4" mt="md">
        From the history
      </Title>
      {change ? (
        <Text size="sm">
          Version {change.configVersion}, set by the {change.action.toLowerCase()} of{' '}
          <time dateTime={change.createdAt}>{new Date(change.createdAt).toLocaleString()}</time> by{' '}
          {change.actor.name}
          {change.comment && <> (“{change.comment}”)</>} —{' '}
          <Anchor
            component={Link}
            to={`${routes.history(environment, answer.key)}#change-${change.id}`}
          >
            see version {change.configVersion} in the history
          </Anchor>
        </Text>
      ) : (
        <Text size="sm">No change of this config had been made by then.</Text>
      )}
      {answer.deployment && (
        <Deployment
          deployment={answer.deployment}
          historyLink={`${routes.history(environment, answer.key)}#change-${answer.deployment.change.id}`}
        />
      )}
      {answer.experiment && (
        <Experiment
          experiment={answer.experiment}
          historyLink={`${routes.history(environment, answer.key)}#change-${answer.experiment.change.id}`}
        />
      )}
      {answer.explain.length > 0 && (
        <>
          <Title order={2} size="h4" mt="md">
            Why
          </Title>
          <ExplainList steps={answer.explain} />
        </>
      )}
      <FetchRecords records={answer.fetchLogRecords} />
    </Box>
  );
}

/** The deployment active then: which of its states served the subject, and why. */
function Deployment({
  deployment,
  historyLink,
}: {
  deployment: ServedDeployment;
  historyLink: string;
}) {
  return (
    <Box role="region" aria-label="Deployment then">
      <Title order={2} size="h4" mt="md">
        Deployment
      </Title>
      <Text size="sm">
        {deploymentHeadline(deployment)}{' '}
        <Anchor component={Link} to={historyLink}>
          see that step in the history
        </Anchor>
      </Text>
      <Text size="sm">
        <Badge size="sm" variant="outline">
          {deployment.served ?? 'NOT REACHED'}
        </Badge>{' '}
        {deploymentOutcome(deployment)}
      </Text>
    </Box>
  );
}

/** The experiment running then: the variant the subject got, or why none. */
function Experiment({
  experiment,
  historyLink,
}: {
  experiment: ServedExperiment;
  historyLink: string;
}) {
  return (
    <Box role="region" aria-label="Experiment then">
      <Title order={2} size="h4" mt="md">
        Experiment
      </Title>
      <Text size="sm">
        {experimentHeadline(experiment)}{' '}
        <Anchor component={Link} to={historyLink}>
          see its start in the history
        </Anchor>
      </Text>
      <Text size="sm">{experimentOutcome(experiment)}</Text>
    </Box>
  );
}

/** The subject's sampled fetches of this config within an hour of the time asked about. */
function FetchRecords({ records }: { records: readonly unknown[] | null }) {
  const rows = fetchRecordRows(records);
  if (!rows) return null;
  return (
    <>
      <Title order={2} size="h4" mt="md">
        What the fetch log recorded
      </Title>
      {rows.length === 0 ? (
        <Text size="sm">
          No sampled fetch of this subject within an hour of that time (the fetch log keeps a
          sample, 1% by default: see the environment&apos;s settings).
        </Text>
      ) : (
        <ScrollTable label="Sampled fetches" minWidth={560}>
          <Table aria-label="Sampled fetches">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Rule</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Value hash</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.id}>
                  <Table.Td>
                    <time dateTime={row.fetchedAt}>{new Date(row.fetchedAt).toLocaleString()}</time>
                  </Table.Td>
                  <Table.Td>{row.channel}</Table.Td>
                  <Table.Td>{row.reason}</Table.Td>
                  <Table.Td>{row.ruleId ?? '—'}</Table.Td>
                  <Table.Td>{row.configVersion ?? '—'}</Table.Td>
                  <Table.Td>
                    <Code>{row.valueHash?.slice(0, 12) ?? '—'}</Code>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </>
  );
}
