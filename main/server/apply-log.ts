/**
 * Reading the log of a managed blueprint apply. authentik does not keep it on the blueprint
 * instance: since 2025.8 (which replaced Celery with Dramatiq) the apply runs as a task of the
 * `authentik.tasks` app, which stores the log events on the task. The facts used here, read in goauthentik/authentik:
 *
 * - `authentik/blueprints/api.py`: `apply/` sends the `apply_blueprint` actor with
 *   `rel_obj=<instance>`, so the task points at the instance;
 * - `authentik/blueprints/v1/tasks.py`: a failed validation or apply stores the importer's log
 *   events on the task (`self.logs(logs)`), and an exception becomes one `error` event;
 * - `authentik/tasks/urls.py` and `authentik/tasks/api/tasks.py`: `GET /api/v3/tasks/tasks/`
 *   filters on `rel_obj_content_type__app_label`, `rel_obj_content_type__model` and
 *   `rel_obj_id` and orders by `-mtime` (newest first). Each task carries its events as `logs`
 *   (2025.10 and later), or as `messages` in an earlier form of that file. An event has
 *   `log_level`, `event`, `logger` and `attributes`. Reading the list needs the permission
 *   `authentik_tasks.view_task`.
 *
 * `apply_blueprint` saves the instance's `error` status before it stores the log, so a task
 * that is not finished yet is read again until it is or the time limit passes.
 */
import { isStagecraftError } from '../../shared/errors.js';
import type { ServerInstance, ServerLogEvent } from '../../shared/server/types.js';
import { createLogger } from '../log.js';
import type { AuthentikApi } from './api.js';
import { parseLogEvents } from './responses.js';
import { API_PREFIX } from './url.js';

const log = createLogger('server.apply-log');

const TASKS_PATH = '/tasks/tasks/';

/** Task states after which the task writes nothing more (django-dramatiq-postgres `TaskState`). */
const FINAL_STATES = new Set(['done', 'rejected']);

/** How many of the instance's newest tasks are read to find the latest apply. */
const TASK_PAGE_SIZE = 10;

/** The log of the latest apply, or the reason it could not be read. */
export type ApplyLog =
  { logs: ServerLogEvent[]; state: string } | { logs: []; unavailable: string };

/** Options of {@link fetchApplyLog}. */
export interface ApplyLogOptions {
  /** The time (`Date.now()`) after which an unfinished task is returned as it is. */
  deadline: number;
  pollIntervalMs: number;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function isApplyTask(record: Record<string, unknown>): boolean {
  // The actor is registered as `apply_blueprint`; whether the name carries its module path
  // depends on the release, so only the end is compared.
  return typeof record.actor_name === 'string' && record.actor_name.endsWith('apply_blueprint');
}

async function latestApplyTask(
  api: AuthentikApi,
  instance: ServerInstance,
): Promise<Record<string, unknown> | undefined> {
  const tasks = await api.listFirstPage(
    TASKS_PATH,
    {
      rel_obj_content_type__app_label: 'authentik_blueprints',
      rel_obj_content_type__model: 'blueprintinstance',
      rel_obj_id: instance.pk,
      ordering: '-mtime',
    },
    TASK_PAGE_SIZE,
  );

  return tasks.find(isApplyTask);
}

/** Explains a failed read of the task list in one line, or returns undefined for other errors. */
function unavailableReason(error: unknown, server: string): string | undefined {
  if (!isStagecraftError(error)) {
    return undefined;
  }
  if (error.code === 'server-forbidden') {
    return (
      `the token's user may not read ${API_PREFIX}${TASKS_PATH} on ${server}; grant it the ` +
      'permission authentik_tasks.view_task to see the log here'
    );
  }
  if (error.code === 'server-endpoint-missing') {
    return (
      `${server} has no ${API_PREFIX}${TASKS_PATH} (authentik before 2025.8 lists the log ` +
      'under System Tasks in the admin interface)'
    );
  }

  return undefined;
}

/**
 * Reads the log events of the newest apply task of an instance. A 403 or 404 of the task list
 * is returned as `unavailable` with the reason; other failures are thrown.
 */
export async function fetchApplyLog(
  api: AuthentikApi,
  instance: ServerInstance,
  options: ApplyLogOptions,
): Promise<ApplyLog> {
  try {
    let task = await latestApplyTask(api, instance);
    while (
      (task === undefined || !FINAL_STATES.has(String(task.state))) &&
      Date.now() + options.pollIntervalMs < options.deadline
    ) {
      await sleep(options.pollIntervalMs);
      task = await latestApplyTask(api, instance);
    }

    if (task === undefined) {
      return {
        logs: [],
        unavailable: `${api.server} lists no apply task for the blueprint instance ${instance.name}`,
      };
    }

    const events = parseLogEvents(task.logs ?? task.messages);
    return { logs: events, state: String(task.state) };
  } catch (error) {
    const reason = unavailableReason(error, api.server);
    if (reason === undefined) {
      throw error;
    }

    log.warn('apply log unavailable', { server: api.server, instance: instance.name, reason });
    return { logs: [], unavailable: reason };
  }
}
