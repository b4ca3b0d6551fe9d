import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Collapse,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useClient, useMutation, useQuery, type CombinedError } from 'urql';
import type { ChangeAction, ConfigChangesQuery as ChangesResult } from '../../api/gql/graphql';
import {
  ConfigChangesQuery,
  ConfigQuery,
  RollbackConfigMutation,
  VerifyChangeHistoryQuery,
} from '../../api/operations';
import { useSession } from '../../api/session-context';
import { DiffView } from '../../components/diff-view';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import { comparableState, describeVerification, toFilter } from './history-filter';

type Change = ChangesResult['configChanges']['edges'][number]['node'];
const ACTIONS: ChangeAction[] = ['CREATE', 'UPDATE', 'ROLLBACK', 'ARCHIVE', 'UNARCHIVE', 'DELETE'];

function VerifyBadge({
  environment,
  onShowEntry,
}: {
  environment: string;
  onShowEntry(id: string): void;
}) {
  const [{ data, error }] = useQuery({
    query: VerifyChangeHistoryQuery,
    variables: { environment },
  });
  if (error) return <Badge color="gray">chain not checked: reload to retry</Badge>;
  if (!data) return <Badge color="gray">checking chain…</Badge>;
  const summary = describeVerification(data.verifyChangeHistory);
  if (!summary.detail) return <Badge color="teal.9">{summary.label}</Badge>;
  const broken = summary.brokenEntryId;
  return (
    <Alert color="red" title={summary.label} role="alert" w="100%">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{summary.detail}</Text>
        {broken && (
          <Anchor component="button" type="button" size="sm" onClick={() => onShowEntry(broken)}>
            Show the first broken entry
          </Anchor>
        )}
      </Stack>
    </Alert>
  );
}

