/**
 * Starting a flow the way authentik's SourceFlowManager does after a login through a source
 * (authentik/core/sources/flow_manager.py, 2025.12). It decides between authenticating a
 * connected user, linking a matching user, enrolling a new one and denying. It passes its plan
 * context, plans without the cache and allows an empty flow. Then it appends stages that save
 * the connection and show the "Successfully authenticated" message.
 *
 * The persona plays the identity the source returned: its username, email and name are the
 * properties, and `sourceConnections` lists the sources it is already connected to.
 * NOTE: property mappings and group synchronisation of the source are not run here; they belong
 * to the OAuth source simulation.
 */
import type { ModelObject } from '../../shared/model/object.js';
import { mergeEntryData } from '../../shared/model/view.js';
import { PLAN_CONTEXT } from '../../shared/simulator/context-keys.js';
import type { SimSource } from '../../shared/simulator/evaluation.js';
import type { JsonMap } from '../../shared/simulator/trace.js';
import { userValue } from './context.js';
import type { DirectoryUser } from './directory.js';
import type { FlowPlan, PlanBinding } from './planner.js';
import { planFlow } from './planner.js';
import { refUid } from './project-index.js';
import { sessionUser } from './request.js';
import type { RunState } from './types.js';
import { asText } from './json.js';

/** The decision of the source flow manager, with the flow it leads to. */
export type SourceDecision =
  | { action: 'auth' | 'link' | 'enroll'; flow: ModelObject; user?: DirectoryUser; why: string }
  | { action: 'deny'; message: string; why: string };

/** Returns the source with this slug, or a stand-in OAuth source when the project has none. */
export function findSource(state: RunState, slug: string): SimSource {
  const source = state.directory.sources.find((candidate) => candidate.slug === slug);
  if (source !== undefined) {
    return source;
  }

  state.recorder.finding(
    'info',
    'source-not-in-project',
    `The project has no source with slug "${slug}"; the run uses a stand-in OAuth source with that slug.`,
  );
  return {
    pk: `source:${slug}`,
    name: slug,
    slug,
    model: 'authentik_sources_oauth.oauthsource',
    enabled: true,
  };
}

function sourceValue(source: SimSource): JsonMap {
  return {
    $model: source.model ?? 'authentik_sources_oauth.oauthsource',
    pk: source.pk,
    name: source.name,
    slug: source.slug,
    ...(source.provider_type === undefined ? {} : { provider_type: String(source.provider_type) }),
  };
}

function properties(state: RunState): JsonMap {
  const persona = state.persona;
  const user = persona === null ? undefined : state.directory.userByUsername(persona.user.username);

  return {
    username: persona?.user.username ?? '',
    email: persona?.user.email ?? user?.email ?? '',
    name: persona?.user.name ?? user?.name ?? '',
  };
}

/**
 * Decides what a login through the source does (SourceFlowManager.get_action): an existing
 * connection authenticates its user; otherwise `user_matching_mode` decides. Matching is exact
 * and case-sensitive; a missing email or username in an `*_link`/`*_deny` mode denies.
 */
