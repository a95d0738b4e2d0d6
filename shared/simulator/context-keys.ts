/**
 * Flow-plan context keys with the exact names authentik 2025.12 uses (`PLAN_CONTEXT_*`
 * constants of authentik/flows/planner.py, authentik/flows/stage.py and the stages). Policies
 * read these keys, so a simulated run must use the same names.
 */
export const PLAN_CONTEXT = {
  /** The user the flow is about (planner). */
  pendingUser: 'pending_user',
  /** The identifier the user typed, kept when identification hides the matched user. */
  pendingUserIdentifier: 'pending_user_identifier',
  /** Set by the source flow manager for flows started by a source login. */
  isSso: 'is_sso',
  /** The URL the flow sends the browser to at the end, before `next`. */
  redirect: 'redirect',
  application: 'application',
  device: 'device',
  source: 'source',
  outpost: 'outpost',
  isRestored: 'is_restored',
  isRedirected: 'is_redirected',
  redirectStageTarget: 'redirect_stage_target',
  /** Password stage: the backend that authenticated the user. */
  authenticationBackend: 'user_backend',
  authMethod: 'auth_method',
  authMethodArgs: 'auth_method_args',
  /** Prompt stage: the values of the prompt fields. */
  prompt: 'prompt_data',
  /** User write stage: groups to add the user to, user type and path. */
  groups: 'groups',
  userType: 'user_type',
  userPath: 'user_path',
  emailSent: 'email_sent',
  email: 'email',
  consent: 'consent',
  consentHeader: 'consent_header',
  consentPermissions: 'consent_permissions',
  captcha: 'captcha',
  sourcesConnection: 'goauthentik.io/sources/connection',
  sourceGroups: 'source_groups',
  oauthUserinfo: 'oauth_userinfo',
  /** Only in policy contexts of stage bindings: the plan being built or run. */
  flowPlan: 'flow_plan',
} as const;

/** authentik's inbuilt password backend, the default `user_backend`. */
export const BACKEND_INBUILT = 'authentik.core.auth.InbuiltBackend';

/** The session key of the password stage's wrong-password counter. */
export const SESSION_KEY_INVALID_TRIES = 'authentik/stages/password/user_invalid_tries';

/** Model label of users in `$model` maps. */
export const USER_LABEL = 'authentik_core.user';

/** Model label of flow plans in `$model` maps. */
export const FLOW_PLAN_LABEL = 'authentik_flows.flowplan';
