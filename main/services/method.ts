/** Helpers shared by the service implementations. */

/**
 * Wraps a synchronous handler as a service method, so that an error it throws arrives as a
 * rejected promise, as from any other async method. The project store is synchronous, so most
 * handlers are.
 */
export function asyncMethod<A, R>(handler: (args: A) => R): (args: A) => Promise<R> {
  return (args) => new Promise<R>((resolve) => resolve(handler(args)));
}