export function decideSourceAction(
  state: RunState,
  source: SimSource,
  requested: ModelObject,
): SourceDecision {
  const object = state.index.get(source.pk);
  const data = object === undefined ? {} : mergeEntryData(object);
  const mode = typeof data.user_matching_mode === 'string' ? data.user_matching_mode : 'identifier';
  const props = properties(state);
  const persona = state.persona;
  const denied = `Request to authenticate with ${source.name} has been denied. Please authenticate with the source you've previously signed up with.`;
  const flowFor = (field: 'authentication_flow' | 'enrollment_flow'): ModelObject | undefined =>
    object === undefined ? requested : state.index.get(refUid(data[field]));

  const connected = persona?.sourceConnections?.includes(source.slug) === true;
  const connectedUser =
    persona === null ? undefined : state.directory.userByUsername(persona.user.username);
  const loggedIn = sessionUser(state);
  if (connected && connectedUser !== undefined) {
    const flow = flowFor('authentication_flow');
    return flow === undefined
      ? {
          action: 'deny',
          message: 'Configured flow does not exist.',
          why: 'the source has no authentication flow',
        }
      : {
          action: 'auth',
          flow,
          user: connectedUser,
          why: `${connectedUser.username} is already connected to ${source.slug}`,
        };
  }
  if (loggedIn !== null) {
    // NOTE: on the server, linking a logged-in user saves the connection and redirects to the
    // user settings without a flow. The simulation runs the authentication flow instead.
    const user = state.directory.userByPk(loggedIn.pk);
    const flow = flowFor('authentication_flow');
    if (flow !== undefined && user !== undefined) {
      return {
        action: 'link',
        flow,
        user,
        why: `the logged-in user ${user.username} is linked to ${source.slug}`,
      };
    }
  }

  if (mode !== 'identifier') {
    const field = mode.startsWith('email') ? 'email' : 'username';
    const value = props[field];
    if (typeof value !== 'string' || value === '') {
      return {
        action: 'deny',
        message: denied,
        why: `user_matching_mode ${mode} needs the ${field}, which the source did not return`,
      };
    }

    const match = state.directory.listUsers().find((user) => user[field] === value);
    if (match !== undefined) {
      if (mode.endsWith('_deny')) {
        return {
          action: 'deny',
          message: denied,
          why: `user_matching_mode ${mode}: ${match.username} already has this ${field}`,
        };
      }
      const flow = flowFor('authentication_flow');
      if (flow !== undefined) {
        return {
          action: 'link',
          flow,
          user: match,
          why: `user_matching_mode ${mode}: the ${field} matches ${match.username}, who is logged in through the link`,
        };
      }
    }
  }

  const flow = flowFor('enrollment_flow');
  return flow === undefined
    ? {
        action: 'deny',
        message: 'Source is not configured for enrollment.',
        why: 'the source has no enrollment flow',
      }
    : {
        action: 'enroll',
        flow,
        why: `no connection and no matching user (user_matching_mode ${mode})`,
      };
}

/** Plans the flow a source login leads to, with the source flow manager's context. */
export async function planSourceFlow(
  state: RunState,
  decision: Extract<SourceDecision, { flow: ModelObject }>,
  source: SimSource,
): Promise<FlowPlan> {
  const props = properties(state);
  const context: JsonMap = {
    [PLAN_CONTEXT.authenticationBackend]: 'authentik.core.auth.InbuiltBackend',
    [PLAN_CONTEXT.isSso]: true,
    [PLAN_CONTEXT.source]: sourceValue(source),
    [PLAN_CONTEXT.sourcesConnection]: {
      $model: connectionModelOf(source),
      // Only an authentication through an existing connection has a saved one.
      pk: decision.action === 'auth' ? `connection:${source.slug}:${asText(props.username)}` : null,
      source: sourceValue(source),
      identifier: props.username ?? '',
      user: decision.user?.pk ?? null,
      // An OAuth login always ends with a token exchange, so the connection carries a token.
      ...(source.model === undefined || source.model.startsWith('authentik_sources_oauth.')
        ? { access_token: 'simulated-access-token' }
        : {}),
    },
    [PLAN_CONTEXT.sourceGroups]: [],
    [PLAN_CONTEXT.oauthUserinfo]: { ...props },
    // The original flow's `next`, else the user interface.
    [PLAN_CONTEXT.redirect]: state.query.next ?? '/if/user/',
    [PLAN_CONTEXT.prompt]: { ...props },
    [PLAN_CONTEXT.userPath]: `goauthentik.io/sources/${source.slug}`,
  };
  if (decision.user !== undefined) {
    context[PLAN_CONTEXT.pendingUser] = userValue(decision.user);
  }

  let plan: FlowPlan;
  try {
    plan = await planFlow(state, decision.flow, {
      defaultContext: context,
      useCache: false,
      allowEmpty: true,
    });
  } finally {
    state.recorder.note(
      `Planned for a login through source ${source.slug}, without the plan cache.`,
    );
  }

  plan.bindings.push(inMemory('source-post', 'PostSourceStage', {}));
  plan.bindings.push(
    inMemory('message', 'MessageStage', {
      message: `Successfully authenticated with ${source.name}!`,
    }),
  );
  return plan;
}

// Each source type has its own connection model, e.g. `useroauthsourceconnection`.
function connectionModelOf(source: SimSource): string {
  const [app, model = 'oauthsource'] = (
    source.model ?? 'authentik_sources_oauth.oauthsource'
  ).split('.');
  return `${app}.user${model.replace(/source$/, '')}sourceconnection`;
}

function inMemory(view: 'source-post' | 'message', name: string, data: JsonMap): PlanBinding {
  return {
    ref: { name, model: `in-memory:${name}` },
    stage: { kind: 'in-memory', name, view, data },
    reEvaluate: false,
    invalidResponseAction: 'retry',
    policyEngineMode: 'any',
  };
}
