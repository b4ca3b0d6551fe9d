import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Fieldset,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { describeProblem } from '../../api/errors';
import type {
  CreateExperimentInput,
  ExperimentAssignmentType,
  MetricKind,
  UpdateExperimentInput,
} from '../../api/gql/graphql';
import { useSession } from '../../api/session-context';
import { ConfigPicker } from '../../components/config-picker';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert, SaveProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import { ErrorText } from '../config-editor/rules/error-text';
import { BuilderContext, type BuilderSettings } from '../config-editor/rules/builder-context';
import { ConditionTree } from '../config-editor/rules/condition-editor';
import { COMMON_ATTRIBUTES } from '../config-editor/rules/attributes';
import {
  draftFromExperiment,
  draftToInput,
  newDraft,
  placeExperimentErrors,
  TARGETING_SLOT,
  type ExperimentDraft,
  type MetricDraft,
} from './experiment-draft';
import {
  CreateExperimentMutation,
  ExperimentConfigQuery,
  ExperimentQuery,
  UpdateExperimentMutation,
} from './queries';
import { VariantsEditor } from './variants-editor';

const ASSIGNMENTS: { value: ExperimentAssignmentType; label: string }[] = [
  { value: 'CONSISTENT', label: 'Consistent' },
  { value: 'RANDOM', label: 'Random' },
  { value: 'TARGETING', label: 'Targeting' },
];
const ASSIGNMENT_HELP: Record<ExperimentAssignmentType, string> = {
  CONSISTENT: 'Hashed buckets of the subject: stable without storage.',
  RANDOM: 'A random draw stored at the first assignVariant call, then sticky.',
  TARGETING: 'Only subjects matching the condition below enter; consistent within.',
};
const KINDS: { value: MetricKind; label: string }[] = [
  { value: 'CONVERSION', label: 'Conversion' },
  { value: 'NUMERIC', label: 'Numeric' },
];

/** New experiment, or a draft's edit (`:key/edit`). */
export function ExperimentFormPage() {
  const { env = '', key } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ExperimentQuery,
    variables: { environment: env, key: key ?? '' },
    pause: !key,
  });
  const { canEdit } = useSession();
  const [params] = useSearchParams();
  if (!canEdit)
    return <Navigate to={key ? routes.experiment(env, key) : routes.experiments(env)} replace />;
  if (!key) return <ExperimentForm env={env} initial={newDraft(params.get('config') ?? '')} />;
  if (error)
    return (
      <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
    );
  if (fetching || !data) return <PageSkeleton rows={10} />;
  if (data.experiment.status !== 'DRAFT') {
    return (
      <Alert color="orange" title="Only a draft can be edited" role="alert">
        This experiment is {data.experiment.status.toLowerCase()}: its variants, weights and traffic
        are frozen.{' '}
        <Anchor component={Link} to={routes.experiment(env, key)}>
          Back to the experiment
        </Anchor>
      </Alert>
    );
  }
  return <ExperimentForm env={env} initial={draftFromExperiment(data.experiment)} existing />;
}

function MetricFields({
  legend,
  metric,
  error,
  onChange,
  onRemove,
}: {
  legend: string;
  metric: MetricDraft;
  error?: string;
  onChange(metric: MetricDraft): void;
  onRemove?: () => void;
}) {
  return (
    <Group align="flex-start" gap="xs">
      <TextInput
        label={`${legend}: event name`}
        placeholder="checkout.completed"
        value={metric.event}
        error={error}
        w={260}
        onChange={(e) => onChange({ ...metric, event: e.currentTarget.value })}
      />
      <Select
        label={`${legend}: kind`}
        allowDeselect={false}
        data={KINDS}
        value={metric.kind}
        w={150}
        onChange={(kind) => kind && onChange({ ...metric, kind: kind as MetricKind })}
      />
      {onRemove && (
        <ActionIcon
          variant="subtle"
          color="red"
          mt={28}
          aria-label={`Remove ${legend.toLowerCase()}`}
          onClick={onRemove}
        >
          <span aria-hidden="true">✕</span>
        </ActionIcon>
      )}
    </Group>
  );
}

