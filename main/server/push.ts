/**
 * Pushing a blueprint to a server: local validation first (any error stops the push), then the
 * `!Env` choices, then a one-shot import or a managed blueprint instance. A rejected blueprint
 * is a result with `success: false` and the server's log, not a thrown error, so that callers
 * can show the log. `rejectionError` turns it into a coded error for the command line.
 */
import type { Problem } from '../../shared/blueprint/problems.js';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { isStagecraftError, StagecraftError } from '../../shared/errors.js';
import type { EnvChoice, PushMode, PushReport, ServerLogEvent } from '../../shared/server/types.js';
import { createLogger } from '../log.js';
import type { AuthentikApi } from './api.js';
import { applyEnvChoices, findEnvRequirements } from './env.js';
import { pushManaged } from './managed.js';

const log = createLogger('server.push');

/** A blueprint ready to push, as the exporter produced it. */
export interface PushBlueprint {
  text: string;
  problems: Problem[];
  entries: number;
}

/** The parameters of a push: the blueprint, the way to send it and the `!Env` choices. */
export interface PushRequest {
  blueprint: PushBlueprint;
  mode: PushMode;
  /** The blueprint instance to store the blueprint in; required for `managed`. */
  instanceName?: string;
  env: EnvChoice[];
  /** Checks everything locally and sends nothing. */
  dryRun?: boolean;
  applyTimeoutMs?: number;
  pollIntervalMs?: number;
  /** Called before each step, e.g. `Sending the blueprint to /api/v3/flows/instances/import/`. */
  onStep?: (detail: string) => void;
}

/** Events that only summarise the outcome, skipped when naming the reason of a failure. */
const SUMMARY_EVENTS = /^(blueprint (validation|apply) failed|starting blueprint import)/i;

