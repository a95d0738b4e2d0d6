/**
 * Expression tests and syntax checks for the policy editor. A test of a bound policy first runs
 * the flow it is bound in, with the edited text in place of the stored one, so the expression
 * gets the context authentik would build at that binding. Without a binding in reach, or with a
 * JSON context given, the expression runs on its own.
 */
import type { ExpressionTest, ExpressionTestResult } from '../../shared/api/services.js';
import { describePlacement } from '../../shared/editor/binding-context.js';
import {
  OAUTH_MAPPING_MODEL,
  SAML_PROVIDER_MAPPING_MODEL,
  SCOPE_MAPPING_MODEL,
} from '../../shared/editor/mapping-variables.js';
import type { SyntaxCheck } from '../../shared/editor/syntax.js';
import type { ModelObject } from '../../shared/model/object.js';
import { isRef } from '../../shared/model/values.js';
import type { Value } from '../../shared/model/values.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type {
  EvaluationRequest,
  JsonValue,
  RecordedExchange,
  SimUser,
} from '../../shared/simulator/evaluation.js';
import { maskMap } from '../../shared/simulator/mask.js';
import type { Persona } from '../../shared/simulator/persona.js';
import { SimulatedDirectory } from '../simulator/directory.js';
import { EXPRESSION_POLICY_MODEL } from '../simulator/policies.js';
import { ProjectIndex } from '../simulator/project-index.js';
import type { EvaluateOptions, ExpressionEvaluator } from '../simulator/types.js';
import { discordPersonaExchanges } from './simulator-http.js';
import type { RunSetup } from './simulator-runs.js';
import { runSimulation } from './simulator-runs.js';

/** Compiles an expression in the sandbox, as authentik does when it is saved. */
export async function checkSyntax(
  evaluator: ExpressionEvaluator,
  args: { expression: string; kind: 'policy' | 'property_mapping'; name: string; saved?: boolean },
): Promise<SyntaxCheck> {
  const result = await evaluator.evaluate({
    kind: args.kind,
    mode: 'validate',
    expression: args.expression,
    name: args.name,
    saved: args.saved ?? true,
    context: {},
    user: null,
    directory: { users: [], groups: [], sources: [], connections: [] },
  });

  if (result.passing) {
    return { valid: true };
  }

  const check: SyntaxCheck = {
    valid: false,
    message: result.messages[0] ?? result.error?.message ?? 'Syntax error',
  };
  if (result.error?.line !== undefined) {
    check.line = result.error.line;
  }
  if (result.error?.traceback !== undefined) {
    check.traceback = result.error.traceback;
  }
  return check;
}

function expressionPolicies(objects: readonly ModelObject[]): Record<string, string> {
  const policies: Record<string, string> = {};
  for (const object of objects) {
    if (object.model !== EXPRESSION_POLICY_MODEL) {
      continue;
    }
    const data = mergeEntryData(object);
    if (typeof data.name === 'string' && typeof data.expression === 'string') {
      policies[data.name] = data.expression;
    }
  }
  return policies;
}

function responsesFor(
  persona: Persona | undefined,
  recording: RecordedExchange[],
): (expression: string) => RecordedExchange[] {
  return (expression) => [
    ...recording,
    ...(persona === undefined ? [] : discordPersonaExchanges(persona, expression)),
  ];
}

/** Runs an expression test. `recording` contains the responses of the chosen recording, if any. */
export async function testExpression(
  setup: RunSetup,
  args: ExpressionTest,
  recording: RecordedExchange[],
): Promise<ExpressionTestResult> {
  const persona = setup.personas.find((candidate) => candidate.name === args.persona);
  const responsesTo = responsesFor(persona, recording);
  // Why a policy test runs without a flow context: a clause without a final period.
  let note = '';

  if (args.kind === 'policy' && args.context === undefined && args.uid !== undefined) {
    const fromRun = await testInFlow(setup, args, responsesTo);
    if ('result' in fromRun) {
      return fromRun;
    }
    note = fromRun.note;
  }

  return testAlone(setup, args, persona, responsesTo, note);
}

