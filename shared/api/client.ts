/**
 * Builds the typed service client from one generic call function. Each transport supplies only
 * `call`, which sends service, method and argument and receives a `CallOutcome`, and the event
 * channel. So the renderer code gets the same client whichever transport carries it.
 */
import { StagecraftError } from '../errors.js';
import type { ErrorPayload } from '../errors.js';
import { listMethods, listServices } from './schemas.js';
import type { CallOutcome, ServiceClient, ServiceEvents, ServiceName } from './services.js';

/** Sends one call over a transport; must not throw for errors the Node side reported. */
export type CallTransport = (
  service: ServiceName,
  method: string,
  args: unknown,
) => Promise<CallOutcome>;

/**
 * Creates a client whose methods forward to `call`. A failed call rejects with a
 * StagecraftError carrying the payload's code, message and data, so callers branch on `code`.
 */
export function createServiceClient(call: CallTransport, events: ServiceEvents): ServiceClient {
  const client: Record<string, unknown> = { events };

  for (const service of listServices()) {
    const methods: Record<string, (args?: unknown) => Promise<unknown>> = {};
    for (const method of listMethods(service)) {
      methods[method] = async (args: unknown = {}) => {
        const outcome = await call(service, method, args);
        if (!outcome.ok) {
          throw errorFromPayload(outcome.error);
        }
        return outcome.value;
      };
    }
    client[service] = Object.freeze(methods);
  }

  // The object is complete here: one frozen entry per service of SERVICE_SCHEMAS, whose type
  // requires every method of every service interface.
  return Object.freeze(client) as unknown as ServiceClient;
}

/** Turns an error payload received from a transport back into a StagecraftError. */
export function errorFromPayload(payload: ErrorPayload): StagecraftError {
  return new StagecraftError(payload.code, payload.message, payload.data ?? {});
}