function ExperimentForm({
  env,
  initial,
  existing = false,
}: {
  env: string;
  initial: ExperimentDraft;
  existing?: boolean;
}) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState(initial);
  const [saveError, setSaveError] = useState<CombinedError | null>(null);
  const [{ data: configData, error: configError }] = useQuery({
    query: ExperimentConfigQuery,
    variables: { environment: env, key: draft.configKey },
    pause: !draft.configKey,
  });
  const config = configData?.config.key === draft.configKey ? configData.config : null;
  // A new experiment's variants start with the config's current value.
  useEffect(() => {
    if (!config || existing) return;
    setDraft((d) =>
      d.variants.every((v) => v.value === null)
        ? { ...d, variants: d.variants.map((v) => ({ ...v, value: config.value })) }
        : d,
    );
  }, [config, existing]);
  const [created, create] = useMutation(CreateExperimentMutation);
  const [updated, update] = useMutation(UpdateExperimentMutation);
  const saving = created.fetching || updated.fetching;
  const problem = saveError ? describeProblem(saveError) : null;
  const placed = useMemo(
    () => placeExperimentErrors(problem?.validationErrors ?? [], draft.targeting),
    [problem, draft.targeting],
  );
  const builder: BuilderSettings = useMemo(
    () => ({
      errorAt: (path) => placed.targeting[path],
      suggestions: [...COMMON_ATTRIBUTES],
      readOnly: false,
    }),
    [placed],
  );
  const set = <K extends keyof ExperimentDraft>(field: K, value: ExperimentDraft[K]) =>
    setDraft((d) => ({ ...d, [field]: value }));
  const f = placed.fields;

  const save = async () => {
    setSaveError(null);
    const fields = draftToInput(draft);
    const result = existing
      ? await update({ input: { ...fields, environment: env } as UpdateExperimentInput })
      : await create({
          input: {
            ...fields,
            environment: env,
            configKey: draft.configKey,
          } as CreateExperimentInput,
        });
    if (result.error) {
      setSaveError(result.error);
      return;
    }
    navigate(routes.experiment(env, draft.key.trim()));
  };

  return (
    <Stack maw={960}>
      <div>
        <Anchor component={Link} to={routes.experiments(env)} size="sm">
          ← Experiments
        </Anchor>
        <Title order={1} size="h2">
          {existing ? `Edit ${initial.key}` : 'New experiment'}
        </Title>
      </div>
      {saveError && <SaveProblemAlert error={saveError} title="The experiment was not saved" />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack>
          <Fieldset legend="About">
            <Stack gap="xs">
              <TextInput
                label="Key"
                description='Lowercase letters, digits, ".", "_" and "-"; used by SDKs and events'
                required
                disabled={existing}
                value={draft.key}
                error={f.key}
                onChange={(e) => set('key', e.currentTarget.value)}
              />
              <TextInput
                label="Name"
                description="Defaults to the key"
                value={draft.name}
                error={f.name}
                onChange={(e) => set('name', e.currentTarget.value)}
              />
              <Textarea
                label="Hypothesis"
                description="What you expect to change, and why"
                autosize
                minRows={2}
                value={draft.hypothesis}
                error={f.hypothesis}
                onChange={(e) => set('hypothesis', e.currentTarget.value)}
              />
              <ConfigPicker
                env={env}
                label="Config"
                description="The variants replace this config's value for the subjects in the experiment"
                required
                value={draft.configKey}
                disabled={existing}
                error={
                  f.configKey ?? (configError ? describeProblem(configError).message : undefined)
                }
                onChange={(configKey) =>
                  setDraft((d) => ({
                    ...d,
                    configKey,
                    // Values of another config's type do not carry over.
                    variants: d.variants.map((v) => ({ ...v, value: null })),
                  }))
                }
              />
            </Stack>
          </Fieldset>

          <Fieldset legend="Variants">
            <VariantsEditor
              variants={draft.variants}
              valueType={config?.valueType ?? null}
              defaultValue={config?.value ?? null}
              errors={placed.variants}
              listError={f.variants}
              onChange={(variants) => set('variants', variants)}
            />
          </Fieldset>

          <Fieldset legend="Who enters">
            <Stack gap="xs">
              <NumberInput
                label="Traffic (%)"
                description="Share of subjects that enter the experiment; the rest get the config's usual value"
                min={0.01}
                max={100}
                decimalScale={2}
                w={260}
                value={draft.trafficPercentage}
                error={f.trafficPercentage}
                onChange={(v) => set('trafficPercentage', typeof v === 'number' ? v : 0)}
              />
              <div>
                <Text size="sm" fw={500} id="assignment-label">
                  Assignment
                </Text>
                <SegmentedControl
                  aria-labelledby="assignment-label"
                  data={ASSIGNMENTS}
                  value={draft.assignment}
                  onChange={(v) => set('assignment', v as ExperimentAssignmentType)}
                />
                <Text size="xs" c="dimmed">
                  {ASSIGNMENT_HELP[draft.assignment]}
                </Text>
                <ErrorText message={f.assignment} />
              </div>
              {draft.assignment === 'TARGETING' && (
                <BuilderContext.Provider value={builder}>
                  <ConditionTree
                    condition={draft.targeting}
                    path={TARGETING_SLOT}
                    ruleLabel="Targeting"
                    onChange={(targeting) => set('targeting', targeting)}
                  />
                </BuilderContext.Provider>
              )}
              <ErrorText message={f.targeting && `Targeting: ${f.targeting}`} />
            </Stack>
          </Fieldset>

          <Fieldset legend="Metrics">
            <Stack gap="xs">
              <MetricFields
                legend="Primary metric"
                metric={draft.primaryMetric}
                error={f.primaryMetric}
                onChange={(m) => set('primaryMetric', m)}
              />
              {draft.secondaryMetrics.map((metric, i) => (
                <MetricFields
                  key={i}
                  legend={`Secondary metric ${i + 1}`}
                  metric={metric}
                  onChange={(m) =>
                    set(
                      'secondaryMetrics',
                      draft.secondaryMetrics.map((x, j) => (j === i ? m : x)),
                    )
                  }
                  onRemove={() =>
                    set(
                      'secondaryMetrics',
                      draft.secondaryMetrics.filter((_, j) => j !== i),
                    )
                  }
                />
              ))}
              <ErrorText
                message={f.secondaryMetrics && `Secondary metrics: ${f.secondaryMetrics}`}
              />
              <Group>
                <Button
                  size="xs"
                  variant="light"
                  disabled={draft.secondaryMetrics.length >= 10}
                  onClick={() =>
                    set('secondaryMetrics', [
                      ...draft.secondaryMetrics,
                      { event: '', kind: 'CONVERSION' },
                    ])
                  }
                >
                  Add secondary metric
                </Button>
              </Group>
            </Stack>
          </Fieldset>

          <Fieldset legend="Statistics">
            <Stack gap="xs">
              <Switch
                label="Sequential mode: results read the always-valid p-value, safe to check daily"
                checked={draft.sequential}
                onChange={(e) => set('sequential', e.currentTarget.checked)}
              />
              {draft.sequential && (
                <NumberInput
                  label="Sequential tuning"
                  description="mSPRT mixing parameter (default 5,000): the sample size where the test is most sensitive"
                  min={1}
                  w={260}
                  value={draft.sequentialTuning}
                  error={f.sequentialTuning}
                  onChange={(v) => set('sequentialTuning', typeof v === 'number' ? v : 0)}
                />
              )}
            </Stack>
          </Fieldset>

          <ErrorText message={f['']} />
          <Group>
            <Button type="submit" loading={saving}>
              {existing ? 'Save draft' : 'Create draft'}
            </Button>
            <Button
              component={Link}
              to={existing ? routes.experiment(env, initial.key) : routes.experiments(env)}
              variant="default"
            >
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
