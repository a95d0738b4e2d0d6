/**
 * Starting a flow the way authentik's SourceFlowManager does after a login through a source
 * (authentik/core/sources/flow_manager.py, 2025.12). It decides between authenticating a
 * connected user, linking a matching user, enrolling a new one and denying. It passes its plan
 * context, plans without the cache and allows an empty flow. Then it appends the stages that
 * save the connection, update the source's groups and show the "Successfully authenticated"
 * message.
 *
 * Two kinds of identity drive it. A login through an OAuth source (`oauth/login.ts`) passes the
 * identifier, the properties its property mappings built and the token. Without one, the
 * persona plays the identity the source returned: its username, email and name are the
 * properties, and `sourceConnections` lists the sources it is already connected to.
 */
import type { ModelObject } from '../../shared/model/object.js';
import { mergeEntryData } from '../../shared/model/view.js';
import { PLAN_CONTEXT } from '../../shared/simulator/context-keys.js';
import type { SimSource } from '../../shared/simulator/evaluation.js';
import type { JsonMap } from '../../shared/simulator/trace.js';
import { userValue } from './context.js';
import type { DirectoryUser } from './directory.js';
import type { UserConnection } from './oauth/matcher.js';
import { matchUser } from './oauth/matcher.js';
import type { FlowPlan, PlanBinding } from './planner.js';
import { planFlow } from './planner.js';
import { refUid } from './project-index.js';
import { sessionUser } from './request.js';
import type { RunState } from './types.js';
import { asText } from './json.js';

/** The identity a source returned for the person logging in, as the flow manager gets it. */
export interface SourceIdentity {
  /** The identifier the connection is keyed by. */
  identifier: string;
  /** The user properties after the property mappings, None values removed (`prompt_data`). */
  properties: JsonMap;
  /** The provider's user info (`oauth_userinfo`). */
  userinfo: JsonMap;
  /** Group properties by group id (`source_groups`). */
  groups: Record<string, JsonMap>;
  /** The access token the connection stores. */
  accessToken: string | null;
  /** Existing connections of the source in the directory. */
  connections: UserConnection[];
  /** The path new users get (`user_path`). */
  userPath: string;
}

/** The decision of the source flow manager, with the flow it leads to. */
export type SourceDecision =
  | { action: 'auth' | 'link' | 'enroll'; flow: ModelObject; user?: DirectoryUser; why: string }
  | { action: 'deny'; message: string; why: string }
  /** A logged-in browser linked the identity: no flow runs, the browser goes to the settings. */
  | { action: 'linked'; user: DirectoryUser; message: string; redirect: string; why: string };

/** The URL a linked browser is sent to (`reverse("authentik_core:if-user") + "settings/sources"`). */
export const LINKED_REDIRECT = '/if/user/settings/sources';

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

/** Returns the `$model` map of a source, as plan contexts and policies see it. */
export function sourceValue(source: SimSource): JsonMap {
  return {
    $model: source.model ?? 'authentik_sources_oauth.oauthsource',
    pk: source.pk,
    name: source.name,
    slug: source.slug,
    ...(source.provider_type === undefined ? {} : { provider_type: String(source.provider_type) }),
  };
}

function personaProperties(state: RunState): JsonMap {
  const persona = state.persona;
  const user = persona === null ? undefined : state.directory.userByUsername(persona.user.username);

  return {
    username: persona?.user.username ?? '',
    email: persona?.user.email ?? user?.email ?? '',
    name: persona?.user.name ?? user?.name ?? '',
  };
}

// Without an identity from the source, the persona's own connection is used instead, with its
// username as the identifier.
function personaConnections(state: RunState, source: SimSource): UserConnection[] {
  const persona = state.persona;
  const user = persona === null ? undefined : state.directory.userByUsername(persona.user.username);
  if (persona?.sourceConnections?.includes(source.slug) !== true || user === undefined) {
    return [];
  }

  return [{ pk: `connection:${source.slug}:${user.username}`, user, identifier: user.username }];
}

/**
 * Decides what a login through the source does (SourceFlowManager.get_action). A logged-in
 * browser links the identity, or authenticates through an existing connection. Otherwise an
 * existing connection authenticates its user, and `user_matching_mode` decides the rest.
 * Matching is exact and case-sensitive, and a missing email or username in an `*_link` or
 * `*_deny` mode denies.
 */
