/**
 * A login through an OAuth source, from the redirect to the source flow manager's decision:
 * the authorize request (authentik/sources/oauth/views/redirect.py), the provider's response, the
 * callback (views/callback.py) with its token and profile requests, the identifier, the user and
 * group properties, and SourceFlowManager's decision (authentik/core/sources/flow_manager.py).
 * The flow the decision leads to then runs in the ordinary simulator.
 *
 * Failures end the run with authentik's texts: "Authentication failed: <reason>" for the
 * callback's login failures (the browser goes back to the login page with that message), and a
 * server error for a property mapping that raises.
 */
import { isStagecraftError, StagecraftError } from '../../../shared/errors.js';
import type { HttpSender } from '../../../shared/http/exchange.js';
import type { ModelObject } from '../../../shared/model/object.js';
import { mergeEntryData } from '../../../shared/model/view.js';
import type { SimSource } from '../../../shared/simulator/evaluation.js';
import type { Persona } from '../../../shared/simulator/persona.js';
import type { SimulationOutcome } from '../../../shared/simulator/trace.js';
import { maskMap } from '../../../shared/simulator/mask.js';
import { recordEvent, recordMessage } from '../effects.js';
import { asText } from '../json.js';
import { objectLabel } from '../project-index.js';
import type { SourceDecision, SourceIdentity } from '../source.js';
import { decideSourceAction } from '../source.js';
import type { RunState } from '../types.js';
import type { AuthorizeRequest } from './client.js';
import {
  buildAuthorizeRequest,
  fetchProfile,
  fetchToken,
  profileRequest,
  randomString,
  tokenRequest,
} from './client.js';
import { adviseOnError, recordFinding } from './advice.js';
import './discord.js';
import { TracedHttp, maskUrl } from './http.js';
import type { UserConnection } from './matcher.js';
import { HttpBridgeEvaluator } from './policy-http.js';
import { buildProperties } from './properties.js';
import type { ProviderCall, ProviderType } from './providers.js';
import { findProviderType } from './providers.js';
import { checkSourceScopes } from './source-policies.js';
import type { Environment, OAuthSourceConfig } from './source-config.js';
import { readSourceConfig, userPathOf } from './source-config.js';

/** The client secret a replay sends when the source's secret is not set. */
export const STAND_IN_SECRET = 'simulated-client-secret';

/** The provider's response to the authorize request. */
export type AuthorizationResponse = 'granted' | 'denied' | 'state-mismatch';

/** Settings of a login through an OAuth source. */
export interface OAuthLoginOptions {
  /** The sender of the token, profile and policy requests: a persona, a recording or the network. */
  http: HttpSender;
  /** The origin of the responses as the trace names it, e.g. `persona mossy`. */
  respondedBy: string;
  /** Variables for `!Env` values of the source, such as the client secret. */
  env?: Environment;
  /** The authentik server's address, for the callback URL. Default `https://authentik.company`. */
  baseUrl?: string;
  /** Default `granted`: the user consents and the provider sends a code back. */
  authorization?: AuthorizationResponse;
  /**
   * Sends the browser to the authorize URL and returns the code of the redirect back, for live
   * logins. Rejects with `oauth-login-failed` when the provider sends an error. Without it, the
   * provider responds as `authorization` says, with a simulated code.
   */
  authorize?: (url: string) => Promise<string>;
  /** The `state` of the authorize request; default a fresh random one. */
  state?: string;
}

/** The result of the login part: the flow manager's decision, or an outcome that ends the run. */
export type OAuthLoginResult =
  | { kind: 'decided'; decision: SourceDecision; identity: SourceIdentity; source: SimSource }
  | { kind: 'ended'; outcome: SimulationOutcome };

/** The authentik version string authentik's User-Agent carries for the simulated release. */
function versionText(state: RunState): string {
  const { year, month, patch } = state.version;
  return patch === Number.MAX_SAFE_INTEGER ? `${year}.${month}` : `${year}.${month}.${patch}`;
}

