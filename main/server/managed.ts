/**
 * Pushing through a managed blueprint instance: the blueprint is stored in the instance's
 * `content`, applied, and re-applied by the server on its schedule afterwards.
 *
 * authentik (`authentik/blueprints/api.py`) dry-runs inline content when it is saved, with the
 * context the instance already has (none when it is created). Content that reads `!Context`
 * values therefore goes in after the context: a new instance is created with the context and an
 * empty blueprint, and the content is set by a second request.
 *
 * `POST /managed/blueprints/<pk>/apply/` (`apply` in `authentik/blueprints/api.py`) differs by
 * release. From 2025.8 (Dramatiq) it queues the `apply_blueprint` actor
 * (`send_with_options(..., rel_obj=instance)`) and responds 200 at once with the instance as it
 * was before the apply. Before 2025.8 (Celery) it waited for the task (`delay(...).get()`) and
 * responded 200 with the applied instance. Both need `authentik_blueprints.view_blueprintinstance`.
 * `last_applied` changes only when an apply succeeds, so the poll also watches `status` and
 * always ends at a time limit. The log of a failed or unfinished apply is read from the apply's
 * task (apply-log.ts).
 */
import { isStagecraftError, StagecraftError } from '../../shared/errors.js';
import type { ServerInstance, ServerLogEvent } from '../../shared/server/types.js';
import { createLogger } from '../log.js';
import type { AuthentikApi } from './api.js';
import { fetchApplyLog } from './apply-log.js';
import type { ApplyLog } from './apply-log.js';
import { formatLogEvent } from './responses.js';

const log = createLogger('server.managed');

/** A blueprint with no entries: valid for authentik, used to create an instance before its content. */
const EMPTY_BLUEPRINT = 'version: 1\nentries: []\n';

/** How long to wait for an apply, in milliseconds, unless the caller gives another limit. */
export const DEFAULT_APPLY_TIMEOUT_MS = 120_000;

/** Milliseconds between two reads of the instance while waiting. */
export const DEFAULT_POLL_INTERVAL_MS = 1000;

/** How long to wait, after the apply ended, for its task to finish writing the log. */
const LOG_WAIT_MS = 10_000;

/** The maximum number of log events quoted in the message of a timed-out apply. */
const MAX_QUOTED_EVENTS = 5;

/** Options of {@link pushManaged}. */
export interface ManagedOptions {
  name: string;
  content: string;
  /** Values the content reads with `!Context`. */
  context: Record<string, string>;
  applyTimeoutMs?: number;
  pollIntervalMs?: number;
  onStep?: (detail: string) => void;
}

/** The outcome of a managed push. */
export interface ManagedResult {
  success: boolean;
  instance?: ServerInstance;
  /**
   * The server's reasons for rejecting the content, or the log of an apply that ended with
   * status `error`. It is empty when the content was stored and applied.
   */
  logs: ServerLogEvent[];
  /** The reason the log of a failed apply could not be read. */
  logUnavailable?: string;
}

