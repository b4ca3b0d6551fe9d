/**
 * Settles in the next turn of the event loop, after pending I/O: long work awaits it between
 * its stages, so other requests are served in between (docs/evaluation.md, "Limits on
 * synchronous work").
 */
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
