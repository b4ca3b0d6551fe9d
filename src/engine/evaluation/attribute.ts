/** Reads a dotted path from a context; undefined when any step is missing. */
export type AttributeGetter = (context: unknown) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

function step(value: unknown, segment: string): unknown {
  // Own properties only: `constructor` or `__proto__` in a path never reach a prototype.
  if (typeof value !== 'object' || value === null || !hasOwn.call(value, segment)) return undefined;
  return (value as Record<string, unknown>)[segment];
}

/** Compiled once per leaf; the common one- to three-segment paths avoid a loop. */
export function compileAttribute(path: string): AttributeGetter {
  const segments = path.split('.');
  switch (segments.length) {
    case 1: {
      const [a] = segments;
      return (context) => step(context, a);
    }
    case 2: {
      const [a, b] = segments;
      return (context) => step(step(context, a), b);
    }
    case 3: {
      const [a, b, c] = segments;
      return (context) => step(step(step(context, a), b), c);
    }
    default:
      return (context) => segments.reduce<unknown>(step, context);
  }
}

/** Missing means absent or null: JSON null carries no value to compare. */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null;
}