function sourceOf(state: RunState, config: OAuthSourceConfig): SimSource {
  return (
    state.directory.sources.find((item) => item.pk === config.object.uid) ?? {
      pk: config.object.uid,
      name: config.name,
      slug: config.slug,
      model: config.object.model,
      enabled: config.enabled,
      provider_type: config.providerType,
    }
  );
}

/**
 * Connections of the source in the directory: personas that list the source in
 * `sourceConnections`. The identifier is the persona's Discord user id when it has a `discord`
 * section, else its username.
 */
export function sourceConnections(
  state: RunState,
  slug: string,
  personas: readonly Persona[],
): UserConnection[] {
  const connections: UserConnection[] = [];
  for (const persona of personas) {
    if (persona.inDirectory === false || persona.sourceConnections?.includes(slug) !== true) {
      continue;
    }

    const user = state.directory.userByUsername(persona.user.username);
    const discord = (persona as unknown as { discord?: { user?: { id?: unknown } } }).discord;
    const id = discord?.user?.id;
    if (user !== undefined) {
      connections.push({
        pk: `connection:${slug}:${user.username}`,
        user,
        identifier: typeof id === 'string' ? id : user.username,
      });
    }
  }

  return connections;
}

function failure(state: RunState, flow: string, reason: string, why: string): OAuthLoginResult {
  const message = `Authentication failed: ${reason}`;
  recordMessage(state, { level: 'error', text: message, by: 'OAuth callback' });
  state.recorder.setStatus('denied', `${why}; the browser returns to the login page`);

  return { kind: 'ended', outcome: { kind: 'denied', flow, message, why } };
}

function serverError(
  state: RunState,
  flow: string,
  code: string,
  message: string,
  why = message,
): OAuthLoginResult {
  state.recorder.setStatus('error', why);
  return { kind: 'ended', outcome: { kind: 'error', flow, code, message } };
}

/** Returns the provider's response to the authorize request: a code, or the callback's error. */
function authorizationCode(
  response: AuthorizationResponse,
): { code: string } | { reason: string; why: string } {
  switch (response) {
    case 'granted':
      return { code: `simulated-code-${randomString(16)}` };
    case 'state-mismatch':
      return {
        reason: 'State check failed.',
        why: 'the state of the callback differs from the one in the session',
      };
    case 'denied':
      // NOTE: the RFC 6749 description; Discord's own text for a cancelled consent is not recorded.
      return {
        reason: 'The resource owner or authorization server denied the request.',
        why: 'the user cancelled the consent screen, so the callback has error=access_denied and no code',
      };
  }
}

// The provider's redirect of a live login. The callback view turns an error of the redirect into
// the failure reason, as `error_description or error` of OAuth2Client.get_access_token.
async function liveAuthorization(
  authorize: (url: string) => Promise<string>,
  url: string,
): Promise<{ code: string } | { reason: string; why: string }> {
  try {
    return { code: await authorize(url) };
  } catch (error) {
    if (!isStagecraftError(error)) {
      throw error;
    }

    return { reason: error.message, why: 'the provider redirected back without a code' };
  }
}

/**
 * Runs the OAuth part of a login through `sourceObject`: redirect, callback, properties and the
 * flow manager's decision. From here on, the run's policies send their `requests` calls through
 * the same HTTP layer.
 */
