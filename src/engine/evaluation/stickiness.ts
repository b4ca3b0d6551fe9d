import { AttributeGetter, compileAttribute } from './attribute';

/** The stickiness used when a config names none: the user, then the device. */
export const DEFAULT_STICKINESS = ['user.id', 'device.id'];

/** The stickiness paths of a config whose `stickiness` is `path` (null: the default). */
export function stickinessPaths(path: string | null | undefined): string[] {
  return path ? [path] : DEFAULT_STICKINESS;
}

/** The subject's stickiness value, or undefined when the context has none. */
export type Stickiness = (context: unknown, targetingKey?: string) => string | undefined;

/**
 * The subject's stickiness value: the first of the paths that holds a non-empty string or a
 * finite number (numbers in their JavaScript string form), else undefined.
 */
export function compileStickiness(paths: readonly string[]): Stickiness {
  const getters: AttributeGetter[] = paths.map(compileAttribute);
  return (context, targetingKey) => {
    if (targetingKey !== undefined) return targetingKey;
    for (const get of getters) {
      const value = get(context);
      if (typeof value === 'string' && value !== '') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    }
    return undefined;
  };
}
