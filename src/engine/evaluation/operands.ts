const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * Numeric operators accept finite numbers and numeric strings; anything else is a type
 * mismatch. A numeric string is what `Number()` reads as a finite number once trimmed, in
 * decimal notation only: `"+5"`, `".5"`, `" 2.5 "`, `"1e3"` are numbers; `"0x10"`, `""`,
 * `"Infinity"` and `"1e400"` (which overflows, like the number 1e400) are not.
 */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC.test(value)) {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}

export type Scalar = string | number | boolean;

const SMALL_SET = 8;

export function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Equality of a context value against a set of operands, by type: a string is compared
 * with the string operands only (case-folded with ignoreCase), a number with the numbers, a
 * boolean with the booleans. A value of a type no operand has is a type mismatch.
 */
export class ScalarSet {
  private readonly strings = new Set<string>();
  private readonly numbers = new Set<number>();
  private readonly booleans = new Set<boolean>();

  constructor(
    operands: readonly unknown[],
    private readonly ignoreCase: boolean,
  ) {
    for (const operand of operands) {
      if (typeof operand === 'string')
        this.strings.add(ignoreCase ? operand.toLowerCase() : operand);
      else if (typeof operand === 'number') this.numbers.add(operand);
      else if (typeof operand === 'boolean') this.booleans.add(operand);
    }
  }

  /**
   * `has` for this set, specialised: most sets hold strings only, compared exactly, and their
   * test is one typeof and one Set lookup.
   */
  compile(): (value: unknown) => boolean | undefined {
    const { strings, numbers, booleans, ignoreCase } = this;
    if (!ignoreCase && numbers.size === 0 && booleans.size === 0) {
      if (strings.size > SMALL_SET) {
        return (value) => (typeof value === 'string' ? strings.has(value) : undefined);
      }
      // A few strings compare faster one by one than through a hash lookup.
      const list = [...strings];
      return (value) => (typeof value === 'string' ? list.includes(value) : undefined);
    }
    return (value) => this.has(value);
  }

  /** true/false, or undefined for a type mismatch. */
  has(value: unknown): boolean | undefined {
    switch (typeof value) {
      case 'string':
        if (this.strings.size === 0) return undefined;
        return this.strings.has(this.ignoreCase ? value.toLowerCase() : value);
      case 'number':
        return this.numbers.size === 0 ? undefined : this.numbers.has(value);
      case 'boolean':
        return this.booleans.size === 0 ? undefined : this.booleans.has(value);
      default:
        return undefined;
    }
  }
}
