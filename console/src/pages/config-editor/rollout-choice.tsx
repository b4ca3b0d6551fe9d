import { Alert, Radio, Stack } from '@mantine/core';
import type { DeploymentStrategy } from '../../api/gql/graphql';
import { PlanEditor } from '../deployments/plan-editor';
import type { PlanDraft, SchedulePreview } from '../deployments/plan-draft';

export type RolloutMode = 'now' | 'deploy';

/**
 * How a change of an existing config is applied: saved for everyone at once, or deployed
 * progressively with a strategy whose schedule is previewed. A deployment carries only the
 * candidate's fields, so a change of constraints can only be applied now.
 */
export function RolloutChoice({
  mode,
  onMode,
  plan,
  preview,
  errors,
  outside,
  onStrategy,
  onPlan,
}: {
  mode: RolloutMode;
  onMode(mode: RolloutMode): void;
  plan: PlanDraft;
  preview: SchedulePreview;
  errors: Record<string, string[]>;
  /** Changed fields a deployment cannot carry. */
  outside: readonly string[];
  onStrategy(strategy: DeploymentStrategy): void;
  onPlan(plan: PlanDraft): void;
}) {
  return (
    <Stack gap="sm">
      <Radio.Group
        label="How to apply the change"
        value={mode}
        onChange={(value) => onMode(value as RolloutMode)}
      >
        <Stack gap="xs" mt={4}>
          <Radio
            value="now"
            label="Apply now"
            description="Save it: everyone is served the change at once, as a new version."
          />
          <Radio
            value="deploy"
            label="Deploy progressively"
            description="Serve it to a growing share of subjects, step by step, with pause and roll back; the last step saves it as a new version."
          />
        </Stack>
      </Radio.Group>
      {mode === 'deploy' && outside.length > 0 && (
        <Alert color="orange" title="This change cannot be deployed" role="status">
          A deployment carries the value, default value, targeting rules, rollout, stickiness and
          description; the type and constraints stay the config&apos;s. This change also edits{' '}
          {outside.join(', ')}: apply it now, or undo those fields to deploy the rest.
        </Alert>
      )}
      {mode === 'deploy' && (
        <PlanEditor
          plan={plan}
          preview={preview}
          errors={errors}
          onStrategy={onStrategy}
          onChange={onPlan}
        />
      )}
    </Stack>
  );
}
