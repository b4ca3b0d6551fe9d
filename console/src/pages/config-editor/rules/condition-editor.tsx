import {
  ActionIcon,
  Autocomplete,
  Box,
  Button,
  Checkbox,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import { useBuilder } from './builder-context';
import { ErrorText } from './error-text';
import { OperandInput } from './operand-input';
import {
  allowsIgnoreCase,
  allowsNegate,
  ATTRIBUTE_TYPES,
  OPERATOR_LABELS,
  operatorsFor,
  takesSeveral,
  type Operator,
} from './operators';
import { childPath } from './rule-errors';
import {
  addChild,
  newGroup,
  newLeaf,
  nodeAt,
  removeNode,
  setLeafFields,
  setMode,
  setOperator,
  setSeveral,
  setType,
  updateNode,
  type ConditionNode,
  type GroupNode,
  type LeafNode,
  type NodePath,
} from './rule-tree';

/** Edits one rule's condition tree; every change hands back the whole new condition. */
export function ConditionTree({
  condition,
  path,
  ruleLabel,
  onChange,
}: {
  condition: ConditionNode | null;
  /** The condition's API path: `targetingRules[0].condition`. */
  path: string;
  ruleLabel: string;
  onChange(condition: ConditionNode | null): void;
}) {
  const { readOnly, errorAt } = useBuilder();
  if (!condition) {
    return (
      <Stack gap={4}>
        <Text size="sm">No condition yet: this rule needs one.</Text>
        <ErrorText message={errorAt(path)} />
        {!readOnly && (
          <Group>
            <Button size="xs" variant="light" onClick={() => onChange(newGroup('all'))}>
              Add condition
            </Button>
          </Group>
        )}
      </Stack>
    );
  }
  const edit: Edit = (at, change) => {
    const next = change(nodeAt(condition, at));
    onChange(next === null ? removeNode(condition, at) : updateNode(condition, at, () => next));
  };
  return (
    <NodeEditor
      node={condition}
      at={[]}
      path={path}
      label={`Conditions of ${ruleLabel}`}
      number=""
      edit={edit}
      isRoot
    />
  );
}

type Edit = (at: NodePath, change: (node: ConditionNode) => ConditionNode | null) => void;

interface NodeProps {
  at: NodePath;
  path: string;
  /** "1.2": where the node is, for labels a person can tell apart. */
  number: string;
  edit: Edit;
  isRoot?: boolean;
}

function NodeEditor({ node, label, ...props }: NodeProps & { node: ConditionNode; label: string }) {
  if (node.kind === 'group') return <GroupEditor group={node} label={label} {...props} />;
  return <LeafEditor leaf={node} {...props} />;
}

function AddButtons({ onAdd, where }: { onAdd(node: ConditionNode): void; where: string }) {
  return (
    <Group gap="xs">
      <Button
        size="compact-sm"
        variant="light"
        aria-label={`Add condition to ${where}`}
        onClick={() => onAdd(newLeaf())}
      >
        + Condition
      </Button>
      <Button
        size="compact-sm"
        variant="subtle"
        aria-label={`Add group to ${where}`}
        onClick={() => onAdd(newGroup('any'))}
      >
        + Group
      </Button>
    </Group>
  );
}

function RemoveButton({ label, onRemove, mt }: { label: string; onRemove(): void; mt?: number }) {
  return (
    <ActionIcon
      mt={mt}
      variant="subtle"
      color="red"
      aria-label={`Remove ${label}`}
      title={`Remove ${label.toLowerCase()}`}
      onClick={onRemove}
    >
      ✕
    </ActionIcon>
  );
}

function GroupEditor({
  group,
  at,
  path,
  number,
  edit,
  isRoot,
  label,
}: NodeProps & { group: GroupNode; label: string }) {
  const { readOnly, errorAt } = useBuilder();
  return (
    <Box
      role="group"
      aria-label={label}
      pl="sm"
      py={4}
      style={{ borderLeft: '3px solid var(--mantine-color-indigo-outline)' }}
    >
      <Stack gap="xs">
        <Group gap="xs" justify="space-between">
          <SegmentedControl
            size="xs"
            aria-label={`Match for ${label}`}
            readOnly={readOnly}
            value={group.mode}
            data={[
              { value: 'all', label: 'All of (AND)' },
              { value: 'any', label: 'Any of (OR)' },
            ]}
            onChange={(mode) => edit(at, (node) => setMode(node, [], mode as 'all' | 'any'))}
          />
          {!readOnly && !isRoot && (
            <RemoveButton label={label} onRemove={() => edit(at, () => null)} />
          )}
        </Group>
        <ErrorText message={errorAt(path) ?? errorAt(`${path}.${group.mode}`)} />
        {group.children.map((child, i) => {
          const childNumber = number ? `${number}.${i + 1}` : `${i + 1}`;
          return (
            <NodeEditor
              key={child.key}
              node={child}
              at={[...at, i]}
              path={childPath(path, group.mode, i)}
              number={childNumber}
              label={`Group ${childNumber}`}
              edit={edit}
            />
          );
        })}
        {!readOnly && (
          <AddButtons
            where={label}
            onAdd={(child) => edit(at, (node) => addChild(node, [], child))}
          />
        )}
      </Stack>
    </Box>
  );
}

function LeafEditor({ leaf, at, path, number, edit, isRoot }: NodeProps & { leaf: LeafNode }) {
  const { readOnly, errorAt, suggestions } = useBuilder();
  const label = `Condition ${number || '1'}`;
  const operator = leaf.fields.operator as Operator;
  const change = (next: (leaf: LeafNode) => LeafNode) => edit(at, (node) => next(node as LeafNode));
  const showNegate = allowsNegate(operator) || leaf.fields.negate !== undefined;
  const showIgnoreCase =
    allowsIgnoreCase(operator, leaf.type) || leaf.fields.ignoreCase !== undefined;
  return (
    <Box role="group" aria-label={label}>
      <Group gap="xs" align="flex-start" wrap="wrap">
        <Autocomplete
          label="Attribute"
          placeholder="user.country"
          w={180}
          data={suggestions}
          limit={20}
          value={typeof leaf.fields.attribute === 'string' ? leaf.fields.attribute : ''}
          readOnly={readOnly}
          error={errorAt(`${path}.attribute`)}
          onChange={(attribute) => change((l) => setLeafFields(l, { attribute }))}
        />
        <Select
          label="Type"
          w={105}
          data={ATTRIBUTE_TYPES}
          allowDeselect={false}
          value={leaf.type}
          readOnly={readOnly}
          onChange={(type) => type && change((l) => setType(l, type as LeafNode['type']))}
        />
        <Select
          label="Operator"
          w={170}
          allowDeselect={false}
          data={operatorsFor(leaf.type).map((o) => ({ value: o, label: OPERATOR_LABELS[o] }))}
          value={operator}
          readOnly={readOnly}
          error={errorAt(`${path}.operator`)}
          onChange={(o) => o && change((l) => setOperator(l, o as Operator))}
        />
        <OperandInput
          path={path}
          fields={leaf.fields}
          type={leaf.type}
          onChange={(changes) => change((l) => setLeafFields(l, changes))}
        />
        <Stack gap={6} pt={26}>
          {takesSeveral(operator) && (
            <Checkbox
              size="xs"
              label="Any of several values"
              checked={leaf.fields.values !== undefined}
              disabled={readOnly}
              onChange={(e) => change((l) => setSeveral(l, e.currentTarget.checked))}
            />
          )}
          {(
            [
              ['negate', 'Negate (NOT)', showNegate],
              ['ignoreCase', 'Ignore case', showIgnoreCase],
            ] as const
          ).map(
            ([flag, text, shown]) =>
              shown && (
                <Checkbox
                  key={flag}
                  size="xs"
                  label={text}
                  checked={leaf.fields[flag] === true}
                  disabled={readOnly}
                  error={errorAt(`${path}.${flag}`)}
                  onChange={(e) =>
                    change((l) =>
                      setLeafFields(l, { [flag]: e.currentTarget.checked || undefined }),
                    )
                  }
                />
              ),
          )}
        </Stack>
        {!readOnly && <RemoveButton label={label} onRemove={() => edit(at, () => null)} mt={26} />}
      </Group>
      <ErrorText message={errorAt(path)} />
      {isRoot && !readOnly && (
        <Box mt="xs">
          <AddButtons
            where={label}
            onAdd={(child) => edit(at, (node) => addChild(node, [], child))}
          />
        </Box>
      )}
    </Box>
  );
}