function sameContext(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Stores the content in the instance named `options.name` (created when missing), applies it
 * and waits for the result. Rejected content returns `success: false` with the server's
 * messages; a failed apply returns the instance with status `error`.
 */
export async function pushManaged(
  api: AuthentikApi,
  options: ManagedOptions,
): Promise<ManagedResult> {
  const step = options.onStep ?? (() => undefined);
  step(`Looking up the blueprint instance ${options.name}`);
  const existing = await api.findInstance(options.name);

  let instance: ServerInstance;
  if (existing === undefined) {
    const needsContext = Object.keys(options.context).length > 0;
    step(`Creating the blueprint instance ${options.name}`);
    const created = await api.saveInstance(undefined, {
      name: options.name,
      context: options.context,
      content: needsContext ? EMPTY_BLUEPRINT : options.content,
      enabled: true,
    });
    if ('rejected' in created) {
      return { success: false, logs: created.rejected };
    }
    instance = created.instance;

    if (needsContext) {
      step('Storing the blueprint in the instance');
      const stored = await api.saveInstance(instance.pk, { content: options.content });
      if ('rejected' in stored) {
        return { success: false, instance, logs: stored.rejected };
      }
      instance = stored.instance;
    }
  } else {
    const updated = await updateInstance(api, existing, options, step);
    if ('rejected' in updated) {
      return { success: false, instance: existing.instance, logs: updated.rejected };
    }
    instance = updated.instance;
  }

  return applyAndWait(api, instance, options, step);
}

async function updateInstance(
  api: AuthentikApi,
  existing: { instance: ServerInstance; context: Record<string, unknown> },
  options: ManagedOptions,
  step: (detail: string) => void,
): Promise<{ instance: ServerInstance } | { rejected: ServerLogEvent[] }> {
  if (existing.instance.path !== '') {
    throw new StagecraftError(
      'server-instance-conflict',
      `The blueprint instance ${options.name} reads the file ${existing.instance.path} on the ` +
        'server, which authentik applies instead of inline content. Push under another instance ' +
        'name.',
      { name: options.name, path: existing.instance.path },
    );
  }

  const context = { ...existing.context, ...options.context };
  const contextChanged = !sameContext(context, existing.context);
  if (contextChanged) {
    step('Storing the context values in the instance');
    const saved = await api.saveInstance(existing.instance.pk, { context });
    if ('rejected' in saved) {
      return saved;
    }
  }

  step(`Storing the blueprint in the instance ${options.name}`);
  const stored = await api.saveInstance(existing.instance.pk, {
    content: options.content,
    enabled: true,
  });
  if ('rejected' in stored) {
    if (contextChanged) {
      // The content was rejected, so the instance goes back to the context it had.
      await api.saveInstance(existing.instance.pk, { context: existing.context });
    }
    return stored;
  }

  return stored;
}

async function applyAndWait(
  api: AuthentikApi,
  before: ServerInstance,
  options: ManagedOptions,
  step: (detail: string) => void,
): Promise<ManagedResult> {
  step(`Applying the blueprint instance ${options.name}`);
  let current = await api.applyInstance(before.pk);

  const timeout = options.applyTimeoutMs ?? DEFAULT_APPLY_TIMEOUT_MS;
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = Date.now() + timeout;
  const finished = (instance: ServerInstance): boolean =>
    instance.lastApplied !== before.lastApplied || instance.status !== before.status;

  while (!finished(current)) {
    if (Date.now() >= deadline) {
      throw await timeoutError(api, current, options.name, timeout, interval);
    }

    step(`Waiting for the server to apply ${options.name} (status ${current.status})`);
    await sleep(interval);
    current = await api.getInstance(before.pk);
  }

  log.info('managed blueprint applied', { name: options.name, status: current.status });
  if (current.status !== 'error') {
    return { success: true, instance: current, logs: [] };
  }

  step(`Reading the log of the apply of ${options.name}`);
  const applyLog = await fetchApplyLog(api, current, {
    deadline: Date.now() + Math.min(LOG_WAIT_MS, timeout),
    pollIntervalMs: interval,
  });
  const result: ManagedResult = { success: false, instance: current, logs: applyLog.logs };
  if ('unavailable' in applyLog) {
    result.logUnavailable = applyLog.unavailable;
  }
  return result;
}

/**
 * Builds the error of an apply that did not finish in time, with the state and log of its task
 * when the server lets the token read them.
 */
async function timeoutError(
  api: AuthentikApi,
  current: ServerInstance,
  name: string,
  timeout: number,
  interval: number,
): Promise<StagecraftError> {
  let applyLog: ApplyLog;
  try {
    applyLog = await fetchApplyLog(api, current, { deadline: 0, pollIntervalMs: interval });
  } catch (error) {
    // The timeout is the error to report; a failed read of the log only shortens its message.
    log.warn('apply log read failed after a timeout', { name, error: String(error) });
    applyLog = { logs: [], unavailable: isStagecraftError(error) ? error.message : String(error) };
  }

  let detail: string;
  if ('unavailable' in applyLog) {
    detail = ` Its log could not be read: ${applyLog.unavailable}.`;
  } else {
    const events = applyLog.logs.slice(0, MAX_QUOTED_EVENTS).map(formatLogEvent);
    detail =
      ` Its task is in state ${applyLog.state}` +
      (events.length === 0 ? ' with no log events.' : `; its log: ${events.join('; ')}.`);
  }

  return new StagecraftError(
    'server-apply-timeout',
    `${api.server} did not report the apply of ${name} within ${timeout / 1000} s; ` +
      `its status is still ${current.status} (last applied ${current.lastApplied || 'never'}).` +
      `${detail} Look at the instance in authentik's admin interface; the apply may still be ` +
      'queued.',
    { url: api.server, name, status: current.status, logs: applyLog.logs },
  );
}
