import {
  allowsIgnoreCase,
  allowsNegate,
  defaultOperator,
  emptyOperand,
  inferType,
  operatorsFor,
  OPERATORS,
  takesSeveral,
  type AttributeType,
  type Operator,
} from './operators';
import { OPERATOR_SHAPES } from '../../../../../src/engine/operators';

/**
 * The builder's state: the API's targeting rules (DESIGN.md: `{id, name?, condition, value,
 * rolloutPercentage?}`, conditions `{all: [...]}`, `{any: [...]}` or a leaf) with a stable
 * key per rule and node for React and drag and drop, and a type per leaf. Rules and leaves
 * keep their JSON objects as they are (`fields`), so converting back gives the same JSON,
 * key order included, and anything the builder does not edit is kept for the server to judge.
 */
export interface LeafNode {
  kind: 'leaf';
  key: string;
  type: AttributeType;
  fields: Record<string, unknown>;
}

export interface GroupNode {
  kind: 'group';
  key: string;
  mode: 'all' | 'any';
  children: ConditionNode[];
}

export type ConditionNode = LeafNode | GroupNode;

export interface RuleNode {
  key: string;
  fields: Record<string, unknown>;
  /** null: the rule has no condition yet (the server requires one). */
  condition: ConditionNode | null;
}

/** Where a node is: child indices from the rule's condition (`[]` is the condition itself). */
export type NodePath = readonly number[];

