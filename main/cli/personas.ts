/**
 * `stagecraft personas`: list the built-in and project personas, show one, change fields of one,
 * or turn a recording into a project persona.
 */
import { resolve } from 'node:path';

import { StagecraftError } from '../../shared/errors.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import { setPersonaField } from '../../shared/http/persona.js';
import { recordingToPersona } from '../../shared/http/recording-persona.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import { findDiscordPersona, listPersonas, saveDiscordPersona } from '../http/personas.js';
import { readRecordingFile } from '../http/recording-file.js';
import type { ProjectStore } from '../project/index.js';
import type { CommandArgs, CommandIo, Command } from './command.js';
import { listOption, printJson, stringOption } from './command.js';
import { openProject, projectPath } from './project.js';

function withOptionalProject<T>(
  args: CommandArgs,
  io: CommandIo,
  work: (store?: ProjectStore) => T,
): T {
  if (stringOption(args, 'project') === undefined) {
    return work();
  }

  const store = openProject(projectPath(args, io), { readOnly: true });
  try {
    return work(store);
  } finally {
    store.close();
  }
}

function list(args: CommandArgs, io: CommandIo): number {
  const personas = withOptionalProject(args, io, (store) => listPersonas(store));
  if (args.json) {
    printJson(io, { ok: true, personas });
    return 0;
  }

  const width = Math.max(...personas.map((persona) => persona.name.length), 4);
  const lines = personas.map((persona) => {
    const origin = `${persona.origin}, ${persona.kind}`;
    const note =
      persona.problem === undefined ? persona.description : `INVALID: ${persona.problem}`;
    return `  ${persona.name.padEnd(width)}  ${origin.padEnd(19)}  ${note}`;
  });
  io.stdout([`Personas (${personas.length}):`, ...lines, ''].join('\n'));
  return 0;
}

function show(args: CommandArgs, io: CommandIo, name: string | undefined): number {
  if (name === undefined) {
    throw new StagecraftError('usage', 'missing NAME: stagecraft personas show NAME');
  }

  const persona = withOptionalProject(args, io, (store) => findDiscordPersona(name, store));
  if (args.json) {
    printJson(io, { ok: true, persona });
  } else {
    io.stdout(JSON.stringify(persona, null, 2) + '\n');
  }
  return 0;
}

function importRecording(args: CommandArgs, io: CommandIo, file: string | undefined): number {
  if (file === undefined) {
    throw new StagecraftError(
      'usage',
      'missing FILE: stagecraft personas import-recording FILE --project P --name N',
    );
  }
  const name = stringOption(args, 'name');
  if (name === undefined || name.trim() === '') {
    throw new StagecraftError('usage', 'missing --name N (the name of the new persona)');
  }

  const path = resolve(io.cwd, file);
  const recording = readRecordingFile(path);
  const persona = recordingToPersona(recording, name, path);
  const store = openProject(projectPath(args, io));
  try {
    saveDiscordPersona(store, persona);
  } finally {
    store.close();
  }

  if (args.json) {
    printJson(io, { ok: true, persona: persona.name, scope: persona.discord.token.scope });
  } else {
    io.stdout(
      `Saved persona "${persona.name}" (Discord user ${persona.discord.user.username}, scopes ` +
        `${persona.discord.token.scope || 'none'}) from ${path}.\n`,
    );
  }
  return 0;
}

// The values a command-line VALUE may stand for, most likely first. JSON literals (true, null,
// lists, quoted text) are meant as JSON; a bare number may be a number or an id, which Discord
// sends as text, so the field's own check picks between them.
function candidateValues(text: string): JsonValue[] {
  let parsed: JsonValue | undefined;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch {
    return [text];
  }

  return typeof parsed === 'number' ? [text, parsed] : [parsed, text];
}

function setField(persona: DiscordPersona, assignment: string): DiscordPersona {
  const equals = assignment.indexOf('=');
  if (equals <= 0) {
    throw new StagecraftError(
      'usage',
      `${assignment}: write FIELD=VALUE, e.g. discord.user.username=mossy`,
      { assignment },
    );
  }

  const path = assignment.slice(0, equals);
  let firstError: unknown;
  for (const value of candidateValues(assignment.slice(equals + 1))) {
    try {
      return setPersonaField(persona, path, value);
    } catch (error) {
      firstError ??= error;
    }
  }

  throw firstError;
}

function setFields(
  args: CommandArgs,
  io: CommandIo,
  name: string | undefined,
  assignments: string[],
): number {
  const unset = listOption(args, 'unset');
  if (name === undefined || (assignments.length === 0 && unset.length === 0)) {
    throw new StagecraftError(
      'usage',
      'stagecraft personas set NAME FIELD=VALUE... [--unset FIELD] --project P',
    );
  }

  const store = openProject(projectPath(args, io));
  try {
    let persona = findDiscordPersona(name, store);
    for (const assignment of assignments) {
      persona = setField(persona, assignment);
    }
    for (const path of unset) {
      persona = setPersonaField(persona, path, undefined);
    }
    saveDiscordPersona(store, persona);
  } finally {
    store.close();
  }

  const changed = assignments.length + unset.length;
  if (args.json) {
    printJson(io, { ok: true, persona: name, changed });
  } else {
    io.stdout(
      `Saved persona "${name}" in the project with ${changed} field${changed === 1 ? '' : 's'} changed.\n`,
    );
  }
  return 0;
}

export const personasCommand: Command = {
  name: 'personas',
  summary: 'List, show, edit or import the personas that respond like Discord',
  usage: [
    'Usage: stagecraft personas [--project P] [--json]',
    '       stagecraft personas show NAME [--project P] [--json]',
    '       stagecraft personas set NAME FIELD=VALUE... [--unset FIELD] --project P [--json]',
    '       stagecraft personas import-recording FILE --project P --name N [--json]',
    '',
    'Without a subcommand, lists the built-in personas and, with --project, the personas of',
    'the project (a project persona hides a built-in one of the same name). `show` prints a',
    'Discord persona as JSON. `import-recording` turns a recording made by `stagecraft record`',
    'into a persona of the project, replacing one of the same name. `set` changes fields of a',
    'persona (dotted paths as `show` prints them, e.g. discord.user.global_name=null or',
    'discord.token.scope="identify email"); a changed built-in persona is saved in the project,',
    'where it hides the built-in one. VALUE is JSON when it parses as JSON, else text.',
  ].join('\n'),
  options: {
    project: { type: 'string' },
    name: { type: 'string' },
    unset: { type: 'string', multiple: true },
  },

  // eslint-disable-next-line @typescript-eslint/require-await -- every command's run is async
  async run(args, io) {
    const [subcommand, argument, ...extra] = args.positionals;
    if (subcommand === 'set') {
      return setFields(args, io, argument, extra);
    }
    if (extra.length > 0) {
      throw new StagecraftError('usage', `unexpected arguments: ${extra.join(' ')}`);
    }

    switch (subcommand) {
      case undefined:
      case 'list':
        return list(args, io);
      case 'show':
        return show(args, io, argument);
      case 'import-recording':
        return importRecording(args, io, argument);
      default:
        throw new StagecraftError(
          'usage',
          `unknown subcommand "${subcommand}"; use show, set or import-recording, or none to list`,
        );
    }
  },
};
