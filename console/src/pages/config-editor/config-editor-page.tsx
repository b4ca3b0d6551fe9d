import {
  Alert,
  Anchor,
  Badge,
  Button,
  Divider,
  Fieldset,
  Grid,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Slider,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router';
import { useClient, useQuery, type CombinedError } from 'urql';
import { useDebouncedValue } from '@mantine/hooks';
import { describeProblem, type FieldError } from '../../api/errors';
import type { ConfigValueType } from '../../api/gql/graphql';
import { ConfigQuery, CreateConfigMutation, UpdateConfigMutation } from '../../api/operations';
import { useSession } from '../../api/session-context';
import { DiffView } from '../../components/diff-view';
import { DoneNotice } from '../../components/done-notice';
import { JsonField } from '../../components/json-field';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert } from '../../components/problem-alert';
import { ValueInput } from '../../components/value-input';
import { routes } from '../../routes';
import { DeploymentPanel } from '../deployments/deployment-panel';
import { blockedSaveMessage, endedNotice } from '../deployments/lifecycle';
import {
  initialPlanDraft,
  previewSchedule,
  splitStartErrors,
  toParameters,
  type ConfigDeploymentDefaults,
  type PlanDraft,
} from '../deployments/plan-draft';
import { StartDeploymentMutation } from '../deployments/queries';
import { formatPercentage } from '../deployments/schedule-format';
import { useConfigDeployments, type Deployment } from '../deployments/use-deployments';
import {
  changedFields,
  draftStore,
  emptyValue,
  errorsByField,
  newDraft,
  overlapping,
  reapply,
  toCandidate,
  toDraft,
  toInput,
  type ConfigDraft,
} from './draft';
import { RolloutChoice, type RolloutMode } from './rollout-choice';
import { GoverningApprovalPolicyQuery, RequestConfigChangeMutation } from '../approvals/queries';
import { asSaveErrors, changeRequestInput } from './request-change';
import { RulesEditor } from './rules/rules-editor';
import { SidePanels } from './side-panels';
import { useValidation } from './use-validation';

const VALUE_TYPES: ConfigValueType[] = ['BOOLEAN', 'INTEGER', 'DECIMAL', 'STRING', 'JSON', 'IMAGE'];

interface Base {
  draft: ConfigDraft;
  version: number;
}

interface Conflict {
  theirs: Base;
}

export function ConfigEditorPage({ isNew = false }: { isNew?: boolean }) {
  const { env = '', key: routeKey = '' } = useParams();
  const key = isNew ? null : routeKey;
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ConfigQuery,
    variables: { environment: env, key: routeKey },
    pause: isNew,
    requestPolicy: 'network-only',
  });
  if (!isNew && error && !data) {
    return (
      <ProblemAlert error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
    );
  }
  if (!isNew && (fetching || !data)) return <PageSkeleton rows={10} />;
  const server = data ? { draft: toDraft(data.config), version: data.config.version } : null;
  return (
    <Editor
      key={`${env}/${key ?? '(new)'}`}
      environment={env}
      configKey={key}
      server={server}
      archived={Boolean(data?.config.archivedAt)}
      deploymentDefaults={data?.config ?? null}
    />
  );
}

const NO_DEPLOYMENT_DEFAULTS: ConfigDeploymentDefaults = {
  deploymentStrategy: 'IMMEDIATE',
  deploymentConfig: {},
};

