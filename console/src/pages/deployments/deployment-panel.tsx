import {
  Alert,
  Button,
  Collapse,
  Group,
  Modal,
  Paper,
  Progress,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useState, type ReactNode } from 'react';
import { useMutation } from 'urql';
import { describeProblem } from '../../api/errors';
import { DiffView } from '../../components/diff-view';
import { ProblemAlert } from '../../components/problem-alert';
import { CANDIDATE_FIELDS } from '../config-editor/draft';
import {
  ACTION_LABELS,
  ACTIONS_BY_STATUS,
  actionConsequence,
  endedNotice,
  type DeploymentAction,
} from './lifecycle';
import { STRATEGY_LABELS } from './plan-draft';
import {
  AdvanceDeploymentMutation,
  PauseDeploymentMutation,
  ResumeDeploymentMutation,
  RollbackDeploymentMutation,
} from './queries';
import { formatPercentage, nextStepCountdown } from './schedule-format';
import { ScheduleTimeline } from './schedule-timeline';
import { DeploymentStatusBadge } from './status';
import { deploymentTimeline } from '../../../../src/engine/deployment-schedule';
import type { Deployment } from './use-deployments';

/** The clock, ticking each second while `running`: the countdown reads it. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

const at = (iso: string) => <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;

/** The fields a candidate carries: what the deployment changes of the config. */
function pick(state: unknown): Record<string, unknown> {
  const record = (state ?? {}) as Record<string, unknown>;
  return Object.fromEntries(CANDIDATE_FIELDS.map((field) => [field, record[field] ?? null]));
}

/**
 * A config's active deployment on its editor page: live progress, the step and the time to
 * the next one, who started it, what it changes, and (for editors) its transitions, each
 * behind a dialog that says what happens.
 */
export function DeploymentPanel({
  deployment: d,
  stable,
  canEdit,
  onChanged,
}: {
  deployment: Deployment;
  /** The config's own state, which everyone outside the share is served. */
  stable: unknown;
  canEdit: boolean;
  onChanged(deployment: Deployment, message: string): void;
}) {
  const now = useNow(d.status === 'IN_PROGRESS');
  const [action, setAction] = useState<DeploymentAction | null>(null);
  const next = d.steps[d.currentStep + 1];
  const countdown = nextStepCountdown(d, now);
  const actions = canEdit ? ACTIONS_BY_STATUS[d.status] : [];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="deployment-title">
      <Stack gap="sm">
        <Group justify="space-between" align="center">
          <Title order={2} size="h4" id="deployment-title">
            {d.status === 'PAUSED' ? 'Deployment paused' : 'Deployment in progress'}
          </Title>
          <DeploymentStatusBadge status={d.status} />
        </Group>
        <Text size="sm">
          {STRATEGY_LABELS[d.strategy]} deployment {d.id}, started by <strong>{d.startedBy}</strong>{' '}
          {at(d.startedAt)} from version {d.fromVersion}
          {d.comment ? ` (“${d.comment}”)` : ''}.
        </Text>
        <Progress
          value={d.currentPercentage}
          size="xl"
          aria-label="Subjects served the change"
          color={d.status === 'PAUSED' ? 'violet.9' : 'teal.9'}
        />
        <Group gap="lg" role="group" aria-label="Progress">
          <Text size="sm">
            <strong>{formatPercentage(d.currentPercentage)}</strong> of subjects served the change
          </Text>
          <Text size="sm">
            Step <strong>{d.currentStep + 1}</strong> of {d.steps.length}
          </Text>
          {next && countdown && (
            <Text size="sm">
              Next step ({formatPercentage(next.percentage)}) <strong>{countdown}</strong>
            </Text>
          )}
        </Group>
        {d.status === 'PAUSED' && (
          <Text size="sm">
            Paused by <strong>{d.pausedBy ?? 'someone'}</strong>
            {d.pausedAt && <> {at(d.pausedAt)}</>}
            {d.reason ? `: “${d.reason}”` : '.'}
          </Text>
        )}
        <Reveal what="what it changes">
          <DiffView
            before={pick(stable)}
            after={pick(d.candidate)}
            beforeLabel="Stable (everyone else)"
            afterLabel="Candidate (the share)"
          />
        </Reveal>
        <Reveal what="the schedule">
          <ScheduleTimeline
            label="Deployment schedule"
            timeline={deploymentTimeline(d.steps)}
            current={d.currentStep}
          />
        </Reveal>
        {actions.length > 0 && (
          <Group gap="xs" role="group" aria-label="Deployment actions">
            {actions.map((a) => (
              <Button
                key={a}
                size="sm"
                variant={a === 'rollback' ? 'light' : 'filled'}
                color={a === 'rollback' ? 'red' : undefined}
                onClick={() => setAction(a)}
              >
                {ACTION_LABELS[a]}
              </Button>
            ))}
          </Group>
        )}
      </Stack>
      {action && (
        <ActionDialog
          deployment={d}
          action={action}
          onClose={(changed, message) => {
            setAction(null);
            if (changed && message) onChanged(changed, message);
          }}
        />
      )}
    </Paper>
  );
}

