import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Stack,
  Text,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import type { ApprovalQuery as ApprovalResult, ReviewDecision } from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { DiffView } from '../../components/diff-view';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import { kindLabel, levelProgress, standing, statusColor } from './approval-text';
import {
  ApprovalQuery,
  ApprovalUpdatedSubscription,
  CancelConfigChangeMutation,
  ReviewConfigChangeMutation,
} from './queries';

type Approval = ApprovalResult['approval'];

/** One change request: what it changes against the config now, its levels and their reviews. */
export function ApprovalPage() {
  const { env = '', id = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ApprovalQuery,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  useSubscription(
    { query: ApprovalUpdatedSubscription, variables: { environment: env } },
    (_, event) => {
      if (event.approvalUpdated.approvalId === id) reload();
      return event;
    },
  );
  if (error && !data) return <ProblemAlert error={error} onRetry={reload} />;
  if (fetching && !data) return <PageSkeleton rows={8} />;
  const approval = data!.approval;
  return (
    <Stack maw={1100}>
      <Text size="sm">
        <Anchor component={Link} to={routes.approvals(env)}>
          Approvals
        </Anchor>{' '}
        / {approval.configKey}
      </Text>
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2" style={{ wordBreak: 'break-all' }}>
          {kindLabel(approval.kind)} {approval.configKey}
        </Title>
        <Group gap="xs">
          <Badge color={statusColor(approval.status)} size="lg">
            {approval.status.toLowerCase()}
          </Badge>
          <Button
            component={Link}
            to={routes.config(env, approval.configKey)}
            variant="default"
            size="xs"
          >
            Open config
          </Button>
        </Group>
      </Group>
      <Text size="sm">
        Requested by <strong>{approval.requester.name}</strong> on{' '}
        <time dateTime={approval.createdAt}>{new Date(approval.createdAt).toLocaleString()}</time>,
        based on version {approval.baseVersion}, under the policy “{approval.policyName}”. Now:{' '}
        {standing(approval)}.
      </Text>
      {approval.comment && <Text size="sm">“{approval.comment}”</Text>}
      {approval.applyAt && (
        <Text size="sm">
          Applies at{' '}
          <time dateTime={approval.applyAt}>{new Date(approval.applyAt).toLocaleString()}</time>{' '}
          once approved.
        </Text>
      )}
      {approval.reason && (
        <Alert
          color={approval.status === 'APPLIED' ? 'gray' : 'orange'}
          title={`Why it is ${approval.status.toLowerCase()}`}
        >
          {approval.reason}
        </Alert>
      )}
      {approval.diff.stale && approval.status === 'PENDING' && (
        <Alert color="orange" title="The config changed since this request" role="alert">
          It was based on version {approval.diff.baseVersion}; the config is at version{' '}
          {approval.diff.currentVersion ?? '(deleted)'} now. It will not be applied over that
          change.
        </Alert>
      )}
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={2} size="h4">
            What changes
          </Title>
          {approval.diff.proposed || approval.kind === 'DELETE' ? (
            <DiffView
              before={approval.diff.current ?? undefined}
              after={approval.diff.proposed ?? undefined}
              beforeLabel={
                approval.diff.currentVersion
                  ? `Now (v${approval.diff.currentVersion})`
                  : 'Now (no config)'
              }
              afterLabel={approval.kind === 'START_DEPLOYMENT' ? 'Candidate' : 'Proposed'}
              caption="The config now against the change requested"
            />
          ) : (
            <Text size="sm">
              No change to the config&apos;s state: {kindLabel(approval.kind).toLowerCase()}{' '}
              <code>{JSON.stringify(approval.proposal)}</code>.
            </Text>
          )}
        </Stack>
      </Paper>
      <Levels approval={approval} />
      <Decide approval={approval} onDone={reload} />
    </Stack>
  );
}

function Levels({ approval }: { approval: Approval }) {
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        Levels
      </Title>
      <Timeline
        active={approval.levels.filter((l) => l.satisfied).length - 1}
        bulletSize={16}
        aria-label="Levels, in order"
      >
        {approval.levels.map((level) => (
          <Timeline.Item
            key={level.level}
            title={`Level ${level.level + 1}: ${level.name} — ${levelProgress(level)}`}
          >
            <Text size="xs" c="dimmed">
              Needs {level.required} {level.required === 1 ? 'approval' : 'approvals'}
              {level.anyApprover ? ' from any approver' : ''}
            </Text>
            {level.reviews.length === 0 ? (
              <Text size="sm">No review yet.</Text>
            ) : (
              <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {level.reviews.map((review) => (
                  <Text size="sm" component="li" key={review.id}>
                    <strong>{review.reviewer.name}</strong>{' '}
                    {review.decision === 'APPROVE' ? 'approved' : 'rejected'} ·{' '}
                    <time dateTime={review.at}>{new Date(review.at).toLocaleString()}</time>
                    {review.comment ? ` — “${review.comment}”` : ''}
                  </Text>
                ))}
              </Stack>
            )}
          </Timeline.Item>
        ))}
      </Timeline>
    </Paper>
  );
}

/** Approve or reject (the level's approvers), cancel (the requester or an admin). */
function Decide({ approval, onDone }: { approval: Approval; onDone(): void }) {
  const { me, isAdmin } = useSession();
  const [comment, setComment] = useState('');
  const [reviewed, review] = useMutation(ReviewConfigChangeMutation);
  const [cancelled, cancel] = useMutation(CancelConfigChangeMutation);
  const open = approval.status === 'PENDING' || approval.status === 'SCHEDULED';
  const mayCancel = open && (approval.requester.keyId === me.id || isAdmin);
  if (!approval.viewerCanReview && !mayCancel) return null;
  const decide = async (decision: ReviewDecision) => {
    const result = await review({ input: { id: approval.id, decision, comment: comment || null } });
    if (!result.error) {
      setComment('');
      onDone();
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {approval.viewerCanReview ? 'Your review' : 'This request'}
        </Title>
        {reviewed.error && <ProblemAlert error={reviewed.error} />}
        {cancelled.error && <ProblemAlert error={cancelled.error} />}
        <Textarea
          label="Comment"
          autosize
          minRows={2}
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
        />
        <Group>
          {approval.viewerCanReview && (
            <>
              <Button onClick={() => void decide('APPROVE')} loading={reviewed.fetching}>
                Approve
              </Button>
              <Button
                color="red.9"
                variant="outline"
                onClick={() => void decide('REJECT')}
                loading={reviewed.fetching}
              >
                Reject
              </Button>
            </>
          )}
          {mayCancel && (
            <Button
              variant="default"
              loading={cancelled.fetching}
              onClick={async () => {
                const result = await cancel({
                  input: { id: approval.id, comment: comment || null },
                });
                if (!result.error) onDone();
              }}
            >
              Cancel request
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