async function testInFlow(
  setup: RunSetup,
  args: ExpressionTest,
  responsesTo: (expression: string) => RecordedExchange[],
): Promise<ExpressionTestResult | { note: string }> {
  const placement = describePlacement(setup.objects, args.uid!);
  const site = placement.sites.find((candidate) => candidate.flowSlug !== undefined);
  if (site === undefined) {
    return { note: 'The policy is bound to no flow' };
  }

  const viaSource = site.sources[0]?.slug;
  const run = await runSimulation(
    { ...setup, evaluator: withResponses(setup.evaluator, responsesTo) },
    {
      flow: site.flowSlug!,
      ...(args.persona === undefined ? {} : { persona: args.persona }),
      ...(viaSource === undefined ? {} : { viaSource }),
    },
    { name: args.name, expression: args.expression },
  );

  const call = run.calls.find(
    (candidate) => candidate.request.kind === 'policy' && candidate.request.name === args.name,
  );
  const actor = args.persona === undefined ? 'an anonymous visitor' : `persona ${args.persona}`;
  const login = viaSource === undefined ? '' : ` after a login through source ${viaSource}`;
  if (call === undefined) {
    return {
      note:
        `A run of flow ${site.flowSlug} as ${actor}${login} ended (${run.trace.outcome.kind}) ` +
        'before it reached the policy',
    };
  }

  return {
    result: call.result,
    contextSource: `A run of flow ${site.flowSlug} as ${actor}${login}, at the ${site.label}.`,
    user: userLabel(call.request.user),
    context: maskMap(call.request.context),
  };
}

// Adds responses to requests that bring none, for the evaluations of a flow run.
function withResponses(
  inner: ExpressionEvaluator,
  responsesTo: (expression: string) => RecordedExchange[],
): ExpressionEvaluator {
  return {
    ...(inner.bridgesHttp === undefined ? {} : { bridgesHttp: inner.bridgesHttp }),
    evaluate(request: EvaluationRequest, options?: EvaluateOptions) {
      if (request.http !== undefined) {
        return inner.evaluate(request, options);
      }
      const responses = responsesTo(request.expression);
      return inner.evaluate(
        responses.length === 0 ? request : { ...request, http: { mode: 'replay', responses } },
        options,
      );
    },
  };
}

function userLabel(user: SimUser | null): string {
  return user === null ? 'AnonymousUser' : user.username;
}

async function testAlone(
  setup: RunSetup,
  args: ExpressionTest,
  persona: Persona | undefined,
  responsesTo: (expression: string) => RecordedExchange[],
  note: string,
): Promise<ExpressionTestResult> {
  const index = new ProjectIndex(setup.objects);
  const directory = SimulatedDirectory.fromProject(index, setup.personas);
  const simDirectory = directory.toSimDirectory();
  if (persona !== undefined && persona.inDirectory === false) {
    directory.addPersona(persona);
  }
  const user =
    persona === undefined
      ? null
      : (directory
          .toSimDirectory()
          .users.find((candidate) => candidate.username === persona.user.username) ?? null);

  const mapping =
    args.kind === 'property_mapping' && args.context === undefined
      ? mappingStandIns(setup.objects, args.uid, persona)
      : undefined;
  const context = args.context ?? mapping?.variables ?? {};
  const responses = responsesTo(args.expression);

  const request: EvaluationRequest = {
    kind: args.kind,
    expression: args.expression,
    name: args.name,
    context,
    user,
    directory: simDirectory,
    policies: expressionPolicies(setup.objects),
    ...(responses.length === 0 ? {} : { http: { mode: 'replay' as const, responses } }),
    httpRequest: {
      method: 'GET',
      path: '/api/v3/flows/executor/stagecraft-test/',
      clientIp: persona?.network?.clientIp ?? '255.255.255.255',
      geoip: persona?.network?.geoip ?? null,
      asn: persona?.network?.asn ?? null,
    },
  };
  const result = await setup.evaluator.evaluate(request);

  // `note` gives the reason a policy test found no flow context, and is set only when neither a
  // JSON context nor mapping stand-ins were used, so it ends in "an empty context".
  let source = 'An empty context.';
  if (args.context !== undefined) {
    source = 'The JSON context given.';
  } else if (mapping !== undefined) {
    source = mapping.description;
  } else if (note !== '') {
    source = `${note}, so it ran with an empty context.`;
  }

  return {
    result,
    contextSource: source,
    user: userLabel(user),
    context: maskMap(context),
  };
}

function refUid(value: Value | undefined): string | undefined {
  return isRef(value) ? value.$ref : undefined;
}

/** Mapping models whose `provider` variable the editor's run fills from the project. */
const PROVIDER_MODELS: Readonly<Record<string, string>> = {
  [SAML_PROVIDER_MAPPING_MODEL]: 'authentik_providers_saml.samlprovider',
  [SCOPE_MAPPING_MODEL]: 'authentik_providers_oauth2.oauth2provider',
};