export async function loginThroughOAuth(
  state: RunState,
  sourceObject: ModelObject,
  requested: ModelObject,
  personas: readonly Persona[],
  options: OAuthLoginOptions,
): Promise<OAuthLoginResult> {
  const config = readSourceConfig(sourceObject, options.env ?? {});
  const type = findProviderType(config.providerType);
  const flow = asText(mergeEntryData(requested).slug, requested.uid);
  const by = `source ${config.slug}`;
  state.recorder.startStep('source', flow, `Login through source ${config.slug} (${type.label})`);
  if (type.note !== undefined) {
    state.recorder.finding('info', 'source-type-partial', type.note);
  }

  if (!config.enabled) {
    return serverError(state, flow, 'source-disabled', `source ${config.slug} is not enabled.`);
  }

  const authorize = buildAuthorizeRequest(
    config,
    type,
    state.version,
    options.baseUrl ?? 'https://authentik.company',
    options.state,
  );
  const details = (state.sourceLogin = {
    slug: config.slug,
    name: config.name,
    providerType: type.name,
    authorizeUrl: maskUrl(authorize.url),
    requestedScopes: authorize.scopes,
  });
  state.recorder.note(`The browser is sent to ${details.authorizeUrl}.`);
  checkSourceScopes(state, config, authorize.scopes);

  const http = new TracedHttp(options.http, options.respondedBy, state.recorder);
  state.evaluator = new HttpBridgeEvaluator(state.evaluator, http);
  state.sourceHttp = { sender: options.http, respondedBy: options.respondedBy };

  const granted =
    options.authorize === undefined
      ? authorizationCode(options.authorization ?? 'granted')
      : await liveAuthorization(options.authorize, authorize.url);
  if ('reason' in granted) {
    return failure(state, flow, granted.reason, granted.why);
  }
  // Replays compare the client credentials only as placeholders, so any secret matches a
  // recording; live runs check for the real one before they start.
  let settings = config;
  if (config.consumerSecret === undefined) {
    settings = { ...config, consumerSecret: STAND_IN_SECRET };
    state.recorder.note(
      `The client secret comes from ${config.secretOrigin}, which is not set; the token request uses a stand-in secret.`,
    );
  }

  return callback(
    state,
    { config: settings, type, authorize, http, by, flow, requested, personas },
    granted.code,
  );
}

interface CallbackInput {
  config: OAuthSourceConfig;
  type: ProviderType;
  authorize: AuthorizeRequest;
  http: TracedHttp;
  by: string;
  flow: string;
  requested: ModelObject;
  personas: readonly Persona[];
}

async function callback(
  state: RunState,
  input: CallbackInput,
  code: string,
): Promise<OAuthLoginResult> {
  const { config, type, http, by, flow } = input;
  const version = versionText(state);
  const details = state.sourceLogin!;

  const token = await fetchToken(
    http,
    tokenRequest(config, type, input.authorize, code, version),
    by,
  );
  if (token.kind === 'failed') {
    return failure(state, flow, token.reason, 'the token request failed');
  }
  if (token.kind === 'server-error') {
    return serverError(state, flow, 'source-server-error', token.message);
  }
  if (typeof token.token.access_token !== 'string') {
    return serverError(
      state,
      flow,
      'source-server-error',
      "The token response has no access_token, so the profile request raises KeyError: 'access_token' and the server responds with HTTP 500.",
    );
  }
  if (typeof token.token.scope === 'string') {
    details.grantedScope = token.token.scope;
    reportScopeGrant(state, config, details.requestedScopes, token.token.scope);
  }

  const profile = await fetchProfile(http, profileRequest(config, type, token.token, version), by);
  if (profile.kind === 'failed') {
    if (profile.event !== undefined) {
      recordEvent(state, {
        action: 'configuration_error',
        app: 'authentik.sources.oauth.views.callback',
        context: { message: profile.event },
      });
    }
    return failure(state, flow, profile.reason, 'the profile request failed');
  }

  const info = profile.info;
  details.userinfo = maskMap(info);
  const identifier = type.userId(info);
  if (identifier === undefined) {
    return failure(
      state,
      flow,
      'Could not determine id.',
      `the profile has no ${type.name === 'openidconnect' ? 'sub' : 'id'}`,
    );
  }
  details.identifier = identifier;

  const call: ProviderCall = {
    config,
    info,
    token: token.token,
    version: state.version,
    state,
    http,
    by,
  };
  const built = await buildProperties(call, type);
  if (built.kind === 'mapping-failed') {
    const { mapping, error } = built.failure;
    adviseOnError(state, 'property mapping', mapping, error);
    // The text of the configuration_error event authentik records before the callback fails.
    return serverError(
      state,
      flow,
      'source-property-mapping-failed',
      `Failed to evaluate property mapping: '${mapping}'`,
      `property mapping ${mapping} raised ${error.type}: ${error.message}; the OAuth callback fails and the server responds with HTTP 500`,
    );
  }

  details.properties = maskMap(built.user);
  details.groups = built.groups;
  return decide(state, input, {
    identifier,
    properties: built.user,
    userinfo: info,
    groups: built.groups,
    accessToken: token.token.access_token,
    connections: sourceConnections(state, config.slug, input.personas),
    userPath: userPathOf(config),
  });
}

