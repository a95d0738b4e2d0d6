/**
 * Loads undici on first use. Loading it takes about 0.1 s, and most runs of the app and the
 * command line never send a request, so start-up does not pay for it.
 */
import type * as undiciModule from 'undici';

type Undici = typeof undiciModule;

let loading: Promise<Undici> | undefined;

/** Returns the undici module, importing it the first time. */
export function loadUndici(): Promise<Undici> {
  loading ??= import('undici');
  return loading;
}