let lastKey = 0;
const newKey = () => `k${++lastKey}`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOperand(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** The builder's reason for not showing some JSON; the JSON view still edits it. */
export class UnsupportedRules extends Error {}

function conditionFromApi(node: unknown, path: string): ConditionNode {
  if (!isObject(node)) throw new UnsupportedRules(`${path} is not a condition object`);
  for (const mode of ['all', 'any'] as const) {
    if (!(mode in node)) continue;
    const children = node[mode];
    if (Object.keys(node).length !== 1 || !Array.isArray(children)) {
      throw new UnsupportedRules(`${path} is not a group {"${mode}": [...]}`);
    }
    return {
      kind: 'group',
      key: newKey(),
      mode,
      children: children.map((child, i) => conditionFromApi(child, `${path}.${mode}[${i}]`)),
    };
  }
  if (!OPERATORS.includes(node.operator as Operator)) {
    throw new UnsupportedRules(`${path}.operator is not a known operator`);
  }
  if (node.attribute !== undefined && typeof node.attribute !== 'string') {
    throw new UnsupportedRules(`${path}.attribute is not text`);
  }
  const operands = leafOperands(node);
  if (node.values !== undefined && !Array.isArray(node.values)) {
    throw new UnsupportedRules(`${path}.values is not a list`);
  }
  if (!operands.every(isOperand)) {
    throw new UnsupportedRules(`${path} has a value that is not text, a number or a boolean`);
  }
  return { kind: 'leaf', key: newKey(), type: inferType(node.operator, operands), fields: node };
}

/**
 * The builder's state for the API's `targetingRules`; throws UnsupportedRules for JSON it
 * cannot show (not a list, a rule or condition that is no object, a group with other keys).
 */
export function rulesFromApi(rules: unknown): RuleNode[] {
  if (!Array.isArray(rules)) throw new UnsupportedRules('targetingRules is not a list');
  return rules.map((rule, i) => {
    const path = `targetingRules[${i}]`;
    if (!isObject(rule)) throw new UnsupportedRules(`${path} is not a rule object`);
    const condition =
      rule.condition === undefined ? null : conditionFromApi(rule.condition, `${path}.condition`);
    return { key: newKey(), fields: rule, condition };
  });
}

export function conditionToApi(node: ConditionNode): unknown {
  if (node.kind === 'leaf') return node.fields;
  return { [node.mode]: node.children.map(conditionToApi) };
}

/** The API's `targetingRules` for the builder's state. */
export function rulesToApi(rules: readonly RuleNode[]): Record<string, unknown>[] {
  return rules.map(({ fields, condition }) => {
    const entries = Object.entries(fields).filter(([field]) => field !== 'condition');
    if (condition) {
      const at = Object.keys(fields).indexOf('condition');
      entries.splice(at < 0 ? entries.length : at, 0, ['condition', conditionToApi(condition)]);
    }
    return Object.fromEntries(entries);
  });
}

/** A new condition: a string attribute to fill in, compared with equals. */
export function newLeaf(type: AttributeType = 'string'): LeafNode {
  const operator = defaultOperator(type);
  return {
    kind: 'leaf',
    key: newKey(),
    type,
    fields: { attribute: '', operator, value: emptyOperand(operator, type) },
  };
}

export function newGroup(mode: 'all' | 'any'): GroupNode {
  return { kind: 'group', key: newKey(), mode, children: [newLeaf()] };
}

/** The lowest `rule-N` no rule has as its id. */
function freeId(rules: readonly RuleNode[], stem: string): string {
  const taken = new Set(rules.map((r) => r.fields.id));
  if (!taken.has(stem) && stem !== 'rule') return stem;
  for (let n = 1; ; n += 1) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

/** A new last rule: one condition to fill in, the config's empty value, the whole rollout. */
export function addRule(rules: readonly RuleNode[], value: unknown): RuleNode[] {
  const rule: RuleNode = {
    key: newKey(),
    fields: { id: freeId(rules, 'rule'), condition: null, value },
    condition: { kind: 'group', key: newKey(), mode: 'all', children: [newLeaf()] },
  };
  return [...rules, rule];
}

function copyCondition(node: ConditionNode): ConditionNode {
  if (node.kind === 'leaf') return { ...node, key: newKey(), fields: structuredClone(node.fields) };
  return { ...node, key: newKey(), children: node.children.map(copyCondition) };
}

/** A copy of rule `index` right after it, with an id of its own. */
export function duplicateRule(rules: readonly RuleNode[], index: number): RuleNode[] {
  const rule = rules[index];
  const stem = typeof rule.fields.id === 'string' && rule.fields.id ? rule.fields.id : 'rule';
  const copy: RuleNode = {
    key: newKey(),
    fields: { ...structuredClone(rule.fields), id: freeId(rules, `${stem}-copy`) },
    condition: rule.condition && copyCondition(rule.condition),
  };
  return [...rules.slice(0, index + 1), copy, ...rules.slice(index + 1)];
}

export function removeRule(rules: readonly RuleNode[], index: number): RuleNode[] {
  return rules.filter((_, i) => i !== index);
}

/** Rule `from` moved to position `to`, the others keeping their order. */
export function moveRule(rules: readonly RuleNode[], from: number, to: number): RuleNode[] {
  if (to < 0 || to >= rules.length || from === to) return [...rules];
  const next = [...rules];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved);
  return next;
}

/** Rule `index` with some of its own fields set; `undefined` removes a field. */
export function updateRuleFields(
  rules: readonly RuleNode[],
  index: number,
  changes: Record<string, unknown>,
): RuleNode[] {
  return rules.map((rule, i) =>
    i === index ? { ...rule, fields: assign(rule.fields, changes) } : rule,
  );
}

/** `fields` with `changes` applied in place of the old keys (new keys last); undefined deletes. */
function assign(fields: Record<string, unknown>, changes: Record<string, unknown>) {
  const next: Record<string, unknown> = { ...fields, ...changes };
  for (const [field, value] of Object.entries(changes)) if (value === undefined) delete next[field];
  return next;
}

export function setCondition(
  rules: readonly RuleNode[],
  index: number,
  condition: ConditionNode | null,
): RuleNode[] {
  return rules.map((rule, i) => (i === index ? { ...rule, condition } : rule));
}

export function nodeAt(root: ConditionNode, path: NodePath): ConditionNode {
  return path.reduce<ConditionNode>((node, i) => (node as GroupNode).children[i], root);
}

/** The condition with the node at `path` replaced by what `change` makes of it. */
export function updateNode(
  root: ConditionNode,
  path: NodePath,
  change: (node: ConditionNode) => ConditionNode,
): ConditionNode {
  if (path.length === 0) return change(root);
  const group = root as GroupNode;
  const [head, ...rest] = path;
  return {
    ...group,
    children: group.children.map((child, i) =>
      i === head ? updateNode(child, rest, change) : child,
    ),
  };
}

/** The condition without the node at `path`; null when that was the condition itself. */
export function removeNode(root: ConditionNode, path: NodePath): ConditionNode | null {
  if (path.length === 0) return null;
  const parent = path.slice(0, -1);
  const index = path[path.length - 1];
  return updateNode(root, parent, (group) => ({
    ...(group as GroupNode),
    children: (group as GroupNode).children.filter((_, i) => i !== index),
  }));
}

/**
 * `child` appended to the group at `path`. A leaf there (a rule whose condition is a single
 * leaf) becomes `{all: [leaf, child]}`: the builder adds, it never replaces.
 */
export function addChild(root: ConditionNode, path: NodePath, child: ConditionNode): ConditionNode {
  return updateNode(root, path, (node) =>
    node.kind === 'group'
      ? { ...node, children: [...node.children, child] }
      : { kind: 'group', key: newKey(), mode: 'all', children: [node, child] },
  );
}

/** The group at `path` switched between all (AND) and any (OR). */
export function setMode(root: ConditionNode, path: NodePath, mode: 'all' | 'any'): ConditionNode {
  return updateNode(root, path, (node) => (node.kind === 'group' ? { ...node, mode } : node));
}

export function leafOperands(fields: Record<string, unknown>): unknown[] {
  if (Array.isArray(fields.values)) return fields.values;
  return fields.value === undefined ? [] : [fields.value];
}

/**
 * The leaf with another operator: its operands are carried into the new operator's shape
 * (one value, a list, a pair or none), and flags the operator does not take are dropped.
 */
export function setOperator(leaf: LeafNode, operator: Operator): LeafNode {
  const [arity] = OPERATOR_SHAPES[operator];
  const operands = leafOperands(leaf.fields);
  const empty = emptyOperand(operator, leaf.type);
  const changes: Record<string, unknown> = { operator, value: undefined, values: undefined };
  if (arity === 'one' || (arity === 'oneOrList' && operands.length <= 1)) {
    changes.value = operands[0] ?? empty;
  } else if (arity === 'oneOrList' || arity === 'list') {
    changes.values = operands.filter((o) => o !== null && o !== '');
  } else if (arity === 'pair') {
    changes.values = [operands[0] ?? empty, operands[1] ?? empty];
  }
  if (!allowsNegate(operator)) changes.negate = undefined;
  if (!allowsIgnoreCase(operator, leaf.type)) changes.ignoreCase = undefined;
  return { ...leaf, fields: withOrder(assign(leaf.fields, changes)) };
}

/**
 * The leaf with another attribute type: the operator stays if it fits the type, else the
 * type's first operator; operands are cleared, since they were written for the old type.
 */
export function setType(leaf: LeafNode, type: AttributeType): LeafNode {
  const current = leaf.fields.operator as Operator;
  const operator = operatorsFor(type).includes(current) ? current : defaultOperator(type);
  const cleared: LeafNode = {
    ...leaf,
    type,
    fields: assign(leaf.fields, { value: undefined, values: undefined }),
  };
  return setOperator(cleared, operator);
}

/** Several operands (`values`) or one (`value`), for operators that take either. */
export function setSeveral(leaf: LeafNode, several: boolean): LeafNode {
  const operator = leaf.fields.operator as Operator;
  if (!takesSeveral(operator)) return leaf;
  const operands = leafOperands(leaf.fields);
  const changes = several
    ? { value: undefined, values: operands.filter((o) => o !== null && o !== '') }
    : { values: undefined, value: operands[0] ?? emptyOperand(operator, leaf.type) };
  return { ...leaf, fields: withOrder(assign(leaf.fields, changes)) };
}

export function setLeafFields(leaf: LeafNode, changes: Record<string, unknown>): LeafNode {
  return { ...leaf, fields: assign(leaf.fields, changes) };
}

const LEAF_ORDER = ['attribute', 'operator', 'value', 'values', 'negate', 'ignoreCase'];

/** A leaf's fields in the usual order, whatever was added or removed. */
function withOrder(fields: Record<string, unknown>): Record<string, unknown> {
  const known = LEAF_ORDER.filter((f) => f in fields).map((f) => [f, fields[f]] as const);
  const other = Object.entries(fields).filter(([f]) => !LEAF_ORDER.includes(f));
  return Object.fromEntries([...known, ...other]);
}
