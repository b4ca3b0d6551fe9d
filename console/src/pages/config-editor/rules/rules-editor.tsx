import '@mantine/dates/styles.css';
import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { Alert, Button, Group, Stack, Switch, Text, VisuallyHidden } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FieldError } from '../../../api/errors';
import type { ConfigValueType } from '../../../api/gql/graphql';
import { JsonField } from '../../../components/json-field';
import { attributeMemory, attributeSuggestions, attributesIn } from './attributes';
import { BuilderContext, useBuilder, type BuilderSettings } from './builder-context';
import { RuleCard, type RuleAction } from './rule-card';
import { placeErrors } from './rule-errors';
import {
  addRule,
  duplicateRule,
  moveRule,
  removeRule,
  rulesFromApi,
  rulesToApi,
  setCondition,
  updateRuleFields,
  UnsupportedRules,
  type RuleNode,
} from './rule-tree';

type Parsed = { rules: RuleNode[]; problem: null } | { rules: null; problem: string };

function parse(value: unknown): Parsed {
  try {
    return { rules: rulesFromApi(value), problem: null };
  } catch (error) {
    if (error instanceof UnsupportedRules) return { rules: null, problem: error.message };
    throw error;
  }
}

/**
 * The builder's state for `value`, kept while the builder's own edits are what `value` holds
 * (so keys stay put for React and drag and drop), read afresh when the value changes from
 * outside: the JSON view, a restored draft, a reapply after a conflict.
 */
function useRules(value: unknown, onChange: (value: unknown) => void) {
  const json = JSON.stringify(value);
  const [state, setState] = useState(() => ({ json, parsed: parse(value) }));
  let current = state;
  if (state.json !== json) {
    current = { json, parsed: parse(value) };
    setState(current);
  }
  const update = (rules: RuleNode[]) => {
    const api = rulesToApi(rules);
    setState({ json: JSON.stringify(api), parsed: { rules, problem: null } });
    onChange(api);
  };
  return [current.parsed, update] as const;
}

/**
 * The targeting rules of a config: a visual builder (rules as cards in order, drag or
 * keyboard to reorder, a nested AND/OR tree per rule), with the JSON as a fallback. Both
 * edit the same draft value; server validation errors show at the field their path names.
 */
export function RulesEditor({
  value,
  onChange,
  errors,
  jsonError,
  valueType,
  newRuleValue,
  readOnly,
}: {
  value: unknown;
  onChange(value: unknown): void;
  /** The validation errors of the whole config; those under targetingRules are shown here. */
  errors: readonly FieldError[];
  /** The same errors as one line, for the JSON view. */
  jsonError?: string;
  valueType: ConfigValueType;
  newRuleValue: unknown;
  readOnly: boolean;
}) {
  const [parsed, update] = useRules(value, onChange);
  const [asJson, setAsJson] = useState(parsed.problem !== null);
  const [syntaxError, setSyntaxError] = useState<string | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [remembered] = useState(() => attributeMemory.load(localStorage));
  // Remember the paths of every config opened here, so other configs suggest them.
  const opened = useRef(value);
  useEffect(() => {
    attributeMemory.remember(localStorage, attributesIn(opened.current));
  }, []);
  const suggestions = useMemo(() => attributeSuggestions(value, remembered), [value, remembered]);
  const rules = parsed.rules;
  const placed = useMemo(
    () =>
      placeErrors(
        rules ?? [],
        errors.filter((e) => /^(input\.)?targetingRules\b/.test(e.path)),
      ),
    [rules, errors],
  );
  const settings: BuilderSettings = useMemo(
    () => ({ errorAt: (path) => placed.at[path]?.join('; '), suggestions, readOnly }),
    [placed, suggestions, readOnly],
  );
  const showJson = asJson || rules === null;

  const toggleJson = (on: boolean) => {
    if (on) {
      setRefused(null);
      setAsJson(true);
      return;
    }
    if (syntaxError) setRefused(`The JSON has a syntax error: ${syntaxError}`);
    else if (parsed.problem) setRefused(`The builder cannot show these rules: ${parsed.problem}.`);
    else {
      setRefused(null);
      setAsJson(false);
    }
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          First rule that matches wins; a subject outside a rule&apos;s rollout goes on to the next.
        </Text>
        <Switch
          label="Edit as JSON"
          checked={showJson}
          onChange={(e) => toggleJson(e.currentTarget.checked)}
        />
      </Group>
      {refused && showJson && (
        <Alert color="orange" role="alert" title="Staying in the JSON view">
          {refused} Fix it here to return to the builder.
        </Alert>
      )}
      {!refused && parsed.problem && (
        <Text size="sm">
          The builder cannot show these rules ({parsed.problem}); edit them as JSON.
        </Text>
      )}
      {showJson ? (
        <JsonField
          label="Rules in order"
          description='[{"id": "beta", "condition": {"all": [{"attribute": "user.plan", "operator": "equals", "value": "pro"}]}, "value": …}]'
          value={value}
          readOnly={readOnly}
          error={jsonError}
          onChange={onChange}
          onSyntaxError={setSyntaxError}
          minRows={6}
        />
      ) : (
        <BuilderContext.Provider value={settings}>
          <RuleList
            rules={rules!}
            valueType={valueType}
            onRules={update}
            onAnnounce={setAnnouncement}
            newRuleValue={newRuleValue}
          />
          {placed.unplaced.length > 0 && (
            <Alert color="red" title="Problems with the rules">
              {placed.unplaced.join('; ')}
            </Alert>
          )}
        </BuilderContext.Provider>
      )}
      <VisuallyHidden role="status">{announcement}</VisuallyHidden>
    </Stack>
  );
}