function Editor({
  environment,
  configKey,
  server,
  archived,
  deploymentDefaults,
}: {
  environment: string;
  configKey: string | null;
  server: Base | null;
  archived: boolean;
  /** The config's strategy and parameters for changes; null for a new config. */
  deploymentDefaults: ConfigDeploymentDefaults | null;
}) {
  const { canEdit } = useSession();
  const client = useClient();
  const navigate = useNavigate();
  const stored = useMemo(
    () => draftStore.load(localStorage, environment, configKey),
    [environment, configKey],
  );
  const [base, setBase] = useState<Base | null>(() =>
    stored?.base && stored.baseVersion !== null
      ? { draft: stored.base, version: stored.baseVersion }
      : server,
  );
  const [draft, setDraft] = useState<ConfigDraft>(
    () => stored?.draft ?? server?.draft ?? newDraft(),
  );
  const [restored, setRestored] = useState(Boolean(stored));
  const [conflict, setConflict] = useState<Conflict | null>(() =>
    stored && server && stored.baseVersion !== server.version ? { theirs: server } : null,
  );
  const [comment, setComment] = useState('');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<CombinedError | null>(null);
  const [saved, setSaved] = useState(false);
  // A change of an existing config is saved now or deployed (the config's strategy by default).
  const defaults = deploymentDefaults ?? NO_DEPLOYMENT_DEFAULTS;
  const [mode, setMode] = useState<RolloutMode>(() =>
    defaults.deploymentStrategy === 'IMMEDIATE' ? 'now' : 'deploy',
  );
  const [plan, setPlan] = useState<PlanDraft>(() =>
    initialPlanDraft(defaults.deploymentStrategy, defaults),
  );
  const preview = useMemo(() => previewSchedule(plan), [plan]);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<CombinedError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Where a policy governs the key, a save is a change request, optionally scheduled.
  const [applyAt, setApplyAt] = useState('');
  const [requested, setRequested] = useState<{ id: string; status: string } | null>(null);
  const [policyKey] = useDebouncedValue(configKey ?? draft.key, 300);
  const [{ data: governing }] = useQuery({
    query: GoverningApprovalPolicyQuery,
    variables: { environment, key: policyKey },
    pause: !canEdit || !policyKey,
  });
  const policy = governing?.governingApprovalPolicy ?? null;

  const dirty = base
    ? changedFields(base.draft, draft).length > 0
    : changedFields(newDraft(), draft).length > 0;
  const readOnly = !canEdit;

  // The local draft follows every edit, so a reload or a closed tab loses nothing.
  useEffect(() => {
    if (readOnly) return;
    if (dirty) {
      draftStore.save(localStorage, environment, configKey, {
        baseVersion: base?.version ?? null,
        base: base?.draft ?? null,
        draft,
        savedAt: new Date().toISOString(),
      });
    } else {
      draftStore.clear(localStorage, environment, configKey);
    }
  }, [draft, base, dirty, environment, configKey, readOnly]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !saving && currentLocation.pathname !== nextLocation.pathname,
  );

  const validationErrors = useValidation(environment, draft, canEdit && dirty);
  const saveProblem = saveError ? describeProblem(saveError) : null;
  const startProblem = startError ? describeProblem(startError) : null;
  const startErrors = splitStartErrors(startProblem?.validationErrors ?? []);
  // The plan's problems: the server's answer to a start, else the same rules on the form.
  const planErrors = startProblem?.validationErrors.length
    ? startErrors.plan
    : splitStartErrors(preview.issues ?? []).plan;
  const shownErrors: FieldError[] = saveProblem?.validationErrors.length
    ? asSaveErrors(saveProblem.validationErrors)
    : startErrors.candidate.length
      ? startErrors.candidate
      : validationErrors;
  const fieldErrors = errorsByField(shownErrors);
  const errorFor = (field: keyof ConfigDraft) => fieldErrors[field]?.join('; ');
  const set = <K extends keyof ConfigDraft>(field: K, value: ConfigDraft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [field]: value }));
  };

  const loadTheirs = async (): Promise<Base | null> => {
    const result = await client
      .query(ConfigQuery, { environment, key: draft.key }, { requestPolicy: 'network-only' })
      .toPromise();
    return result.data
      ? { draft: toDraft(result.data.config), version: result.data.config.version }
      : null;
  };

  /**
   * A deployment completed (its candidate is the config's new version): an unchanged editor
   * takes the new version; an edit in progress meets it as any other writer's version.
   */
  const followServer = async () => {
    const fresh = await loadTheirs();
    if (!fresh || !base || fresh.version === base.version) return;
    if (dirty) setConflict({ theirs: fresh });
    else {
      setBase(fresh);
      setDraft(fresh.draft);
    }
  };
  const deployments = useConfigDeployments(environment, configKey, 10, (event) => {
    // An end made elsewhere (the last step by time, a guard, another person) is told here too.
    const ended = event.deployment && endedNotice(event.deployment);
    if (ended) setNotice(ended);
    if (event.action === 'DEPLOYMENT_COMPLETED') void followServer();
  });
  const active = deployments.active;
  const deploymentChanged = (deployment: Deployment, message: string) => {
    deployments.show(deployment);
    setNotice(message);
    if (deployment.status === 'COMPLETED') void followServer();
  };

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    const input = {
      ...toInput(draft, base?.draft ?? null),
      environment,
      ...(comment ? { comment } : {}),
    };
    const result = base
      ? await client
          .mutation(UpdateConfigMutation, {
            input: { ...input, expectedVersion: base.version } as never,
          })
          .toPromise()
      : await client.mutation(CreateConfigMutation, { input: input as never }).toPromise();
    setSaving(false);
    if (result.error) {
      const problem = describeProblem(result.error);
      // A CONFLICT naming a deployment or experiment is not another person's version.
      if (problem.code === 'CONFLICT' && !problem.heldBy && base) {
        const theirs = await loadTheirs();
        if (theirs) {
          setConflict({ theirs });
          return;
        }
      }
      setSaveError(result.error);
      return;
    }
    draftStore.clear(localStorage, environment, configKey);
    setComment('');
    setRestored(false);
    if (!base) {
      // The draft is saved; leave without the unsaved-changes prompt.
      setBase({ draft, version: 1 });
      navigate(routes.config(environment, draft.key), { replace: true });
      return;
    }
    const fresh = await loadTheirs();
    if (fresh) {
      setBase(fresh);
      setDraft(fresh.draft);
    }
    setSaved(true);
  };

  /** The draft as a deployment's candidate, with the plan of the form. */
  const start = async () => {
    if (!base || !configKey) return;
    setStarting(true);
    setStartError(null);
    setSaveError(null);
    setNotice(null);
    const result = await client
      .mutation(StartDeploymentMutation, {
        input: {
          environment,
          key: configKey,
          expectedVersion: base.version,
          candidate: toCandidate(base.draft, draft).candidate,
          strategy: plan.strategy,
          parameters: toParameters(plan),
          ...(comment ? { comment } : {}),
        },
      })
      .toPromise();
    setStarting(false);
    if (result.error || !result.data) {
      const problem = result.error ? describeProblem(result.error) : null;
      if (problem?.code === 'CONFLICT' && !problem.heldBy) {
        const theirs = await loadTheirs();
        if (theirs && theirs.version !== base.version) {
          setConflict({ theirs });
          return;
        }
      }
      setStartError(result.error ?? null);
      return;
    }
    const deployment = result.data.startDeployment.deployment;
    deployments.show(deployment);
    draftStore.clear(localStorage, environment, configKey);
    setComment('');
    setRestored(false);
    setSaved(false);
    if (deployment.status === 'COMPLETED') {
      const fresh = await loadTheirs();
      if (fresh) {
        setBase(fresh);
        setDraft(fresh.draft);
      }
      setNotice(endedNotice(deployment));
      return;
    }
    // The change lives in the deployment now; the editor shows the config's own state.
    setDraft(base.draft);
    setNotice(
      `Deployment started: ${formatPercentage(deployment.currentPercentage)} of subjects are served the change.`,
    );
  };
  const changePlan = (next: PlanDraft) => {
    setStartError(null);
    setPlan(next);
  };
  /** The draft as a change request; nothing is saved until its reviewers approve it. */
  const requestChange = async () => {
    setSaving(true);
    setSaveError(null);
    setRequested(null);
    const result = await client
      .mutation(RequestConfigChangeMutation, {
        input: changeRequestInput(environment, draft, base, comment, applyAt),
      })
      .toPromise();
    setSaving(false);
    if (result.error || !result.data) {
      setSaveError(result.error ?? null);
      return;
    }
    const { approval } = result.data.requestConfigChange;
    draftStore.clear(localStorage, environment, configKey);
    setComment('');
    setApplyAt('');
    setRestored(false);
    setDraft(base?.draft ?? newDraft());
    setRequested({ id: approval.id, status: approval.status });
  };

  const reapplyMine = () => {
    if (!conflict || !base) return;
    setDraft(reapply(base.draft, draft, conflict.theirs.draft));
    setBase(conflict.theirs);
    setConflict(null);
    setSaveError(null);
  };
  const takeTheirs = () => {
    if (!conflict) return;
    setDraft(conflict.theirs.draft);
    setBase(conflict.theirs);
    setConflict(null);
    setSaveError(null);
  };
  const discardDraft = () => {
    const start = server ?? null;
    setDraft(start?.draft ?? newDraft());
    setBase(start);
    setConflict(null);
    setRestored(false);
  };

  const deploying = mode === 'deploy' && Boolean(base && configKey) && !policy;
  const outside = base ? toCandidate(base.draft, draft).outside : [];
  const numericConstraints = draft.valueType === 'INTEGER' || draft.valueType === 'DECIMAL';
  const textConstraints = draft.valueType === 'STRING' || draft.valueType === 'IMAGE';
  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Text size="sm">
            <Anchor component={Link} to={routes.configs(environment)}>
              Configs
            </Anchor>{' '}
            / {configKey ?? 'new'}
          </Text>
          <Title order={1} size="h2" style={{ wordBreak: 'break-all' }}>
            {configKey ?? 'New config'}
          </Title>
        </div>
        <Group gap="xs">
          {base && <Badge>version {base.version}</Badge>}
          {archived && <Badge color="gray">archived</Badge>}
          {dirty && <Badge color="yellow">unsaved changes</Badge>}
          {configKey &&
            [
              { label: 'History', to: routes.history(environment, configKey) },
              { label: 'Experiments', to: routes.experiments(environment, configKey) },
              { label: 'Deployments', to: routes.deployments(environment, configKey) },
            ].map((link) => (
              <Button key={link.label} component={Link} to={link.to} variant="default" size="xs">
                {link.label}
              </Button>
            ))}
        </Group>
      </Group>

      {readOnly && (
        <Alert color="gray" title="Read only">
          Your API key can read configs but not change them.
        </Alert>
      )}
      {restored && !conflict && dirty && (
        <Alert
          color="blue"
          title="Unsaved changes restored"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setRestored(false)}
        >
          <Group justify="space-between">
            <span>Your edit from before the reload is back. Save it, or discard it.</span>
            <Button size="xs" variant="light" onClick={discardDraft}>
              Discard my changes
            </Button>
          </Group>
        </Alert>
      )}
      {conflict && base && (
        <Alert color="orange" title="Someone else saved this config meanwhile" role="alert">
          <Stack gap="sm">
            <Text size="sm">
              You edited version {base.version}; it is now at version {conflict.theirs.version}.
              Below: their version against yours. Reapply puts your changed fields on top of their
              version
              {overlapping(base.draft, draft, conflict.theirs.draft).length > 0 &&
                ` (both of you changed: ${overlapping(base.draft, draft, conflict.theirs.draft).join(', ')})`}
              ; nothing is saved until you save again.
            </Text>
            <DiffView
              before={conflict.theirs.draft}
              after={draft}
              beforeLabel={`Theirs (v${conflict.theirs.version})`}
              afterLabel="Yours"
            />
            <Group>
              <Button onClick={reapplyMine}>Reapply my edit on their version</Button>
              <Button variant="default" onClick={takeTheirs}>
                Discard mine, keep theirs
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {saveError && saveProblem && !saveProblem.validationErrors.length && (
        <ProblemAlert error={saveError} />
      )}
      {requested && (
        <Alert color="blue" title="Change requested" role="status">
          Your change waits for the approvals of the policy “{policy?.name}”; it applies once they
          approve.{' '}
          <Anchor component={Link} to={routes.approval(environment, requested.id)}>
            See the request
          </Anchor>
        </Alert>
      )}
      {saved && !dirty && (
        <Alert color="teal" title="Saved" role="status">
          Saved as version {base?.version}.
        </Alert>
      )}
      {notice && <DoneNotice message={notice} onDismiss={() => setNotice(null)} />}
      {active && (
        <DeploymentPanel
          deployment={active}
          stable={base?.draft}
          canEdit={canEdit}
          onChanged={deploymentChanged}
        />
      )}

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Fieldset legend="General">
              <Stack gap="sm">
                {!configKey && (
                  <TextInput
                    label="Key"
                    description='Lowercase letters, digits, ".", "_" and "-"'
                    required
                    value={draft.key}
                    error={errorFor('key')}
                    onChange={(e) => set('key', e.currentTarget.value)}
                  />
                )}
                <TextInput
                  label="Description"
                  value={draft.description}
                  readOnly={readOnly}
                  error={errorFor('description')}
                  onChange={(e) => set('description', e.currentTarget.value)}
                />
                <Select
                  label="Value type"
                  data={VALUE_TYPES.map((t) => ({ value: t, label: t.toLowerCase() }))}
                  value={draft.valueType}
                  readOnly={readOnly || Boolean(configKey)}
                  allowDeselect={false}
                  onChange={(v) => {
                    const valueType = (v ?? 'BOOLEAN') as ConfigValueType;
                    setDraft((d) => ({
                      ...d,
                      valueType,
                      value: emptyValue(valueType),
                      defaultValue: emptyValue(valueType),
                    }));
                  }}
                />
              </Stack>
            </Fieldset>
            <Fieldset legend="Values">
              <Stack gap="sm">
                <ValueInput
                  label="Value (inside the rollout)"
                  valueType={draft.valueType}
                  value={draft.value}
                  readOnly={readOnly}
                  error={errorFor('value')}
                  onChange={(v) => set('value', v)}
                />
                <ValueInput
                  label="Default value"
                  valueType={draft.valueType}
                  value={draft.defaultValue}
                  readOnly={readOnly}
                  error={errorFor('defaultValue')}
                  onChange={(v) => set('defaultValue', v)}
                />
                <div>
                  <Text size="sm" fw={500} id="rollout-label">
                    Rollout percentage
                  </Text>
                  <Group align="center" wrap="nowrap">
                    <Slider
                      style={{ flex: 1 }}
                      aria-labelledby="rollout-label"
                      thumbLabel="Rollout percentage"
                      min={0}
                      max={100}
                      step={1}
                      value={draft.rolloutPercentage}
                      disabled={readOnly}
                      onChange={(v) => set('rolloutPercentage', v)}
                    />
                    <NumberInput
                      aria-label="Rollout percentage, exact"
                      w={100}
                      min={0}
                      max={100}
                      decimalScale={4}
                      suffix="%"
                      value={draft.rolloutPercentage}
                      readOnly={readOnly}
                      error={errorFor('rolloutPercentage')}
                      onChange={(v) => set('rolloutPercentage', typeof v === 'number' ? v : 0)}
                    />
                  </Group>
                </div>
                <TextInput
                  label="Stickiness"
                  description="Attribute that buckets subjects; empty: user.id, then device.id"
                  value={draft.stickiness ?? ''}
                  readOnly={readOnly}
                  error={errorFor('stickiness')}
                  onChange={(e) => set('stickiness', e.currentTarget.value || null)}
                />
              </Stack>
            </Fieldset>
            <Fieldset legend="Constraints">
              <Stack gap="sm">
                {numericConstraints && (
                  <SimpleGrid cols={2}>
                    <ValueInput
                      label="Minimum value"
                      valueType={draft.valueType}
                      value={draft.minValue}
                      readOnly={readOnly}
                      error={errorFor('minValue')}
                      onChange={(v) => set('minValue', v === '' ? null : v)}
                    />
                    <ValueInput
                      label="Maximum value"
                      valueType={draft.valueType}
                      value={draft.maxValue}
                      readOnly={readOnly}
                      error={errorFor('maxValue')}
                      onChange={(v) => set('maxValue', v === '' ? null : v)}
                    />
                  </SimpleGrid>
                )}
                {textConstraints && (
                  <>
                    <SimpleGrid cols={2}>
                      <NumberInput
                        label="Minimum length"
                        min={0}
                        allowDecimal={false}
                        value={draft.minLength ?? ''}
                        readOnly={readOnly}
                        error={errorFor('minLength')}
                        onChange={(v) => set('minLength', typeof v === 'number' ? v : null)}
                      />
                      <NumberInput
                        label="Maximum length"
                        min={0}
                        allowDecimal={false}
                        value={draft.maxLength ?? ''}
                        readOnly={readOnly}
                        error={errorFor('maxLength')}
                        onChange={(v) => set('maxLength', typeof v === 'number' ? v : null)}
                      />
                    </SimpleGrid>
                    <TextInput
                      label="Pattern (RE2, whole value)"
                      value={draft.pattern ?? ''}
                      readOnly={readOnly}
                      error={errorFor('pattern')}
                      onChange={(e) => set('pattern', e.currentTarget.value || null)}
                    />
                  </>
                )}
                <JsonField
                  label="Allowed values (JSON array)"
                  nullable
                  value={draft.allowedValues}
                  readOnly={readOnly}
                  error={errorFor('allowedValues')}
                  onChange={(v) => set('allowedValues', v)}
                  minRows={1}
                />
                {draft.valueType === 'JSON' && (
                  <JsonField
                    label="Validation schema (JSON Schema 2020-12)"
                    nullable
                    value={draft.validationSchema}
                    readOnly={readOnly}
                    error={errorFor('validationSchema')}
                    onChange={(v) => set('validationSchema', v)}
                  />
                )}
              </Stack>
            </Fieldset>
            <Fieldset legend="Targeting rules">
              <RulesEditor
                value={draft.targetingRules}
                onChange={(v) => set('targetingRules', v)}
                errors={shownErrors}
                jsonError={errorFor('targetingRules')}
                valueType={draft.valueType}
                newRuleValue={draft.value}
                readOnly={readOnly}
              />
            </Fieldset>
            {fieldErrors[''] && (
              <Alert color="red" title="Other problems">
                {fieldErrors[''].join('; ')}
              </Alert>
            )}
            {canEdit && (
              <>
                <Divider />
                {!policy && base && configKey && (
                  <RolloutChoice
                    mode={mode}
                    onMode={(next) => {
                      setStartError(null);
                      setMode(next);
                    }}
                    plan={plan}
                    preview={preview}
                    errors={planErrors}
                    outside={outside}
                    onStrategy={(strategy) => changePlan(initialPlanDraft(strategy, defaults))}
                    onPlan={changePlan}
                  />
                )}
                {active && (
                  <Alert color="orange" title="Saving is blocked" role="status">
                    {blockedSaveMessage(active)}
                  </Alert>
                )}
                {startProblem && (
                  <Alert color="red" title="The deployment was not started" role="alert">
                    {startProblem.validationErrors.length
                      ? `${startProblem.message} (shown at the fields).`
                      : startProblem.message}
                  </Alert>
                )}
                {policy && (
                  <Text size="sm">
                    Changes to this config need approval under the policy “{policy.name}”: saving
                    asks for it.
                  </Text>
                )}
                <Group align="flex-end">
                  <TextInput
                    label={policy ? 'Comment for the reviewers' : 'Comment for the history'}
                    style={{ flex: 1 }}
                    value={comment}
                    onChange={(e) => setComment(e.currentTarget.value)}
                  />
                  {policy && (
                    <TextInput
                      label="Apply at (optional)"
                      type="datetime-local"
                      value={applyAt}
                      onChange={(e) => setApplyAt(e.currentTarget.value)}
                    />
                  )}
                  {policy ? (
                    <Button
                      onClick={requestChange}
                      loading={saving}
                      disabled={!dirty || Boolean(conflict) || Boolean(active)}
                    >
                      Request change
                    </Button>
                  ) : deploying ? (
                    <Button
                      onClick={start}
                      loading={starting}
                      disabled={
                        !dirty || Boolean(conflict) || Boolean(active) || outside.length > 0
                      }
                    >
                      Start deployment
                    </Button>
                  ) : (
                    <Button
                      onClick={save}
                      loading={saving}
                      disabled={!dirty || Boolean(conflict) || Boolean(active)}
                    >
                      {base ? 'Save' : 'Create config'}
                    </Button>
                  )}
                </Group>
              </>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <SidePanels
            environment={environment}
            configKey={configKey}
            draft={draft}
            deployments={deployments.recent}
          />
        </Grid.Col>
      </Grid>

      <Modal
        opened={blocker.state === 'blocked'}
        onClose={() => blocker.reset?.()}
        title="Leave with unsaved changes?"
      >
        <Stack>
          <Text size="sm">
            Your changes are not saved. They stay as a draft in this browser and come back when you
            return.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => blocker.reset?.()}>
              Stay
            </Button>
            <Button color="red" onClick={() => blocker.proceed?.()}>
              Leave
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
