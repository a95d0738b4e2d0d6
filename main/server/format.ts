/**
 * Text output of diffs, `!Env` requirements and server logs for the command line.
 */
import { modelNameOf } from '../../shared/model/natural-key.js';
import { ENV_EXPLANATION } from '../../shared/server/env-help.js';
import type {
  DiffReport,
  DiffStatus,
  EnvRequirement,
  ObjectDifference,
  ServerLogEvent,
} from '../../shared/server/types.js';
import { formatLogEvent } from './responses.js';
import { readableEvent } from './push.js';

/** The maximum number of lines of one multi-line value printed in a diff. */
const MAX_VALUE_LINES = 6;

/** The marker and the words of each status, in the order they are printed. */
const STATUS_TEXT: [DiffStatus, string, string][] = [
  ['create', '+', 'create'],
  ['change', '~', 'change'],
  ['delete', '-', 'delete'],
  ['kept', '=', 'kept (state: created)'],
  ['server-only', '!', 'only on the server (authentik keeps it)'],
];

function valueLines(value: string | null): string[] {
  if (value === null) {
    return ['(not set on the server)'];
  }

  // A final newline (usual in expressions) would print as an empty last line.
  const lines = value.replace(/\n$/, '').split('\n');
  if (lines.length <= MAX_VALUE_LINES) {
    return lines;
  }
  return [...lines.slice(0, MAX_VALUE_LINES), `… (${lines.length - MAX_VALUE_LINES} more lines)`];
}

function objectLines(object: ObjectDifference, marker: string, words: string): string[] {
  const lines = [`  ${marker} ${words}: ${modelNameOf(object.model)} ${object.name}`];
  for (const field of object.fields) {
    const server = valueLines(field.server);
    const local = valueLines(field.local);
    if (server.length === 1 && local.length === 1) {
      lines.push(`      ${field.field}: ${server[0]} → ${local[0]}`);
      continue;
    }
    lines.push(`      ${field.field}:`, ...server.map((line) => `        - ${line}`));
    lines.push(...local.map((line) => `        + ${line}`));
  }
  if (object.unresolved.length > 0) {
    lines.push(`      resolved by the server: ${object.unresolved.join(', ')}`);
  }
  if (object.secrets !== undefined && object.secrets.length > 0) {
    lines.push(`      secrets, not compared: ${object.secrets.join(', ')}`);
  }

  return lines;
}

/** Formats a diff: changed objects with their fields, then counts. */
export function formatDiff(report: DiffReport): string[] {
  const flows = report.flows
    .map((flow) => `${flow.slug}${flow.onServer ? '' : ' (new)'}`)
    .join(', ');
  const lines = [`Compared with ${report.server}${flows === '' ? '' : ` (flows: ${flows})`}:`];

  for (const [status, marker, words] of STATUS_TEXT) {
    for (const object of report.objects.filter((candidate) => candidate.status === status)) {
      lines.push(...objectLines(object, marker, words));
    }
  }

  for (const object of report.notCompared) {
    const where =
      object.onServer === true
        ? 'exists on the server; the push updates the fields the project sets'
        : 'not compared (no flow export contains it)';
    const reason = object.reason === undefined ? '' : ` (${object.reason})`;
    lines.push(`  ? ${modelNameOf(object.model)} ${object.name}: ${where}${reason}`);
  }

  const { counts } = report;
  lines.push(
    `${counts.create} to create, ${counts.change} to change, ${counts.same} unchanged, ` +
      `${counts.kept} kept, ${counts.delete} to delete, ${counts['server-only']} only on the ` +
      `server, ${report.notCompared.length} not compared.`,
  );
  return lines;
}

/** Tells whether a push would change anything the diff can see. */
export function hasChanges(report: DiffReport): boolean {
  const { counts } = report;
  return counts.create + counts.change + counts.delete > 0 || report.notCompared.length > 0;
}

/** Formats the `!Env` variables of a push with the explanation of where values come from. */
export function formatEnvRequirements(env: EnvRequirement[]): string[] {
  if (env.length === 0) {
    return [];
  }

  const lines = ['The blueprint reads these variables with !Env:'];
  for (const requirement of env) {
    const fallback = requirement.hasDefault ? ' (has a default)' : '';
    lines.push(`  ${requirement.name}${fallback}: ${requirement.uses.join('; ')}`);
  }
  lines.push(...ENV_EXPLANATION.map((paragraph) => `  ${paragraph}`));
  return lines;
}

/** Formats server log events, with serializer errors made readable. */
export function formatLogs(logs: ServerLogEvent[]): string[] {
  return logs.map(
    (event) => `  server: ${formatLogEvent({ ...event, event: readableEvent(event.event) })}`,
  );
}
