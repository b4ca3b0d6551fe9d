import {
  Anchor,
  Button,
  Fieldset,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { describeProblem } from '../../api/errors';
import type { AlertCondition, AlertOperator, AlertSeverity } from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { ConfigPicker } from '../../components/config-picker';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert, SaveProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import { errorsByField } from '../config-editor/draft';
import {
  CONDITION_HELP,
  CONDITION_LABELS,
  draftFromAlert,
  draftToInput,
  isRate,
  newDraft,
  OPERATOR_SYMBOLS,
  previewThreshold,
  thresholdUnit,
  type AlertDraft,
} from './alert-draft';
import { MetricChart } from './metric-chart';
import {
  AlertChannelsQuery,
  AlertMetricSeriesQuery,
  AlertQuery,
  CreateAlertMutation,
  DeleteAlertMutation,
  UpdateAlertMutation,
} from './queries';

const CONDITIONS = (Object.keys(CONDITION_LABELS) as AlertCondition[]).map((value) => ({
  value,
  label: CONDITION_LABELS[value],
}));
const OPERATORS: { value: AlertOperator; label: string }[] = [
  { value: 'GT', label: `above (${OPERATOR_SYMBOLS.GT})` },
  { value: 'GTE', label: `at or above (${OPERATOR_SYMBOLS.GTE})` },
  { value: 'LT', label: `below (${OPERATOR_SYMBOLS.LT})` },
  { value: 'LTE', label: `at or below (${OPERATOR_SYMBOLS.LTE})` },
];
const SEVERITIES: { value: AlertSeverity; label: string }[] = [
  { value: 'INFO', label: 'Info' },
  { value: 'WARNING', label: 'Warning' },
  { value: 'CRITICAL', label: 'Critical' },
];
const SAMPLE_HELP: Record<AlertCondition, string> = {
  ERROR_RATE: 'Evaluations in the window below which the rule does not fire',
  FETCH_RATE: 'Evaluations in the window below which the rule does not fire (0 to catch a stop)',
  USAGE_DROP: 'Evaluations in the window before below which the rule does not fire',
  VALIDATION_FAILURE: 'Refused saves below which the rule does not fire',
};

/** New alert rule, or an existing one's edit (`alerts/:id`). */
export function AlertFormPage() {
  const { env = '', id } = useParams();
  const { canEdit } = useSession();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AlertQuery,
    variables: { id: id ?? '' },
    pause: !id,
  });
  if (!canEdit) return <Navigate to={routes.alerts(env)} replace />;
  if (!id) return <AlertForm env={env} initial={newDraft()} />;
  if (error)
    return (
      <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
    );
  if (fetching || !data) return <PageSkeleton rows={10} />;
  return <AlertForm env={env} initial={draftFromAlert(data.alert)} id={id} />;
}

