/**
 * The single entry point both transports use: check the service and method names, validate the
 * argument against its schema, call the handler and turn the outcome into a `CallOutcome`.
 */
import { validateCall } from '../../shared/api/schemas.js';
import type { CallOutcome, ServiceHandlers, ServiceName } from '../../shared/api/services.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { ErrorPayload } from '../../shared/errors.js';
import { createLogger } from '../log.js';

const log = createLogger('services');

/** Converts any thrown value into the payload a transport carries. */
export function toErrorPayload(error: unknown, where: string): ErrorPayload {
  if (isStagecraftError(error)) {
    return error.toPayload();
  }

  // An uncoded error is a bug; its stack goes to the log, not to the page.
  log.error('service call failed unexpectedly', {
    call: where,
    error,
    stack: (error as Error)?.stack,
  });
  const reason = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    message: `Stagecraft failed unexpectedly in ${where}: ${reason}. The log has the details.`,
    data: { call: where },
  };
}

/**
 * Runs one call against `handlers`. The returned promise always resolves: an unknown method, an
 * invalid argument or a failing handler becomes `{ok: false, error}`.
 */
export async function dispatchCall(
  handlers: ServiceHandlers,
  service: string,
  method: string,
  args: unknown,
): Promise<CallOutcome> {
  const where = `${service}.${method}`;

  try {
    validateCall(service, method, args);

    const target = handlers[service as ServiceName] as unknown as Record<
      string,
      (args: unknown) => Promise<unknown>
    >;
    const value = await target[method]!.call(target, args);
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    const payload = toErrorPayload(error, where);
    if (payload.code === 'invalid-argument' || payload.code === 'method-not-found') {
      log.warn('service call rejected', {
        call: where,
        outcome: payload.code,
        message: payload.message,
      });
    } else {
      log.debug('service call failed', { call: where, outcome: payload.code });
    }
    return { ok: false, error: payload };
  }
}
