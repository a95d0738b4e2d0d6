/**
 * Pushing through a managed blueprint instance: the blueprint is stored in the instance's
 * `content`, applied, and re-applied by the server on its schedule afterwards.
 *
 * authentik (`authentik/blueprints/api.py`) dry-runs inline content when it is saved, with the
 * context the instance already has (none when it is created). Content that reads `!Context`
 * values therefore goes in after the context: a new instance is created with the context and an
 * empty blueprint, and the content is set by a second request.
 *
 * `apply/` queues the work and responds at once on 2025.8 and later (before, it responded after
 * the apply). `last_applied` changes only when an apply succeeds, so the poll also watches
 * `status` and always ends at a time limit.
 */
import { StagecraftError } from '../../shared/errors.js';
import type { ServerInstance, ServerLogEvent } from '../../shared/server/types.js';
import { createLogger } from '../log.js';
import type { AuthentikApi } from './api.js';

const log = createLogger('server.managed');

/** A blueprint with no entries: valid for authentik, used to create an instance before its content. */
const EMPTY_BLUEPRINT = 'version: 1\nentries: []\n';

/** How long to wait for an apply, in milliseconds, unless the caller gives another limit. */
export const DEFAULT_APPLY_TIMEOUT_MS = 120_000;

/** Milliseconds between two reads of the instance while waiting. */
export const DEFAULT_POLL_INTERVAL_MS = 1000;

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
  /** The server's reasons for rejecting the content; empty when it was stored. */
  logs: ServerLogEvent[];
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
      throw new StagecraftError(
        'server-apply-timeout',
        `${api.server} did not report the apply of ${options.name} within ${timeout / 1000} s; ` +
          `its status is still ${current.status} (last applied ${current.lastApplied || 'never'}). ` +
          "Look at the instance in authentik's admin interface; the apply may still be queued.",
        { url: api.server, name: options.name, status: current.status },
      );
    }

    step(`Waiting for the server to apply ${options.name} (status ${current.status})`);
    await sleep(interval);
    current = await api.getInstance(before.pk);
  }

  log.info('managed blueprint applied', { name: options.name, status: current.status });
  // TODO: read the apply's log from authentik's task list, where it is kept instead of on the
  // instance, so that a failed apply names the entry as a failed import does.
  return { success: current.status !== 'error', instance: current, logs: [] };
}
