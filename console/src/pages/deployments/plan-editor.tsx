import {
  Alert,
  Group,
  NativeSelect,
  NumberInput,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import type { DeploymentStrategy } from '../../api/gql/graphql';
import {
  STRATEGIES,
  STRATEGY_LABELS,
  shapeParameters,
  takesList,
  waitBase,
  type PlanDraft,
  type SchedulePreview,
  type WaitUnit,
} from './plan-draft';
import { scheduleSummary } from './schedule-format';
import { ScheduleTimeline } from './schedule-timeline';

const STRATEGY_HELP: Record<DeploymentStrategy, string> = {
  IMMEDIATE: 'Everyone at once, recorded as a deployment.',
  CANARY: 'A small share first, held, then everyone.',
  LINEAR: 'The same step added at each interval.',
  EXPONENTIAL: 'The share multiplied at each interval.',
};

const SHAPE_LABELS: Record<string, { label: string; percent: boolean }> = {
  canaryPercentage: { label: 'Canary share', percent: true },
  stepPercentage: { label: 'Step size', percent: true },
  initialPercentage: { label: 'First step', percent: true },
  factor: { label: 'Growth factor', percent: false },
};

/**
 * The strategy and its parameters for a progressive deployment, with the schedule they give as
 * a timeline. `errors` are at their fields (the server's answer to a start, or the same rules
 * run on the form as it is typed).
 */
export function PlanEditor({
  plan,
  preview,
  errors,
  onStrategy,
  onChange,
}: {
  plan: PlanDraft;
  preview: SchedulePreview;
  errors: Record<string, string[]>;
  /** A strategy picked: the form takes that strategy's defaults. */
  onStrategy(strategy: DeploymentStrategy): void;
  onChange(plan: PlanDraft): void;
}) {
  const errorAt = (field: string) => errors[field]?.join('; ') || undefined;
  const shape = shapeParameters(plan.strategy);
  const base = waitBase(plan.strategy);
  const listGiven = plan.percentages.trim() !== '';
  const set = (patch: Partial<PlanDraft>) => onChange({ ...plan, ...patch });
  return (
    <Stack gap="sm">
      <Radio.Group
        label="Strategy"
        value={plan.strategy}
        error={errorAt('strategy')}
        onChange={(value) => onStrategy(value as DeploymentStrategy)}
      >
        <SimpleGrid cols={{ base: 1, xs: 2 }} mt={4} spacing="xs">
          {STRATEGIES.map((s) => (
            <Radio key={s} value={s} label={STRATEGY_LABELS[s]} description={STRATEGY_HELP[s]} />
          ))}
        </SimpleGrid>
      </Radio.Group>
      {(shape.length > 0 || base) && (
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          {shape.map((name) => (
            <NumberInput
              key={name}
              label={SHAPE_LABELS[name]?.label ?? name}
              suffix={SHAPE_LABELS[name]?.percent ? '%' : undefined}
              decimalScale={name === 'factor' ? undefined : 2}
              placeholder={listGiven ? 'replaced by the steps' : 'default'}
              disabled={listGiven}
              value={plan.shape[name] ?? ''}
              error={errorAt(name)}
              onChange={(value) => set({ shape: { ...plan.shape, [name]: value } })}
            />
          ))}
          {base && (
            <Group gap="xs" align="flex-start" wrap="nowrap">
              <NumberInput
                style={{ flex: 1 }}
                label={base === 'hold' ? 'Hold' : 'Interval'}
                description={base === 'hold' ? 'Before everyone' : 'Between steps'}
                min={0}
                value={plan.wait}
                error={errorAt('wait')}
                onChange={(value) => set({ wait: value })}
              />
              <NativeSelect
                label="Unit"
                description="Of the wait"
                w={110}
                data={[
                  { value: 'minutes', label: 'minutes' },
                  { value: 'seconds', label: 'seconds' },
                ]}
                value={plan.waitUnit}
                onChange={(e) => set({ waitUnit: e.currentTarget.value as WaitUnit })}
              />
            </Group>
          )}
        </SimpleGrid>
      )}
      {takesList(plan.strategy) && (
        <TextInput
          label="Steps as a list (%)"
          description={`Optional: the percentages one by one, the last 100 (1, 5, 25, 100); they replace ${shape.map((n) => SHAPE_LABELS[n]?.label.toLowerCase() ?? n).join(' and ')}`}
          value={plan.percentages}
          error={errorAt('percentages')}
          onChange={(e) => set({ percentages: e.currentTarget.value })}
        />
      )}
      {errors[''] && (
        <Alert color="red" title="Other problems">
          {errors[''].join('; ')}
        </Alert>
      )}
      <div>
        <Text size="sm" fw={500} id="schedule-preview-title">
          Schedule preview
        </Text>
        {preview.timeline ? (
          <>
            <Text size="xs" c="dimmed" mb={4}>
              {scheduleSummary(preview.timeline)} Clock times if started now.
            </Text>
            <ScheduleTimeline
              label="Schedule preview"
              timeline={preview.timeline}
              startAt={new Date()}
            />
          </>
        ) : (
          <Text size="sm" c="red.8" role="status">
            No schedule: fix the parameters above.
          </Text>
        )}
      </div>
    </Stack>
  );
}
