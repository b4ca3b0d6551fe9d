/** Context paths most configs target (DESIGN.md's context: user, device, app). */
export const COMMON_ATTRIBUTES = [
  'user.id',
  'user.email',
  'user.country',
  'user.plan',
  'device.id',
  'device.os',
  'app.version',
];

const MEMORY_KEY = 'business-config.attributes';
const MEMORY_SIZE = 100;

/** Every attribute path the conditions of `rules` (the API's JSON) name, in order of use. */
export function attributesIn(rules: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (typeof record.attribute === 'string' && record.attribute) found.add(record.attribute);
      visit(record.condition);
      visit(record.all);
      visit(record.any);
    }
  };
  visit(rules);
  return [...found];
}

/**
 * Suggestions for an attribute input: the paths this config uses, then those remembered from
 * other configs opened in this browser, then the common ones; each once.
 */
export function attributeSuggestions(rules: unknown, remembered: readonly string[]): string[] {
  return [...new Set([...attributesIn(rules), ...remembered, ...COMMON_ATTRIBUTES])];
}

/** Paths seen in configs opened in this browser, newest first, so other configs suggest them. */
export const attributeMemory = {
  load(storage: Storage): string[] {
    try {
      const list: unknown = JSON.parse(storage.getItem(MEMORY_KEY) ?? '[]');
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      return [];
    }
  },
  remember(storage: Storage, paths: readonly string[]): string[] {
    const list = [...new Set([...paths, ...this.load(storage)])].slice(0, MEMORY_SIZE);
    storage.setItem(MEMORY_KEY, JSON.stringify(list));
    return list;
  },
};
