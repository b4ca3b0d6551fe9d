import { compileAttribute, AttributeGetter } from './attribute';

/**
 * Evaluating one context against many configs (an app fetching all its flags) repeats the
 * same work: configs share conditions (`user.plan = "pro"`, `country in EU`) and read the
 * same attributes. Configs compiled with one `SharedConditions` give each distinct condition
 * (subtrees are interned by a key built bottom-up, see conditions.ts) and each attribute path
 * one memo slot, and each slot is computed once per evaluation session: `evaluateAll` opens
 * one session per context, a single `evaluate` opens its own. Evaluation is synchronous, so
 * sessions never interleave.
 */
const session = { id: 0 };

/** Starts a new session: every memoized answer from before is stale. */
export function beginSession(): void {
  session.id += 1;
}

/** `compute`, answered once per session. */
export function memoize<T>(compute: (context: unknown, targetingKey?: string) => T) {
  let seen = -1;
  let value: T;
  return (context: unknown, targetingKey?: string): T => {
    if (seen !== session.id) {
      value = compute(context, targetingKey);
      seen = session.id;
    }
    return value;
  };
}

/**
 * The memo of one table, read by generated condition code (see conditions.ts): per condition
 * slot the session it was answered in and its answer; per attribute slot likewise, and the
 * getter that reads it. Plain arrays: they grow in place, so compiled code keeps seeing them.
 */
export class MemoTable {
  readonly session = session;
  readonly answered: number[] = [];
  readonly answers: boolean[] = [];
  readonly attributeRead: number[] = [];
  readonly attributes: unknown[] = [];
  readonly getters: AttributeGetter[] = [];

  conditionSlot(): number {
    this.answered.push(-1);
    return this.answers.push(false) - 1;
  }

  attributeSlot(path: string): number {
    this.attributeRead.push(-1);
    this.attributes.push(undefined);
    return this.getters.push(compileAttribute(path)) - 1;
  }

  /** Slot `slot`'s answer, stored for session `id`. */
  answer(slot: number, id: number, answer: boolean): boolean {
    this.answered[slot] = id;
    this.answers[slot] = answer;
    return answer;
  }

  /** The value of attribute slot `slot` in this session's context, read once per session. */
  read(slot: number, context: unknown, id: number): unknown {
    if (this.attributeRead[slot] === id) return this.attributes[slot];
    this.attributeRead[slot] = id;
    return (this.attributes[slot] = this.getters[slot](context));
  }
}

/**
 * The interning table of one set of configs (an environment's snapshot), with its memo. It
 * only grows; a config compiled past `limit` entries starts it afresh, which costs sharing
 * with older configs, never correctness (they keep the memo they were compiled with), and
 * bounds the memory a long run of edits can hold.
 */
export class SharedConditions {
  private entries = new Map<string, unknown>();
  private table = new MemoTable();

  constructor(private readonly limit = 50_000) {}

  /**
   * The memo for the condition about to be compiled, called before it interns anything: all
   * of one condition's slots are in one table.
   */
  memoForCondition(): MemoTable {
    if (this.entries.size >= this.limit) {
      this.entries = new Map();
      this.table = new MemoTable();
    }
    return this.table;
  }

  /**
   * What was already made for `key` of this kind, or what `make` makes now. Equal keys must
   * mean equal things: callers build them so (see conditions.ts), cheaply, since a large config
   * interns every one of its nodes.
   */
  intern<T>(kind: string, key: string, make: () => T): T {
    const entryKey = `${kind}:${key}`;
    let entry = this.entries.get(entryKey) as T | undefined;
    if (entry === undefined) {
      entry = make();
      this.entries.set(entryKey, entry);
    }
    return entry;
  }
}
