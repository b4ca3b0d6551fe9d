import Decimal from 'decimal.js';

const DECIMAL = /^-?\d{1,60}(\.\d{1,60})?$/;

/** A decimal travels as a JSON string of base-10 digits: `"19.99"`, `"-3"`; no exponent. */
export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL.test(value);
}

/** Exact comparison: -1, 0 or 1. "19.90" equals "19.9". */
export function compareDecimal(a: string, b: string): number {
  return new Decimal(a).comparedTo(new Decimal(b));
}