export function decideSourceAction(
  state: RunState,
  source: SimSource,
  requested: ModelObject,
  identity?: SourceIdentity,
): SourceDecision {
  const object = state.index.get(source.pk);
  const data = object === undefined ? {} : mergeEntryData(object);
  const mode = typeof data.user_matching_mode === 'string' ? data.user_matching_mode : 'identifier';
  const denied = `Request to authenticate with ${source.name} has been denied. Please authenticate with the source you've previously signed up with.`;
  const flowFor = (field: 'authentication_flow' | 'enrollment_flow'): ModelObject | undefined =>
    object === undefined ? requested : state.index.get(refUid(data[field]));

  const loggedIn = sessionUser(state);
  const match = matchUser(state, {
    mode,
    identifier: identity?.identifier ?? state.persona?.user.username ?? '',
    properties: identity?.properties ?? personaProperties(state),
    connections: identity?.connections ?? personaConnections(state, source),
    loggedIn: loggedIn === null ? undefined : state.directory.userByPk(loggedIn.pk),
  });

  switch (match.action) {
    case 'deny':
      return { action: 'deny', message: denied, why: match.why };
    case 'enroll': {
      const flow = flowFor('enrollment_flow');
      return flow === undefined
        ? {
            action: 'deny',
            message: 'Source is not configured for enrollment.',
            why: 'the source has no enrollment flow',
          }
        : { action: 'enroll', flow, why: match.why };
    }
    case 'link':
    case 'auth': {
      const user = match.connection?.user;
      if (
        match.action === 'link' &&
        loggedIn !== null &&
        identity !== undefined &&
        user !== undefined
      ) {
        return {
          action: 'linked',
          user,
          message: `Successfully linked ${source.name}!`,
          redirect: LINKED_REDIRECT,
          why: match.why,
        };
      }

      // NOTE: without an identity from the source, linking a logged-in user runs the
      // authentication flow; the server saves the connection and redirects without a flow.
      const flow = flowFor('authentication_flow');
      if (flow === undefined) {
        return {
          action: 'deny',
          message: 'Configured flow does not exist.',
          why: 'the source has no authentication flow',
        };
      }

      return {
        action: match.action,
        flow,
        ...(user === undefined ? {} : { user }),
        why: match.why,
      };
    }
  }
}

/** Plans the flow a source login leads to, with the source flow manager's context. */
export async function planSourceFlow(
  state: RunState,
  decision: Extract<SourceDecision, { flow: ModelObject }>,
  source: SimSource,
  identity?: SourceIdentity,
): Promise<FlowPlan> {
  const props = identity?.properties ?? personaProperties(state);
  const connection = identity?.connections.find((item) => item.identifier === identity.identifier);
  const context: JsonMap = {
    [PLAN_CONTEXT.authenticationBackend]: 'authentik.core.auth.InbuiltBackend',
    [PLAN_CONTEXT.isSso]: true,
    [PLAN_CONTEXT.source]: sourceValue(source),
    [PLAN_CONTEXT.sourcesConnection]: {
      $model: connectionModelOf(source),
      // Only an authentication through an existing connection has a saved one.
      pk:
        decision.action === 'auth'
          ? (connection?.pk ?? `connection:${source.slug}:${asText(props.username)}`)
          : null,
      source: sourceValue(source),
      identifier: identity?.identifier ?? props.username ?? '',
      user: decision.user?.pk ?? null,
      ...accessTokenOf(source, identity),
    },
    [PLAN_CONTEXT.sourceGroups]: identity?.groups ?? {},
    [PLAN_CONTEXT.oauthUserinfo]: identity?.userinfo ?? { ...props },
    // The original flow's `next`, else the user interface.
    [PLAN_CONTEXT.redirect]: state.query.next ?? '/if/user/',
    [PLAN_CONTEXT.prompt]: { ...props },
    [PLAN_CONTEXT.userPath]: identity?.userPath ?? `goauthentik.io/sources/${source.slug}`,
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

  // _prepare_flow appends PostSourceStage, then GroupUpdateStage, then the handler's message.
  plan.bindings.push(inMemory('source-post', 'PostSourceStage', {}));
  plan.bindings.push(
    inMemory('group-update', 'GroupUpdateStage', {
      source: source.slug,
      group_matching_mode: groupMatchingModeOf(state, source),
    }),
  );
  plan.bindings.push(
    inMemory('message', 'MessageStage', {
      message: `Successfully authenticated with ${source.name}!`,
    }),
  );
  return plan;
}

// An OAuth login always ends with a token exchange, so its connection carries the token.
function accessTokenOf(source: SimSource, identity: SourceIdentity | undefined): JsonMap {
  if (identity !== undefined) {
    return { access_token: identity.accessToken };
  }
  if (source.model === undefined || source.model.startsWith('authentik_sources_oauth.')) {
    return { access_token: 'simulated-access-token' };
  }

  return {};
}

function groupMatchingModeOf(state: RunState, source: SimSource): string {
  const object = state.index.get(source.pk);
  const mode = object === undefined ? undefined : mergeEntryData(object).group_matching_mode;

  return typeof mode === 'string' ? mode : 'identifier';
}

// Each source type has its own connection model, e.g. `useroauthsourceconnection`.
function connectionModelOf(source: SimSource): string {
  const [app, model = 'oauthsource'] = (
    source.model ?? 'authentik_sources_oauth.oauthsource'
  ).split('.');
  return `${app}.user${model.replace(/source$/, '')}sourceconnection`;
}

function inMemory(
  view: 'source-post' | 'message' | 'group-update',
  name: string,
  data: JsonMap,
): PlanBinding {
  return {
    ref: { name, model: `in-memory:${name}` },
    stage: { kind: 'in-memory', name, view, data },
    reEvaluate: false,
    invalidResponseAction: 'retry',
    policyEngineMode: 'any',
  };
}
