import type { FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';
import { canonicalJson } from './canonical-json';

/**
 * `uniqueItems` in linear time. Ajv's own compares items pairwise with a deep equality when
 * they may be objects or arrays: a 256 KB value of 30,000 small arrays is 450 million
 * comparisons, tens of seconds of the event loop. Here each item is written once as canonical
 * JSON (RFC 8785: members sorted, numbers in one form) and looked up in a map, so two items
 * are duplicates exactly when they are equal JSON values, as for Ajv. The pair reported is
 * Ajv's too: the last item that repeats an earlier one, and the nearest earlier one.
 */
const validate: SchemaValidateFunction = (unique: boolean, data: unknown[]) => {
  validate.errors = [];
  if (!unique || data.length < 2) return true;
  const lastIndex = new Map<string | undefined, number>();
  let duplicate: { i: number; j: number } | undefined;
  data.forEach((item, i) => {
    const key = canonicalJson(item);
    const j = lastIndex.get(key);
    if (j !== undefined) duplicate = { i, j };
    lastIndex.set(key, i);
  });
  if (duplicate === undefined) return true;
  const { i, j } = duplicate;
  validate.errors = [
    {
      keyword: 'uniqueItems',
      params: { i, j },
      message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
    },
  ];
  return false;
};

export const uniqueItemsKeyword: FuncKeywordDefinition = {
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  errors: true,
  validate,
};