function decide(state: RunState, input: CallbackInput, identity: SourceIdentity): OAuthLoginResult {
  const source = sourceOf(state, input.config);
  const decision = decideSourceAction(state, source, input.requested, identity);
  const details = state.sourceLogin!;
  details.action = decision.action === 'linked' ? 'link' : decision.action;
  if ('user' in decision && decision.user !== undefined) {
    details.matchedUser = decision.user.username;
  }

  const target = 'flow' in decision ? ` into flow ${objectLabel(decision.flow)}` : '';
  state.recorder.note(
    `The source flow manager decides: ${details.action}${target} (${decision.why}).`,
  );
  reportUnverifiedEmailLink(state, input.config, identity, decision);

  return { kind: 'decided', decision, identity, source };
}

// authentik's Discord type passes the email on without looking at `verified`, so an email-based
// link can give an existing account to anyone who adds its address to a Discord account.
function reportUnverifiedEmailLink(
  state: RunState,
  config: OAuthSourceConfig,
  identity: SourceIdentity,
  decision: SourceDecision,
): void {
  const verified = identity.userinfo.verified;
  if (
    decision.action !== 'link' ||
    !config.userMatchingMode.startsWith('email') ||
    verified === true
  ) {
    return;
  }

  const shown = verified === undefined ? 'does not say whether it is verified' : 'is not verified';
  recordFinding(
    state,
    'critical',
    'source-link-unverified-email',
    `Source ${config.slug} links this login to ${decision.user?.username ?? 'an existing user'} by email, but the provider's email ${shown} ("verified": ${JSON.stringify(verified ?? null)}). Whoever adds that address to their ${config.providerType} account takes over the account.`,
    'Use user_matching_mode identifier or email_deny, or bind a policy such as `return context["oauth_userinfo"].get("verified") is True` to the source\'s authentication and enrollment flows.',
  );
}

// Discord's consent screen grants the scopes of the authorize request. A persona or a recording
// whose token grants fewer behaves like a source configured with fewer scopes.
function reportScopeGrant(
  state: RunState,
  config: OAuthSourceConfig,
  requested: readonly string[],
  granted: string,
): void {
  const grantedScopes = new Set(granted.split(/\s+/));
  const missing = requested.filter((scope) => scope !== '' && !grantedScopes.has(scope));
  if (missing.length === 0) {
    return;
  }

  state.recorder.finding(
    'info',
    'source-scope-not-granted',
    `The token grants "${granted}", without ${missing.join(', ')}, although source ${config.slug} requests them. The responses follow the token, as they would for a source configured without those scopes.`,
  );
}

const OAUTH_SOURCE_MODEL = 'authentik_sources_oauth.oauthsource';

/**
 * Returns the project object of the OAuth source with this slug. Throws `source-not-found`
 * listing the slugs, or `source-unsupported` for a source of another kind, because only OAuth
 * sources log in over HTTP.
 */
export function findOAuthSourceObject(objects: readonly ModelObject[], slug: string): ModelObject {
  const sources = objects.filter(
    (object) =>
      object.state !== 'absent' && /^authentik_sources_\w+\.\w*source$/.test(object.model),
  );
  const found = sources.find((object) => mergeEntryData(object).slug === slug);
  if (found === undefined) {
    const known = sources.map((object) => asText(mergeEntryData(object).slug, object.uid));
    throw new StagecraftError(
      'source-not-found',
      `no source with slug "${slug}"; the project has: ${known.length > 0 ? known.join(', ') : 'none'}`,
      { slug, known },
    );
  }
  if (found.model !== OAUTH_SOURCE_MODEL) {
    throw new StagecraftError(
      'source-unsupported',
      `source "${slug}" is a ${found.model}; only OAuth sources log in over HTTP. Run it without an HTTP layer to take the identity from the persona.`,
      { slug, model: found.model },
    );
  }

  return found;
}