function RollbackDialog({
  environment,
  change,
  onClose,
}: {
  environment: string;
  change: Change;
  onClose(done: boolean): void;
}) {
  const [{ data, error }, reload] = useQuery({
    query: ConfigQuery,
    variables: { environment, key: change.configKey },
    requestPolicy: 'network-only',
  });
  const [rollback, run] = useMutation(RollbackConfigMutation);
  const current = data?.config;
  const isCurrent = current?.version === change.configVersion;
  const confirm = async () => {
    const result = await run({
      input: {
        environment,
        key: change.configKey,
        toVersion: change.configVersion,
        ...(current ? { expectedVersion: current.version } : {}),
        comment: `Rolled back to version ${change.configVersion}`,
      },
    });
    if (!result.error) onClose(true);
  };
  return (
    <Modal
      opened
      onClose={() => onClose(false)}
      title={`Roll back ${change.configKey} to version ${change.configVersion}?`}
      size="xl"
    >
      <Stack>
        {error ? (
          <ProblemAlert error={error} onRetry={() => reload({ requestPolicy: 'network-only' })} />
        ) : !current ? (
          <PageSkeleton rows={3} />
        ) : isCurrent ? (
          <Text size="sm">
            Version {current.version} is the current version: there is nothing to roll back. Pick an
            earlier entry.
          </Text>
        ) : (
          <>
            <Text size="sm">
              Version {current.version} (now) becomes version {current.version + 1} with the state
              of version {change.configVersion}. What changes:
            </Text>
            <DiffView
              before={comparableState(current, change.after)}
              after={comparableState(change.after, change.after)}
              beforeLabel={`Now (v${current.version})`}
              afterLabel={`After rollback (v${change.configVersion})`}
            />
          </>
        )}
        {rollback.error && <ProblemAlert error={rollback.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose(false)}>
            Cancel
          </Button>
          <Button
            color="orange"
            onClick={confirm}
            loading={rollback.fetching}
            disabled={!current || isCurrent}
          >
            Roll back
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ChangeItem({
  change,
  environment,
  broken,
  onRollback,
}: {
  change: Change;
  environment: string;
  broken: boolean;
  onRollback?: () => void;
}) {
  const [open, { toggle }] = useDisclosure(false);
  const [patch, { toggle: togglePatch }] = useDisclosure(false);
  return (
    <Stack gap={4} id={`change-${change.id}`}>
      <Group gap="xs">
        <Badge size="sm">{change.action.toLowerCase()}</Badge>
        <Anchor
          component={Link}
          to={routes.config(environment, change.configKey)}
          ff="monospace"
          size="sm"
        >
          {change.configKey}
        </Anchor>
        <Text size="sm">v{change.configVersion}</Text>
        {broken && <Badge color="red.9">first broken entry</Badge>}
      </Group>
      <Text size="sm" c="dimmed">
        {change.actor.name} ·{' '}
        <time dateTime={change.createdAt}>{new Date(change.createdAt).toLocaleString()}</time>
      </Text>
      {change.comment && <Text size="sm">“{change.comment}”</Text>}
      <Group gap="xs">
        <Button size="compact-xs" variant="subtle" onClick={toggle} aria-expanded={open}>
          {open ? 'Hide changes' : 'Show changes'}
        </Button>
        {onRollback && (
          <Button size="compact-xs" variant="subtle" onClick={onRollback}>
            Roll back to v{change.configVersion}
          </Button>
        )}
      </Group>
      <Collapse in={open}>
        <Paper withBorder p="xs">
          <DiffView before={change.before ?? undefined} after={change.after ?? undefined} />
          <Button
            size="compact-xs"
            variant="subtle"
            mt={4}
            onClick={togglePatch}
            aria-expanded={patch}
          >
            {patch ? 'Hide JSON Patch' : 'Show JSON Patch'}
          </Button>
          <Collapse in={patch}>
            <Code block style={{ whiteSpace: 'pre-wrap' }}>
              {JSON.stringify(change.diff, null, 2)}
            </Code>
          </Collapse>
        </Paper>
      </Collapse>
    </Stack>
  );
}

export function HistoryPage() {
  const { env = '' } = useParams();
  const { canEdit } = useSession();
  const client = useClient();
  const [params, setParams] = useSearchParams();
  const configKey = params.get('config') ?? '';
  // An entry to bring into view (the first broken one): older pages load until it is listed.
  const wanted = params.get('broken');
  const [actor, setActor] = useState('');
  const [action, setAction] = useState<ChangeAction | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [debouncedActor] = useDebouncedValue(actor, 300);
  const [debouncedKey] = useDebouncedValue(configKey, 300);
  const filter = toFilter({ configKey: debouncedKey, actor: debouncedActor, action, from, to });
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ConfigChangesQuery,
    variables: { environment: env, filter, first: 50 },
    requestPolicy: 'cache-and-network',
  });
  // Older pages loaded for this filter; pages of an earlier filter are dropped.
  const filterKey = JSON.stringify(filter);
  const [older, setOlder] = useState<{
    filterKey: string;
    changes: Change[];
    pageInfo: { endCursor?: string | null; hasNextPage: boolean };
  } | null>(null);
  const [olderError, setOlderError] = useState<CombinedError | null>(null);
  const [rollbackOf, setRollbackOf] = useState<Change | null>(null);
  const page = data?.configChanges;
  const more = older?.filterKey === filterKey ? older : null;
  const changes = [...(page?.edges.map((e) => e.node) ?? []), ...(more?.changes ?? [])];
  const pageInfo = more?.pageInfo ?? page?.pageInfo;
  const [loadingOlder, setLoadingOlder] = useState(false);
  const loadMore = async () => {
    setLoadingOlder(true);
    const result = await client
      .query(ConfigChangesQuery, {
        environment: env,
        filter,
        first: 50,
        after: pageInfo?.endCursor,
      })
      .toPromise();
    setLoadingOlder(false);
    setOlderError(result.error ?? null);
    if (result.data) {
      const next = result.data.configChanges;
      setOlder({
        filterKey,
        changes: [...(more?.changes ?? []), ...next.edges.map((e) => e.node)],
        pageInfo: next.pageInfo,
      });
    }
  };
  const reload = () => {
    setOlder(null);
    setOlderError(null);
    refetch({ requestPolicy: 'network-only' });
  };
  const wantedListed = wanted !== null && changes.some((c) => c.id === wanted);
  const keepLooking = wanted !== null && !wantedListed && !fetching && !loadingOlder && !olderError;
  useEffect(() => {
    if (wantedListed) {
      document.getElementById(`change-${wanted}`)?.scrollIntoView({ block: 'center' });
    } else if (keepLooking && pageInfo?.hasNextPage) {
      void loadMore();
    }
    // loadMore reads the current page state; these flags decide when to call it again.
  }, [wanted, wantedListed, keepLooking, pageInfo?.hasNextPage]);
  const showEntry = (id: string) => {
    setActor('');
    setAction(null);
    setFrom('');
    setTo('');
    setParams({ broken: id }, { replace: true });
  };
  return (
    <Stack maw={1000}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          History
        </Title>
        <VerifyBadge environment={env} onShowEntry={showEntry} />
      </Group>
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Config key"
          value={configKey}
          onChange={(e) => {
            const next = e.currentTarget.value;
            setParams(next ? { config: next } : {}, { replace: true });
          }}
        />
        <TextInput label="Actor" value={actor} onChange={(e) => setActor(e.currentTarget.value)} />
        <Select
          label="Action"
          placeholder="Any action"
          clearable
          data={ACTIONS.map((a) => ({ value: a, label: a.toLowerCase() }))}
          value={action}
          onChange={(v) => setAction(v as ChangeAction | null)}
          w={150}
        />
        <TextInput
          label="From"
          type="date"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput
          label="To"
          type="date"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
        />
      </Group>
      {error && <ProblemAlert error={error} onRetry={reload} />}
      {fetching && !data ? (
        <PageSkeleton />
      ) : changes.length === 0 ? (
        <Text>No changes match.</Text>
      ) : (
        <Timeline bulletSize={14} lineWidth={2} aria-label="Changes, newest first">
          {changes.map((change) => (
            <Timeline.Item key={change.id}>
              <ChangeItem
                change={change}
                environment={env}
                broken={change.id === wanted}
                onRollback={
                  canEdit && change.after && change.action !== 'DELETE'
                    ? () => setRollbackOf(change)
                    : undefined
                }
              />
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {olderError && <ProblemAlert error={olderError} onRetry={loadMore} />}
      {pageInfo?.hasNextPage && (
        <Button variant="default" onClick={loadMore}>
          Load older changes
        </Button>
      )}
      {rollbackOf && (
        <RollbackDialog
          environment={env}
          change={rollbackOf}
          onClose={(done) => {
            setRollbackOf(null);
            if (done) reload();
          }}
        />
      )}
    </Stack>
  );
}
