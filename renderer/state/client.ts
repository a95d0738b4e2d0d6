/**
 * The one place the renderer obtains its service client, so that tests and the benchmark see
 * every call go through the same transport as the app.
 */
import type { ServiceClient } from '../../shared/api/services.js';
import { getClient } from '../transport/index.js';

/** Returns the service client of this window. */
export function client(): ServiceClient {
  return getClient();
}