/** `children` behind a button: "Show <what>" / "Hide <what>". */
function Reveal({ what, children }: { what: string; children: ReactNode }) {
  const [open, { toggle }] = useDisclosure(false);
  return (
    <div>
      <Button size="compact-sm" variant="subtle" onClick={toggle} aria-expanded={open}>
        {open ? `Hide ${what}` : `Show ${what}`}
      </Button>
      <Collapse in={open}>{children}</Collapse>
    </div>
  );
}

function ActionDialog({
  deployment,
  action,
  onClose,
}: {
  deployment: Deployment;
  action: DeploymentAction;
  onClose(changed?: Deployment, message?: string): void;
}) {
  const [text, setText] = useState('');
  // Every hook runs on each render; the dialog uses the one of its action.
  const byAction = {
    pause: useMutation(PauseDeploymentMutation),
    resume: useMutation(ResumeDeploymentMutation),
    advance: useMutation(AdvanceDeploymentMutation),
    rollback: useMutation(RollbackDeploymentMutation),
  };
  const [state, run] = byAction[action];
  const rollback = action === 'rollback';
  const problem = state.error ? describeProblem(state.error) : null;
  const reasonError = problem?.validationErrors
    .filter((e) => e.path.replace(/^input\./, '') === 'reason')
    .map((e) => e.message)
    .join('; ');
  const confirm = async () => {
    const input = rollback
      ? { id: deployment.id, reason: text }
      : { id: deployment.id, ...(text.trim() ? { comment: text.trim() } : {}) };
    const result = await run({ input } as never);
    if (result.error || !result.data) return;
    const changed = Object.values(result.data)[0] as { deployment: Deployment };
    const d = changed.deployment;
    const message =
      endedNotice(d) ??
      (action === 'advance'
        ? `Advanced to step ${d.currentStep + 1}: ${formatPercentage(d.currentPercentage)} of subjects are served the change.`
        : `${ACTION_LABELS[action]}d.`);
    onClose(d, message);
  };
  return (
    <Modal
      opened
      onClose={() => onClose()}
      title={`${ACTION_LABELS[action]} the deployment of ${deployment.configKey}?`}
    >
      <Stack>
        <Text size="sm">{actionConsequence(action, deployment)}</Text>
        <Textarea
          label={rollback ? 'Reason' : 'Comment'}
          description={
            rollback
              ? 'Required; recorded on the deployment and in the change history'
              : 'Optional; recorded in the change history'
          }
          required={rollback}
          value={text}
          error={reasonError || undefined}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        {state.error && !reasonError && <ProblemAlert error={state.error} />}
        {rollback && !text.trim() && (
          <Alert color="gray" p="xs">
            Say why it is rolled back: the reason is kept with the deployment.
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose()}>
            Cancel
          </Button>
          <Button
            color={rollback ? 'red' : undefined}
            loading={state.fetching}
            disabled={rollback && !text.trim()}
            onClick={() => void confirm()}
          >
            {ACTION_LABELS[action]}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