// Stand-ins for the keyword arguments authentik passes to a mapping of the edited object's
// model. The sandbox defines `user` from the persona and `http_request` from the simulated
// request for every model.
// NOTE: authentik defines neither for source and outgoing sync mappings, so a run accepts a
// `user` there that raises NameError on the server.
function mappingStandIns(
  objects: readonly ModelObject[],
  uid: string | undefined,
  persona: Persona | undefined,
): { variables: Record<string, JsonValue>; description: string } {
  const model = objects.find((object) => object.uid === uid)?.model;
  const providerModel = model === undefined ? undefined : PROVIDER_MODELS[model];
  const userNote =
    persona === undefined
      ? 'No persona is chosen, so `user` is not defined.'
      : `\`user\` is persona ${persona.name}.`;

  if (providerModel !== undefined) {
    const found = providerStandIn(objects, providerModel, uid);
    const providerNote =
      found === undefined
        ? `The project has no ${providerModel}, so \`provider\` is not defined.`
        : `\`provider\` is ${found.name} of the project.`;
    const provider = found?.value;
    // NOTE: scope mappings also get `token` (the access token) on the server. The run has no
    // token to stand in for it, so a scope mapping that reads `token` raises NameError here.
    return {
      variables: provider === undefined ? {} : { provider },
      description: `Stand-ins for authentik's variables: ${providerNote} ${userNote}`,
    };
  }

  if (model !== undefined && model !== OAUTH_MAPPING_MODEL) {
    return {
      variables: {},
      description:
        `No stand-ins exist for the variables of ${model} mappings; give them as a JSON ` +
        `context. ${userNote}`,
    };
  }

  return {
    variables: mappingVariables(objects, uid, persona),
    description:
      'Variables built from the persona and the project: source, info, token, properties.',
  };
}

// The provider of `model` that uses the mapping, else the first provider of that model.
function providerStandIn(
  objects: readonly ModelObject[],
  model: string,
  mappingUid: string | undefined,
): { name: string; value: Record<string, JsonValue> } | undefined {
  const candidates = objects.filter((object) => object.model === model);
  const usesMapping = (object: ModelObject): boolean => {
    const data = mergeEntryData(object);
    const mappings = Array.isArray(data.property_mappings) ? data.property_mappings : [];
    return mappings.some((item) => refUid(item) === mappingUid);
  };
  const chosen = candidates.find(usesMapping) ?? candidates[0];
  if (chosen === undefined) {
    return undefined;
  }

  const data = mergeEntryData(chosen);
  const provider: Record<string, JsonValue> = { $model: model, pk: chosen.uid };
  for (const [key, value] of Object.entries(data)) {
    // Plain values only: references and tags have no value outside the server.
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      provider[key] = value as JsonValue;
    }
  }
  const name = typeof data.name === 'string' ? data.name : chosen.uid;
  provider.name = name;
  return { name, value: provider };
}

// The keyword arguments authentik's source flow manager passes to OAuth source mappings,
// built from a Discord persona and the source that uses the mapping.
function mappingVariables(
  objects: readonly ModelObject[],
  uid: string | undefined,
  persona: Persona | undefined,
): Record<string, JsonValue> {
  const variables: Record<string, JsonValue> = { properties: {} };
  const discord = (persona as unknown as { discord?: Record<string, JsonValue> } | undefined)
    ?.discord;

  if (discord !== undefined && typeof discord.user === 'object' && discord.user !== null) {
    const info = discord.user as Record<string, JsonValue>;
    variables.info = info;
    variables.token = discord.token ?? {};
    variables.properties = {
      username: info.username ?? '',
      email: info.email ?? null,
      name: info.username ?? '',
    };
  } else if (persona !== undefined) {
    variables.info = { username: persona.user.username, email: persona.user.email ?? null };
    variables.token = {};
  }

  const source = objects.find((object) => {
    if (object.model !== 'authentik_sources_oauth.oauthsource') {
      return false;
    }
    const data = mergeEntryData(object);
    const mappings = Array.isArray(data.user_property_mappings) ? data.user_property_mappings : [];
    return uid === undefined || mappings.some((item) => refUid(item) === uid);
  });
  if (source !== undefined) {
    const data = mergeEntryData(source);
    variables.source = {
      $model: 'authentik_sources_oauth.oauthsource',
      pk: source.uid,
      name: typeof data.name === 'string' ? data.name : source.uid,
      slug: typeof data.slug === 'string' ? data.slug : source.uid,
      provider_type: typeof data.provider_type === 'string' ? data.provider_type : 'openidconnect',
    };
  }

  return variables;
}