/** Rewrites Python's `ErrorDetail(string='…', code='…')` reprs as `field: message`. */
export function readableEvent(event: string): string {
  const match = /^(.*?)Serializer errors \{(.*)\}\s*$/s.exec(event);
  if (match === null) {
    return event;
  }

  const errors: string[] = [];
  const fieldPattern = /'([^']+)': \[(.*?)\](?=, '|$)/gs;
  for (const field of match[2]!.matchAll(fieldPattern)) {
    const messages = [...field[2]!.matchAll(/string=(['"])(.*?)\1, code=/gs)].map(
      (found) => found[2],
    );
    errors.push(`${field[1]}: ${messages.length > 0 ? messages.join('; ') : field[2]}`);
  }

  return errors.length > 0 ? `${match[1]}${errors.join('; ')}` : event;
}

function entryOf(event: ServerLogEvent): string | undefined {
  const entry = event.attributes?.entry;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return undefined;
  }

  const record = entry as Record<string, unknown>;
  const model = typeof record.model === 'string' ? record.model : 'entry';
  const identifiers =
    record.identifiers !== undefined ? ` ${JSON.stringify(record.identifiers)}` : '';
  return `${model}${identifiers}`;
}

/** Names the first log event that explains a failure, with its entry when the log gives it. */
export function describeRejection(logs: ServerLogEvent[]): string {
  const reason = logs.find((event) => !SUMMARY_EVENTS.test(event.event)) ?? logs[0];
  if (reason === undefined) {
    return 'the server gave no reason';
  }

  const entry = entryOf(reason);
  const text = readableEvent(reason.event);
  return entry === undefined ? text : `${text} (entry ${entry})`;
}

/** Turns a failed push into the coded error the command line exits with. */
export function rejectionError(report: PushReport): StagecraftError {
  if (report.instance !== undefined && report.instance.status === 'error') {
    let reason: string;
    if (report.logs.length > 0) {
      reason = `: ${describeRejection(report.logs)}`;
    } else if (report.logUnavailable !== undefined) {
      reason = `. Its log could not be read (${report.logUnavailable}); the instance's task log in authentik's admin interface names the entry`;
    } else {
      reason =
        ". The apply's task logged no reason; look at the instance in authentik's admin interface";
    }
    return new StagecraftError(
      'server-apply-failed',
      `${report.server} applied the blueprint instance ${report.instance.name} and it ended ` +
        `with status error${reason}. authentik applies a blueprint in one transaction, so no ` +
        'entry of this apply was written; fix the project and push again.',
      { url: report.server, instance: report.instance.name, logs: report.logs },
    );
  }

  return new StagecraftError(
    'server-rejected',
    `${report.server} rejected the blueprint: ${describeRejection(report.logs)}. Nothing was ` +
      'applied, because authentik checks the whole file in a transaction it rolls back before ' +
      'writing anything.',
    { url: report.server, logs: report.logs },
  );
}

/** Throws `blueprint-invalid` naming the first error when the problems contain any. */
export function checkLocalProblems(problems: Problem[]): void {
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (errors.length === 0) {
    return;
  }

  const first = errors[0]!;
  const where = first.line === undefined ? '' : ` (line ${first.line})`;
  throw new StagecraftError(
    'blueprint-invalid',
    `Nothing was pushed: the blueprint has ${errors.length} validation ` +
      `error${errors.length === 1 ? '' : 's'}, the first${where}: ${first.message} Fix the ` +
      'project (`stagecraft validate`) and push again.',
    { problems },
  );
}

/**
 * Adds "the outcome is unknown" to a transport failure of a request that sent the blueprint
 * (POST or PATCH). A failed GET changed nothing, so its error stays as it is.
 */
function outcomeUnknown(error: unknown, server: string): unknown {
  if (
    !isStagecraftError(error) ||
    (error.code !== 'server-connection-lost' && error.code !== 'server-timeout')
  ) {
    return error;
  }
  const request = error.data.request;
  if (typeof request === 'string' && request.startsWith('GET')) {
    return error;
  }

  return new StagecraftError(
    error.code,
    `${error.message} The blueprint was sent, so it is unknown whether ${server} applied it. ` +
      'authentik applies a blueprint in one transaction, so either every entry changed or none ' +
      'did; run `stagecraft diff` to see which, before pushing again.',
    error.data,
  );
}

/**
 * Pushes a blueprint. Throws `blueprint-invalid` for local validation errors, `invalid-argument`
 * for bad `!Env` choices, and the transport and status errors of the API.
 */
export async function pushBlueprint(api: AuthentikApi, request: PushRequest): Promise<PushReport> {
  const step = request.onStep ?? (() => undefined);
  const { blueprint } = request;

  step('Validating the blueprint');
  checkLocalProblems(blueprint.problems);
  if (request.mode === 'managed' && (request.instanceName ?? '') === '') {
    throw new StagecraftError(
      'invalid-argument',
      'A managed push needs the name of the blueprint instance to store the blueprint in.',
      { field: 'instanceName' },
    );
  }

  const requirements = findEnvRequirements(readBlueprint(blueprint.text, { file: 'push.yaml' }));
  const prepared = applyEnvChoices(blueprint.text, requirements, request.env, request.mode);
  const report: PushReport = {
    server: api.server,
    mode: request.mode,
    dryRun: request.dryRun === true,
    success: true,
    endpoint: null,
    logs: [],
    env: { fromServer: prepared.fromServer, provided: prepared.provided },
    entries: blueprint.entries,
    problems: blueprint.problems,
  };
  if (request.dryRun === true) {
    return report;
  }

  try {
    if (request.mode === 'import') {
      const imported = await api.importBlueprint(prepared.text, (path) =>
        step(`Sending the blueprint to /api/v3${path}`),
      );
      Object.assign(report, {
        endpoint: imported.endpoint,
        success: imported.success,
        logs: imported.logs,
      });
    } else {
      const result = await pushManaged(api, {
        name: request.instanceName!,
        content: prepared.text,
        context: prepared.context,
        applyTimeoutMs: request.applyTimeoutMs,
        pollIntervalMs: request.pollIntervalMs,
        onStep: step,
      });
      Object.assign(report, {
        endpoint: '/api/v3/managed/blueprints/',
        success: result.success,
        logs: result.logs,
      });
      if (result.instance !== undefined) {
        report.instance = result.instance;
      }
      if (result.logUnavailable !== undefined) {
        report.logUnavailable = result.logUnavailable;
      }
    }
  } catch (error) {
    throw outcomeUnknown(error, api.server);
  }

  log.info('blueprint pushed', {
    server: api.server,
    mode: report.mode,
    endpoint: report.endpoint,
    success: report.success,
    entries: report.entries,
    logEvents: report.logs.length,
  });
  return report;
}
