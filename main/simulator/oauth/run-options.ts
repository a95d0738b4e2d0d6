/**
 * Building the options of a source login run from what a user names: a persona that responds as
 * Discord, or a recording to replay, both through the HTTP layer's replay mode, which never
 * opens a connection. The CLI and saved scenarios share these.
 */
import { StagecraftError } from '../../../shared/errors.js';
import type { DiscordPersona } from '../../../shared/http/persona.js';
import { hasDiscordSection, parseDiscordPersona } from '../../../shared/http/persona.js';
import type { Recording } from '../../../shared/http/recording.js';
import { HttpLayer } from '../../http/layer.js';
import { builtInPersonas, findDiscordPersona } from '../../http/personas.js';
import type { ModelObject } from '../../../shared/model/object.js';
import type { Persona } from '../../../shared/simulator/persona.js';
import { mergeEntryData } from '../../../shared/model/view.js';
import { ProjectIndex } from '../project-index.js';
import type { OAuthLoginOptions } from './login.js';
import { findOAuthSourceObject } from './login.js';
import type { Environment } from './source-config.js';
import { readSourceConfig } from './source-config.js';

/**
 * Returns the Discord persona named `name`: one of `personas` (the project's), else a built-in
 * one. Throws `persona-not-found` or `persona-invalid` naming the fix.
 */
export function discordPersona(personas: readonly Persona[], name: string): DiscordPersona {
  const persona = personas.find((candidate) => candidate.name === name);
  if (persona === undefined) {
    return findDiscordPersona(name);
  }
  if (!hasDiscordSection(persona)) {
    throw new StagecraftError(
      'persona-invalid',
      `Persona "${name}" has no discord section, so it cannot respond as Discord; add one with \`stagecraft personas\` or replay a recording instead.`,
      { persona: name },
    );
  }

  return parseDiscordPersona(persona, name);
}

/** Returns the project's personas followed by the built-in ones the project does not hide. */
export function withBuiltInPersonas(personas: readonly Persona[]): Persona[] {
  const names = new Set(personas.map((persona) => persona.name));
  const builtIns = builtInPersonas().filter((persona) => !names.has(persona.name));

  return [...personas, ...(builtIns as unknown as Persona[])];
}

/** Returns the login options of a persona that responds as Discord, without the network. */
export function personaLogin(persona: DiscordPersona, env: Environment = {}): OAuthLoginOptions {
  return {
    http: new HttpLayer({ mode: 'replay', persona }),
    respondedBy: `persona ${persona.name}`,
    env,
  };
}

/**
 * Returns the login options of a recording replay. `persona`, when given, responds to the
 * requests the recording lacks.
 */
export function recordingLogin(
  recording: Recording,
  name: string,
  env: Environment = {},
  persona?: DiscordPersona,
): OAuthLoginOptions {
  const layer = new HttpLayer({
    mode: 'replay',
    recording,
    recordingName: name,
    ...(persona === undefined ? {} : { persona }),
  });
  const respondedBy =
    persona === undefined ? `recording ${name}` : `recording ${name} or persona ${persona.name}`;

  return { http: layer, respondedBy, env };
}

/**
 * Returns the flow a login through a source starts from when none is named: the source's
 * authentication flow, else its enrollment flow.
 */
export function defaultSourceFlow(objects: readonly ModelObject[], slug: string): string {
  const index = new ProjectIndex(objects);
  const source = findOAuthSourceObject(objects, slug);
  const config = readSourceConfig(source, {});
  for (const uid of [config.authenticationFlow, config.enrollmentFlow]) {
    const flow = index.get(uid);
    const flowSlug = flow === undefined ? undefined : mergeEntryData(flow).slug;
    if (typeof flowSlug === 'string') {
      return flowSlug;
    }
  }

  throw new StagecraftError(
    'usage',
    `source "${slug}" has neither an authentication_flow nor an enrollment_flow; name the flow the login starts from with --flow SLUG`,
    { slug },
  );
}
