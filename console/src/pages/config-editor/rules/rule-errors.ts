import type { FieldError } from '../../../api/errors';
import { OPERATOR_SHAPES } from '../../../../../src/engine/operators';
import type { Operator } from './operators';
import type { ConditionNode, RuleNode } from './rule-tree';

const RULE_SLOTS = ['id', 'name', 'value', 'rolloutPercentage', 'condition'];
const LEAF_SLOTS = ['attribute', 'operator', 'value', 'values', 'negate', 'ignoreCase'];

/** The API path of a rule: `targetingRules[2]`. */
export const rulePath = (index: number) => `targetingRules[${index}]`;

/** The API path of a group's or leaf's child: `….condition.all[1]`. */
export const childPath = (groupPath: string, mode: 'all' | 'any', index: number) =>
  `${groupPath}.${mode}[${index}]`;

export interface PlacedErrors {
  /** Messages by the API path of the field that shows them. */
  at: Record<string, string[]>;
  /** Messages no field of the builder shows (say, on the list as a whole). */
  unplaced: string[];
}

function slotsOf(node: ConditionNode, path: string, slots: Set<string>): void {
  slots.add(path);
  if (node.kind === 'group') {
    slots.add(`${path}.${node.mode}`);
    node.children.forEach((child, i) => slotsOf(child, childPath(path, node.mode, i), slots));
    return;
  }
  for (const field of LEAF_SLOTS) slots.add(`${path}.${field}`);
  if (OPERATOR_SHAPES[node.fields.operator as Operator]?.[0] === 'pair') {
    slots.add(`${path}.values[0]`);
    slots.add(`${path}.values[1]`);
  }
}

/** `a.b[1].c` → `a.b[1]` → `a.b` → `a` → undefined. */
function parent(path: string): string | undefined {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut > 0 ? path.slice(0, cut) : undefined;
}

/**
 * Each validation error at the builder field its `path` names: the deepest rule, condition
 * or input whose path starts it. A message for something deeper than that field says
 * where (`[2]: must be a string` on a list of values, `foo: is not a rule field` on a rule).
 */
export function placeErrors(
  rules: readonly RuleNode[],
  errors: readonly FieldError[],
): PlacedErrors {
  const slots = new Set<string>();
  rules.forEach((rule, i) => {
    const path = rulePath(i);
    slots.add(path);
    for (const field of RULE_SLOTS) slots.add(`${path}.${field}`);
    if (rule.condition) slotsOf(rule.condition, `${path}.condition`, slots);
  });
  const placed: PlacedErrors = { at: {}, unplaced: [] };
  for (const error of errors) {
    const path = error.path.replace(/^input\./, '');
    let slot: string | undefined = path;
    while (slot !== undefined && !slots.has(slot)) slot = parent(slot);
    if (slot === undefined) {
      const where = path && path !== 'targetingRules' ? `${path}: ` : '';
      placed.unplaced.push(`${where}${error.message}`);
      continue;
    }
    const rest = path.slice(slot.length).replace(/^\./, '');
    (placed.at[slot] ??= []).push(rest ? `${rest}: ${error.message}` : error.message);
  }
  return placed;
}
