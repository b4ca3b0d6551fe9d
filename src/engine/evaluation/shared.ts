import canonicalize from 'canonicalize';

/**
 * Evaluating one context against many configs (an app fetching all its flags) repeats the
 * same work: configs share conditions (`user.plan = "pro"`, `country in EU`) and read the
 * same attributes. Configs compiled with one `SharedConditions` get one closure per distinct
 * condition (subtrees are interned by their canonical JSON), and each such closure computes
 * its answer once per evaluation session: `evaluateAll` opens one session per context, a
 * single `evaluate` opens its own. Evaluation is synchronous, so sessions never interleave.
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
 * The interning table of one set of configs (an environment's snapshot). It only grows;
 * past `limit` entries it starts afresh, which costs sharing with older configs, never
 * correctness, and bounds the memory a long run of edits can hold.
 */
export class SharedConditions {
  private entries = new Map<string, unknown>();

  constructor(private readonly limit = 50_000) {}

  /** The closure already compiled for `node`, or the one `compile` makes now. */
  intern<T>(kind: string, node: unknown, compile: () => T): T {
    const key = `${kind}:${canonicalize(node)}`;
    let entry = this.entries.get(key) as T | undefined;
    if (entry === undefined) {
      if (this.entries.size >= this.limit) this.entries = new Map();
      entry = compile();
      this.entries.set(key, entry);
    }
    return entry;
  }
}
