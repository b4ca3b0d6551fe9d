import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import type { ExperimentFieldsFragment } from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { DoneNotice } from '../../components/done-notice';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { routes } from '../../routes';
import {
  ACTION_LABELS,
  ACTIONS_BY_STATUS,
  actionConsequence,
  type LifecycleAction,
} from './lifecycle';
import {
  ArchiveExperimentMutation,
  CompleteExperimentMutation,
  DeleteExperimentMutation,
  ExperimentQuery,
  ExperimentUpdatedSubscription,
  PauseExperimentMutation,
  ResumeExperimentMutation,
  StartExperimentMutation,
} from './queries';
import { ResultsPanel } from './results-panel';
import { STATUS_LABELS, StatusBadge } from './status';

const ASSIGNMENT_LABELS = { CONSISTENT: 'consistent', RANDOM: 'random', TARGETING: 'targeting' };

function at(iso: string) {
  return <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One experiment: its set-up, lifecycle buttons, transitions and results. */
export function ExperimentPage() {
  const { env = '', key = '' } = useParams();
  const { canEdit } = useSession();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ExperimentQuery,
    variables: { environment: env, key },
  });
  const [action, setAction] = useState<LifecycleAction | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Live: a transition (here or elsewhere) reloads the experiment; new counts reload results.
  const [resultsVersion, setResultsVersion] = useState(0);
  useSubscription(
    { query: ExperimentUpdatedSubscription, variables: { environment: env, keys: [key] } },
    (_, event) => {
      if (event.experimentUpdated.kind === 'TRANSITION') refetch({ requestPolicy: 'network-only' });
      setResultsVersion((v) => v + 1);
      return event;
    },
  );
  if (error)
    return (
      <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
    );
  if (fetching && !data) return <PageSkeleton rows={10} />;
  if (!data) return null;
  const e = data.experiment;
  const actions = canEdit ? ACTIONS_BY_STATUS[e.status] : [];
  return (
    <Stack maw={1100}>
      <div>
        <Anchor component={Link} to={routes.experiments(env)} size="sm">
          ← Experiments
        </Anchor>
        <Group gap="sm" align="center">
          <Title order={1} size="h2" style={{ wordBreak: 'break-all' }}>
            {e.name || e.key}
          </Title>
          <StatusBadge status={e.status} />
        </Group>
        <Text size="sm" c="dimmed">
          {e.key} on config{' '}
          <Anchor
            component={Link}
            to={routes.config(env, e.configKey)}
            size="sm"
            underline="always"
          >
            {e.configKey}
          </Anchor>
        </Text>
      </div>
      {done && <DoneNotice message={done} onDismiss={() => setDone(null)} />}
      {actions.length > 0 && (
        <Group gap="xs" role="group" aria-label="Lifecycle">
          {e.status === 'DRAFT' && (
            <Button
              component={Link}
              to={routes.editExperiment(env, e.key)}
              variant="default"
              size="sm"
            >
              Edit draft
            </Button>
          )}
          {actions.map((a) => (
            <Button
              key={a}
              size="sm"
              variant={a === 'delete' || a === 'archive' ? 'light' : 'filled'}
              color={a === 'delete' ? 'red' : undefined}
              onClick={() => setAction(a)}
            >
              {ACTION_LABELS[a]}
            </Button>
          ))}
        </Group>
      )}
      {e.hypothesis && (
        <Text size="sm">
          <strong>Hypothesis:</strong> {e.hypothesis}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Stack gap={4}>
          <Text size="sm">
            Assignment: <strong>{ASSIGNMENT_LABELS[e.assignment]}</strong>, traffic{' '}
            <strong>{e.trafficPercentage}%</strong>
          </Text>
          <Text size="sm">
            Primary metric: <strong>{e.primaryMetric.event}</strong> (
            {e.primaryMetric.kind.toLowerCase()})
          </Text>
          {e.secondaryMetrics.length > 0 && (
            <Text size="sm">
              Secondary:{' '}
              {e.secondaryMetrics.map((m) => `${m.event} (${m.kind.toLowerCase()})`).join(', ')}
            </Text>
          )}
          <Text size="sm">
            Statistics:{' '}
            {e.sequential
              ? `sequential (always-valid p-value, tuning ${e.sequentialTuning.toLocaleString()})`
              : 'fixed horizon (Holm-adjusted p-values)'}
          </Text>
          {e.targeting != null && (
            <Text size="sm" style={{ wordBreak: 'break-all' }}>
              Targeting: <code>{JSON.stringify(e.targeting)}</code>
            </Text>
          )}
          {e.winner && (
            <Text size="sm">
              Winner: <Badge variant="light">{e.winner}</Badge>
            </Text>
          )}
        </Stack>
        <Transitions experiment={e} />
      </SimpleGrid>
      <Title order={2} size="h3">
        Variants
      </Title>
      <ScrollTable label="Variants" minWidth={520}>
        <Table striped aria-label="Variants">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Variant</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>Weight</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {e.variants.map((v) => (
              <Table.Tr key={v.key}>
                <Table.Td>
                  {v.name}{' '}
                  {v.name !== v.key && (
                    <Text span size="xs" c="dimmed">
                      ({v.key})
                    </Text>
                  )}{' '}
                  {v.control && (
                    <Badge size="sm" variant="outline">
                      control
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <code>{show(v.value)}</code>
                </Table.Td>
                <Table.Td>{v.weight}%</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {e.status !== 'DRAFT' && (
        <ResultsPanel env={env} experimentKey={e.key} version={resultsVersion} />
      )}
      {action && (
        <ActionDialog
          env={env}
          experiment={e}
          action={action}
          onClose={(message) => {
            setAction(null);
            if (message) setDone(message);
          }}
        />
      )}
    </Stack>
  );
}

function Transitions({ experiment }: { experiment: ExperimentFieldsFragment }) {
  const list = experiment.transitions;
  return (
    <section aria-labelledby="transitions-title">
      <Title order={2} size="h4" id="transitions-title" mb="xs">
        Timeline
      </Title>
      <Timeline active={list.length - 1} bulletSize={14} lineWidth={2}>
        {list.map((t, i) => (
          <Timeline.Item
            key={i}
            title={
              t.from
                ? `${STATUS_LABELS[t.from]} → ${STATUS_LABELS[t.to]}`
                : `created as ${STATUS_LABELS[t.to]}`
            }
          >
            <Text size="xs">
              {at(t.at)} by {t.actorName}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
    </section>
  );
}

function ActionDialog({
  env,
  experiment,
  action,
  onClose,
}: {
  env: string;
  experiment: ExperimentFieldsFragment;
  action: LifecycleAction;
  onClose(done?: string): void;
}) {
  const navigate = useNavigate();
  const [comment, setComment] = useState('');
  const [winner, setWinner] = useState<string | null>(null);
  const [promote, setPromote] = useState(false);
  // Every hook runs on each render; the dialog uses the one of its action.
  const byAction = {
    start: useMutation(StartExperimentMutation),
    pause: useMutation(PauseExperimentMutation),
    resume: useMutation(ResumeExperimentMutation),
    complete: useMutation(CompleteExperimentMutation),
    archive: useMutation(ArchiveExperimentMutation),
    delete: useMutation(DeleteExperimentMutation),
  };
  const [state, run] = byAction[action];
  const input = { environment: env, key: experiment.key };
  const confirm = async () => {
    const withComment = comment.trim() ? { ...input, comment: comment.trim() } : input;
    const result = await (action === 'complete'
      ? run({
          input: {
            ...withComment,
            winner: winner ?? undefined,
            promoteWinner: !!winner && promote,
          },
        } as never)
      : run({ input: action === 'archive' || action === 'delete' ? input : withComment } as never));
    if (result.error) return;
    if (action === 'delete') {
      navigate(routes.experiments(env));
      return;
    }
    const version = (result.data as { completeExperiment?: { configVersion?: number | null } })
      ?.completeExperiment?.configVersion;
    onClose(
      version
        ? `Completed; ${experiment.configKey} now serves ${winner}'s value (version ${version}).`
        : `${ACTION_LABELS[action]}: done.`,
    );
  };
  return (
    <Modal opened onClose={() => onClose()} title={`${ACTION_LABELS[action]} ${experiment.key}?`}>
      <Stack>
        <Text size="sm">{actionConsequence(action, experiment.configKey)}</Text>
        {action === 'complete' && (
          <>
            <Select
              label="Winner"
              description="Optional"
              clearable
              data={experiment.variants.map((v) => ({ value: v.key, label: v.name }))}
              value={winner}
              onChange={setWinner}
            />
            <Checkbox
              label="Make the winner's value the config's value"
              disabled={!winner}
              checked={!!winner && promote}
              onChange={(e) => setPromote(e.currentTarget.checked)}
            />
          </>
        )}
        {action !== 'archive' && action !== 'delete' && (
          <Textarea
            label="Comment"
            description="Optional; recorded in the change history"
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
          />
        )}
        {state.error && <ProblemAlert error={state.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose()}>
            Cancel
          </Button>
          <Button
            color={action === 'delete' ? 'red' : undefined}
            loading={state.fetching}
            onClick={() => void confirm()}
          >
            {ACTION_LABELS[action]}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