function RuleList({
  rules,
  valueType,
  onRules,
  onAnnounce,
  newRuleValue,
}: {
  rules: RuleNode[];
  valueType: ConfigValueType;
  onRules(rules: RuleNode[]): void;
  onAnnounce(message: string): void;
  newRuleValue: unknown;
}) {
  const { readOnly } = useBuilder();
  const list = useRef<HTMLDivElement>(null);
  // After a move by button the card's button keeps the focus, wherever the card went.
  const [focusAfter, setFocusAfter] = useState<{ key: string; action: RuleAction } | null>(null);
  useEffect(() => {
    if (!focusAfter) return;
    const card = list.current?.querySelector(`[data-rule-key="${focusAfter.key}"]`);
    const button =
      card?.querySelector<HTMLButtonElement>(
        `[data-action="${focusAfter.action}"]:not(:disabled)`,
      ) ??
      card?.querySelector<HTMLButtonElement>(
        '[data-action="up"]:not(:disabled), [data-action="down"]:not(:disabled)',
      );
    button?.focus();
    setFocusAfter(null);
  }, [focusAfter]);
  const sensors = useSensors(
    useSensor(PointerSensor),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const position = (key: string | number) => rules.findIndex((r) => r.key === key) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up rule ${position(active.id)}.`,
    onDragOver: ({ active, over }) =>
      over ? `Rule ${position(active.id)} is over position ${position(over.id)}.` : undefined,
    onDragEnd: ({ active, over }) =>
      over
        ? `Rule ${position(active.id)} dropped at position ${position(over.id)}.`
        : `Rule ${position(active.id)} dropped.`,
    onDragCancel: ({ active }) => `Moving rule ${position(active.id)} was cancelled.`,
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    onRules(moveRule(rules, position(active.id) - 1, position(over.id) - 1));
  };
  const act = (index: number, action: RuleAction) => {
    const key = rules[index].key;
    if (action === 'up' || action === 'down') {
      const to = action === 'up' ? index - 1 : index + 1;
      onRules(moveRule(rules, index, to));
      onAnnounce(`Rule ${index + 1} moved to position ${to + 1}.`);
      setFocusAfter({ key, action });
    } else if (action === 'duplicate') {
      onRules(duplicateRule(rules, index));
      onAnnounce(`Rule ${index + 1} duplicated as rule ${index + 2}.`);
    } else {
      onRules(removeRule(rules, index));
      onAnnounce(`Rule ${index + 1} removed.`);
    }
  };
  return (
    <Stack gap="sm" ref={list}>
      {rules.length === 0 && (
        <Text size="sm">No targeting rules: every subject gets the rollout or the default.</Text>
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={onDragEnd}
        accessibility={{ announcements }}
      >
        <SortableContext items={rules.map((r) => r.key)} strategy={verticalListSortingStrategy}>
          {rules.map((rule, index) => (
            <RuleCard
              key={rule.key}
              rule={rule}
              index={index}
              count={rules.length}
              valueType={valueType}
              onFields={(changes) => onRules(updateRuleFields(rules, index, changes))}
              onCondition={(condition) => onRules(setCondition(rules, index, condition))}
              onAction={(action) => act(index, action)}
            />
          ))}
        </SortableContext>
      </DndContext>
      {!readOnly && (
        <Group>
          <Button
            variant="light"
            onClick={() => onRules(addRule(rules, structuredClone(newRuleValue)))}
          >
            Add rule
          </Button>
        </Group>
      )}
    </Stack>
  );
}
