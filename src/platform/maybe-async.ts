// Memory-first paths (a cache hit, a warm hook) answer synchronously and return a promise only when
// they had to wait for I/O: no await, so a hit never queues on the microtask queue behind other work.

/** A value now, or a promise of it when it had to be loaded. */
export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`: at once when the value is here, once it resolves when it is a promise. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
