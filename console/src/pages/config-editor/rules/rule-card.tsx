import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ActionIcon, Group, NumberInput, Paper, Stack, Text, TextInput } from '@mantine/core';
import type { ConfigValueType } from '../../../api/gql/graphql';
import { ValueInput } from '../../../components/value-input';
import { useBuilder } from './builder-context';
import { ConditionTree } from './condition-editor';
import { ErrorText } from './error-text';
import { rulePath } from './rule-errors';
import type { ConditionNode, RuleNode } from './rule-tree';

export type RuleAction = 'up' | 'down' | 'duplicate' | 'remove';

/** One targeting rule as a card: id, name, condition tree, value and rollout. */
export function RuleCard({
  rule,
  index,
  count,
  valueType,
  onFields,
  onCondition,
  onAction,
}: {
  rule: RuleNode;
  index: number;
  count: number;
  valueType: ConfigValueType;
  onFields(changes: Record<string, unknown>): void;
  onCondition(condition: ConditionNode | null): void;
  onAction(action: RuleAction): void;
}) {
  const { errorAt, readOnly } = useBuilder();
  const sortable = useSortable({ id: rule.key, disabled: readOnly });
  const path = rulePath(index);
  const label = `Rule ${index + 1}`;
  const id = typeof rule.fields.id === 'string' ? rule.fields.id : '';
  const rollout = rule.fields.rolloutPercentage;
  const named = `rule ${index + 1}`;
  const ACTIONS: Record<RuleAction, string> = {
    up: `Move ${named} up`,
    down: `Move ${named} down`,
    duplicate: `Duplicate ${named}`,
    remove: `Remove ${named}`,
  };
  const button = (action: RuleAction, text: string, glyph: string, disabled = false) => (
    <ActionIcon
      variant="subtle"
      color={action === 'remove' ? 'red' : undefined}
      aria-label={ACTIONS[action]}
      title={text}
      data-action={action}
      disabled={disabled}
      onClick={() => onAction(action)}
    >
      {glyph}
    </ActionIcon>
  );
  return (
    <Paper
      ref={sortable.setNodeRef}
      withBorder
      p="sm"
      role="group"
      aria-label={label}
      data-rule-key={rule.key}
      style={{
        transform: CSS.Translate.toString(sortable.transform),
        transition: sortable.transition,
        position: 'relative',
        zIndex: sortable.isDragging ? 1 : undefined,
      }}
    >
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Group gap="xs">
            {!readOnly && (
              <ActionIcon
                variant="default"
                ref={sortable.setActivatorNodeRef}
                {...sortable.attributes}
                {...sortable.listeners}
                aria-label={`Drag ${label} to reorder (space to pick up, arrows to move)`}
                title="Drag to reorder"
                style={{ cursor: 'grab', touchAction: 'none' }}
              >
                ⠿
              </ActionIcon>
            )}
            <Text fw={600} size="sm">
              {label}
              {id && ` · ${id}`}
            </Text>
          </Group>
          {!readOnly && (
            <Group gap={2}>
              {button('up', 'Move up', '↑', index === 0)}
              {button('down', 'Move down', '↓', index === count - 1)}
              {button('duplicate', 'Duplicate', '❐')}
              {button('remove', 'Remove', '✕')}
            </Group>
          )}
        </Group>
        <ErrorText message={errorAt(path)} />
        <Group grow align="flex-start" gap="xs">
          <TextInput
            label="Rule id"
            description="Letters, digits, _ and -"
            required
            value={id}
            readOnly={readOnly}
            error={errorAt(`${path}.id`)}
            onChange={(e) => onFields({ id: e.currentTarget.value })}
          />
          <TextInput
            label="Name"
            description="Optional"
            value={typeof rule.fields.name === 'string' ? rule.fields.name : ''}
            readOnly={readOnly}
            error={errorAt(`${path}.name`)}
            onChange={(e) => onFields({ name: e.currentTarget.value || undefined })}
          />
        </Group>
        <ConditionTree
          condition={rule.condition}
          path={`${path}.condition`}
          ruleLabel={label}
          onChange={onCondition}
        />
        <Group grow align="flex-start" gap="xs">
          <ValueInput
            label={`Value served by ${named}`}
            valueType={valueType}
            value={rule.fields.value}
            readOnly={readOnly}
            error={errorAt(`${path}.value`)}
            onChange={(value) => onFields({ value })}
          />
          <NumberInput
            label={`Rollout of ${named} (%)`}
            description="Of the subjects it matches; empty: all"
            min={0}
            max={100}
            decimalScale={2}
            placeholder="100"
            value={typeof rollout === 'number' ? rollout : ''}
            readOnly={readOnly}
            error={errorAt(`${path}.rolloutPercentage`)}
            onChange={(v) => onFields({ rolloutPercentage: typeof v === 'number' ? v : undefined })}
          />
        </Group>
      </Stack>
    </Paper>
  );
}