function AlertForm({ env, initial, id }: { env: string; initial: AlertDraft; id?: string }) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState(initial);
  const [saveError, setSaveError] = useState<CombinedError | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [created, create] = useMutation(CreateAlertMutation);
  const [updated, update] = useMutation(UpdateAlertMutation);
  const [removed, remove] = useMutation(DeleteAlertMutation);
  const [{ data: channels, error: channelsError }] = useQuery({
    query: AlertChannelsQuery,
    variables: { environment: env },
  });
  const problem = saveError ? describeProblem(saveError) : null;
  const f = useMemo(() => {
    const byField = errorsByField(problem?.validationErrors ?? []);
    return Object.fromEntries(Object.entries(byField).map(([k, v]) => [k, v.join('; ')]));
  }, [problem]);
  const set = <K extends keyof AlertDraft>(field: K, value: AlertDraft[K]) =>
    setDraft((d) => ({ ...d, [field]: value }));
  const number = (value: string | number) => (typeof value === 'number' ? value : '');

  const save = async () => {
    setSaveError(null);
    const fields = draftToInput(draft);
    const result = id
      ? await update({ input: { ...fields, id } })
      : await create({ input: { ...fields, environment: env } });
    if (result.error) {
      setSaveError(result.error);
      return;
    }
    navigate(routes.alerts(env));
  };
  const endpointOptions =
    channels?.webhookEndpoints.edges.map(({ node }) => ({
      value: node.id,
      label: `${node.description || node.url}${node.enabled ? '' : ' (off)'}`,
    })) ?? [];
  const recipientOptions =
    channels?.emailRecipients.edges.map(({ node }) => ({
      value: node.id,
      label: `${node.name ? `${node.name} <${node.address}>` : node.address}${node.enabled ? '' : ' (off)'}`,
    })) ?? [];

  return (
    <Stack maw={1000}>
      <div>
        <Anchor component={Link} to={routes.alerts(env)} size="sm">
          ← Alerts
        </Anchor>
        <Title order={1} size="h2">
          {id ? `Edit ${initial.name}` : 'New alert rule'}
        </Title>
      </div>
      {saveError && <SaveProblemAlert error={saveError} title="The rule was not saved" />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack>
          <Fieldset legend="What it watches">
            <Stack gap="xs">
              <TextInput
                label="Name"
                description="Said in notifications and in the deployment's history"
                required
                value={draft.name}
                error={f.name}
                onChange={(e) => set('name', e.currentTarget.value)}
              />
              <ConfigPicker
                env={env}
                label="Config"
                description="Leave empty to watch every config of the environment together"
                placeholder="Whole environment"
                value={draft.configKey}
                error={f.key}
                onChange={(configKey) => set('configKey', configKey)}
              />
              <Select
                label="Condition"
                description={CONDITION_HELP[draft.condition]}
                allowDeselect={false}
                data={CONDITIONS}
                value={draft.condition}
                error={f.condition}
                onChange={(value) => {
                  if (!value) return;
                  const condition = value as AlertCondition;
                  // A rate's threshold is a percent, a count's a count: start again.
                  setDraft((d) =>
                    isRate(condition) === isRate(d.condition)
                      ? { ...d, condition }
                      : { ...d, condition, threshold: '' },
                  );
                }}
              />
              <Group align="flex-start" grow>
                <Select
                  label="Fires when the value is"
                  allowDeselect={false}
                  data={OPERATORS}
                  value={draft.operator}
                  error={f.operator}
                  onChange={(value) => value && set('operator', value as AlertOperator)}
                />
                <NumberInput
                  label={`Threshold (${thresholdUnit(draft.condition)})`}
                  min={0}
                  max={isRate(draft.condition) ? 100 : undefined}
                  decimalScale={4}
                  value={draft.threshold}
                  error={f.threshold}
                  onChange={(v) => set('threshold', number(v))}
                />
                <NumberInput
                  label="Window (minutes)"
                  description="1 to 10,080 (7 days)"
                  min={1}
                  max={10080}
                  allowDecimal={false}
                  value={draft.windowMinutes}
                  error={f.windowMinutes}
                  onChange={(v) => set('windowMinutes', number(v))}
                />
              </Group>
              <Group align="flex-start" grow>
                <NumberInput
                  label="Minimum sample"
                  description={SAMPLE_HELP[draft.condition]}
                  min={0}
                  allowDecimal={false}
                  value={draft.minimumSample}
                  error={f.minimumSample}
                  onChange={(v) => set('minimumSample', number(v))}
                />
                <NumberInput
                  label="Cooldown (minutes)"
                  description="No new event this long after the last one was resolved"
                  min={0}
                  max={10080}
                  allowDecimal={false}
                  value={draft.cooldownMinutes}
                  error={f.cooldownMinutes}
                  onChange={(v) => set('cooldownMinutes', number(v))}
                />
                <Select
                  label="Severity"
                  allowDeselect={false}
                  data={SEVERITIES}
                  value={draft.severity}
                  error={f.severity}
                  onChange={(value) => value && set('severity', value as AlertSeverity)}
                />
              </Group>
            </Stack>
          </Fieldset>

          <MetricPreview env={env} draft={draft} />

          <Fieldset legend="When it fires">
            <Stack gap="xs">
              {channelsError && <ProblemAlert error={channelsError} />}
              <MultiSelect
                label="Webhook endpoints"
                description="Sent a signed alert.triggered notification (with email recipients, 20 at most)"
                placeholder={endpointOptions.length ? 'Pick endpoints' : 'No webhook endpoint yet'}
                searchable
                data={endpointOptions}
                value={draft.webhookEndpointIds}
                error={f.webhookEndpointIds}
                onChange={(ids) => set('webhookEndpointIds', ids)}
              />
              <MultiSelect
                label="Email recipients"
                placeholder={recipientOptions.length ? 'Pick recipients' : 'No email recipient yet'}
                searchable
                data={recipientOptions}
                value={draft.emailRecipientIds}
                error={f.emailRecipientIds}
                onChange={(ids) => set('emailRecipientIds', ids)}
              />
              <Switch
                label="Guards deployments: roll back (or pause) the config's active deployment when it fires"
                checked={draft.guardsDeployments}
                error={f.guardsDeployments}
                onChange={(e) => set('guardsDeployments', e.currentTarget.checked)}
              />
              <Switch
                label="Enabled"
                checked={draft.enabled}
                onChange={(e) => set('enabled', e.currentTarget.checked)}
              />
            </Stack>
          </Fieldset>

          <Group>
            <Button type="submit" loading={created.fetching || updated.fetching}>
              {id ? 'Save rule' : 'Create rule'}
            </Button>
            <Button component={Link} to={routes.alerts(env)} variant="default">
              Cancel
            </Button>
            {id && (
              <Button color="red" variant="light" ml="auto" onClick={() => setDeleting(true)}>
                Delete rule
              </Button>
            )}
          </Group>
        </Stack>
      </form>
      <Modal opened={deleting} onClose={() => setDeleting(false)} title={`Delete ${initial.name}?`}>
        <Stack>
          <Text size="sm">The rule and its events are deleted. This cannot be undone.</Text>
          {removed.error && <ProblemAlert error={removed.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={removed.fetching}
              onClick={async () => {
                const result = await remove({ input: { id: id! } });
                if (!result.error) navigate(routes.alerts(env));
              }}
            >
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/** The metric the rule would measure over the last 24 hours, redrawn as the form changes. */
function MetricPreview({ env, draft }: { env: string; draft: AlertDraft }) {
  const wanted = {
    environment: env,
    key: draft.configKey || null,
    condition: draft.condition,
    windowMinutes: draft.windowMinutes === '' ? 0 : draft.windowMinutes,
    operator: draft.operator,
    threshold: previewThreshold(draft),
    minimumSample: draft.minimumSample === '' ? 0 : draft.minimumSample,
  };
  const [variables] = useDebouncedValue(wanted, 400);
  const valid = variables.windowMinutes >= 1 && variables.windowMinutes <= 10080;
  const [{ data, error, fetching }] = useQuery({
    query: AlertMetricSeriesQuery,
    variables,
    pause: !valid,
  });
  const series = data?.alertMetricSeries;
  return (
    <Fieldset legend="Preview">
      {!valid ? (
        <Text size="sm" c="dimmed">
          Give a window of 1 to 10,080 minutes to see the metric.
        </Text>
      ) : error ? (
        <ProblemAlert error={error} />
      ) : !series || (fetching && !series) ? (
        <PageSkeleton rows={4} />
      ) : (
        <MetricChart
          condition={series.condition}
          points={series.points}
          threshold={variables.threshold}
        />
      )}
      <Text size="xs" c="dimmed" mt={4}>
        Each point is the {CONDITION_LABELS[draft.condition].toLowerCase()} over the window ending
        there, as the evaluator measures it; the dashed line is the threshold.
      </Text>
    </Fieldset>
  );
}
