/** Whether `promise` resolved within `ms` (rejects if it rejected); it is left running. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(() => true);
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}
