/**
 * Where a policy is bound, and which policy context keys it can read there. authentik builds a
 * policy's context from where the engine runs it (authentik 2025.12, `authentik/flows/planner.py`
 * and `views/executor.py`): a flow-level policy gets the planner's default context, which is
 * empty for a flow opened directly and holds the source login's keys for a flow the source flow
 * manager plans. A stage binding's policy also sees `flow_plan` and everything the stages before
 * it wrote, unless it runs at plan time (`evaluate_on_plan`), before any stage has run. Prompt
 * stage validation policies see only `prompt_data`.
 */
import type { ModelObject } from '../model/object.js';
import { OAUTH_PROVIDER_DEFAULTS } from '../model/sources.js';
import type { OAuthProviderType } from '../model/sources.js';
import { isRef } from '../model/values.js';
import type { Value } from '../model/values.js';
import { mergeEntryData } from '../model/view.js';

/** Whether a context key is set at every run of the binding, or only at some. */
export type KeyPresence = 'always' | 'sometimes';

/** A key of the policy context. */
export interface ContextKeyInfo {
  key: string;
  doc: string;
  presence: KeyPresence;
  /** The reason the key is only sometimes set. */
  why?: string;
  /** Type of the value, for completion after `context["key"].`. */
  type?: string;
  /** Keys inside the value, for `prompt_data`. */
  children?: ContextKeyInfo[];
}

/** A source whose login starts a flow. */
export interface SourceInfo {
  uid: string;
  name: string;
  slug: string;
  model: string;
  providerType: string | undefined;
  /** The scopes the source requests at the provider, sorted. Empty for non-OAuth sources. */
  scopes: string[];
  /** `authentication` when the flow is the source's authentication flow, else `enrollment`. */
  role: 'authentication' | 'enrollment';
}

/** One place a policy is bound, with the context it gets there. */
export interface BindingSite {
  /** Uid of the policy binding. */
  bindingUid: string;
  kind: 'flow' | 'stage-binding' | 'prompt-validation' | 'other';
  /** Uid of the flow the site belongs to, when known. */
  flowUid?: string;
  flowSlug?: string;
  /** Uid of the stage binding, for `stage-binding` sites. */
  stageBindingUid?: string;
  label: string;
  /** False when the site's context is not modelled (a policy bound to an application). */
  known: boolean;
  keys: ContextKeyInfo[];
  sources: SourceInfo[];
}

/** Every place a policy is bound, and the context keys merged over all of them. */
export interface PolicyPlacement {
  sites: BindingSite[];
  /** Keys of every site; `always` only when every site always has the key. */
  keys: ContextKeyInfo[];
  /** True when every site's context is modelled and the policy is bound at least once. */
  known: boolean;
  /** The sources of every site's flow. */
  sources: SourceInfo[];
}

const FLOW_MODEL = 'authentik_flows.flow';
const STAGE_BINDING_MODEL = 'authentik_flows.flowstagebinding';
const POLICY_BINDING_MODEL = 'authentik_policies.policybinding';
const PROMPT_STAGE_MODEL = 'authentik_stages_prompt.promptstage';
const PROMPT_MODEL = 'authentik_stages_prompt.prompt';

/** Documentation of the plan context keys authentik 2025.12 sets. */
export const CONTEXT_KEY_DOCS: Readonly<Record<string, { doc: string; type?: string }>> = {
  pending_user: {
    doc: 'The user the flow is about: set by the identification stage, by user write, or by a source login for a linked identity.',
    type: 'User',
  },
  pending_user_identifier: {
    doc: 'What the user typed at identification, when the stage hides the matched user.',
    type: 'str',
  },
  prompt_data: {
    doc: 'Values of the prompt fields so far, by field key. After a source login: the user properties the source built (username, email, name, ...).',
    type: 'dict',
  },
  user_backend: { doc: 'The backend that checked the password, as a dotted path.', type: 'str' },
  auth_method: { doc: 'How the user authenticated: `password`, `auth_mfa`, ...', type: 'str' },
  auth_method_args: { doc: 'Details of the authentication method.', type: 'dict' },
  is_sso: { doc: 'True when a source login started the flow.', type: 'bool' },
  source: { doc: 'The source the login came through.', type: 'OAuthSource' },
  'goauthentik.io/sources/connection': {
    doc: 'The user-source connection of the login; `access_token` holds the OAuth token. Unsaved during enrollment.',
    type: 'UserOAuthSourceConnection',
  },
  source_groups: { doc: 'Group properties the source sent, by group id.', type: 'dict' },
  oauth_userinfo: {
    doc: "The provider's user info, e.g. Discord's user object from `users/@me`.",
    type: 'dict',
  },
  user_path: { doc: 'The path new users of the source are created under.', type: 'str' },
  redirect: { doc: 'Where the browser goes when the flow ends.', type: 'str' },
  flow_plan: {
    doc: 'The plan of the running flow. Write values for later stages to `context["flow_plan"].context[...]`.',
    type: 'FlowPlan',
  },
  application: { doc: 'The application the flow runs for.' },
  captcha: { doc: 'The captcha stage result.', type: 'dict' },
  email_sent: { doc: 'Set by the email stage once it has sent its email.', type: 'bool' },
  geoip: {
    doc: 'GeoIP data of the client (`continent`, `country`, `lat`, `long`, `city`), or None.',
    type: 'dict',
  },
  asn: { doc: 'ASN data of the client (`asn`, `as_org`, `network`), or None.', type: 'dict' },
};

/** Keys of `prompt_data` that authentik's OAuth sources build for every login. */
const SOURCE_PROPERTY_KEYS = ['username', 'email', 'name'];

// The plan context keys each stage type writes when it completes.
const STAGE_OUTPUTS: Readonly<Record<string, { key: string; presence: KeyPresence }[]>> = {
  'authentik_stages_identification.identificationstage': [
    { key: 'pending_user', presence: 'always' },
    { key: 'pending_user_identifier', presence: 'sometimes' },
  ],
  'authentik_stages_password.passwordstage': [
    { key: 'user_backend', presence: 'always' },
    { key: 'auth_method', presence: 'always' },
    { key: 'auth_method_args', presence: 'always' },
  ],
  'authentik_stages_prompt.promptstage': [{ key: 'prompt_data', presence: 'always' }],
  'authentik_stages_user_write.userwritestage': [
    { key: 'pending_user', presence: 'always' },
    { key: 'user_backend', presence: 'sometimes' },
  ],
  'authentik_stages_captcha.captchastage': [{ key: 'captcha', presence: 'always' }],
  'authentik_stages_authenticator_validate.authenticatorvalidatestage': [
    { key: 'auth_method', presence: 'sometimes' },
    { key: 'auth_method_args', presence: 'sometimes' },
  ],
  'authentik_stages_email.emailstage': [{ key: 'email_sent', presence: 'sometimes' }],
};

function refUid(value: Value | undefined): string | undefined {
  return isRef(value) ? value.$ref : undefined;
}

function text(value: Value | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function keyInfo(key: string, presence: KeyPresence, why?: string): ContextKeyInfo {
  const docs = CONTEXT_KEY_DOCS[key];
  const info: ContextKeyInfo = { key, doc: docs?.doc ?? 'A plan context key.', presence };
  if (docs?.type !== undefined) {
    info.type = docs.type;
  }
  if (why !== undefined && presence === 'sometimes') {
    info.why = why;
  }

  return info;
}

/** Returns the scopes an OAuth source requests, as authentik's OAuth client computes them. */
export function sourceScopes(providerType: string | undefined, additional: string): string[] {
  const defaults =
    providerType !== undefined && providerType in OAUTH_PROVIDER_DEFAULTS
      ? OAUTH_PROVIDER_DEFAULTS[providerType as OAuthProviderType].scopes
      : [];
  const extra = additional.trim();
  const replaces = extra.startsWith('*');
  const listed = (replaces ? extra.slice(1) : extra).split(/\s+/).filter((scope) => scope !== '');
  const scopes = replaces ? listed : [...defaults, ...listed];

  return [...new Set(scopes)].sort();
}

/** The project's objects, indexed for placement lookups. */
class Objects {
  readonly byUid = new Map<string, ModelObject>();
  readonly data = new Map<string, Record<string, Value>>();

  constructor(objects: Iterable<ModelObject>) {
    for (const object of objects) {
      this.byUid.set(object.uid, object);
    }
  }

  fields(object: ModelObject): Record<string, Value> {
    let data = this.data.get(object.uid);
    if (data === undefined) {
      data = mergeEntryData(object);
      this.data.set(object.uid, data);
    }
    return data;
  }

  ofModel(model: string): ModelObject[] {
    return [...this.byUid.values()].filter((object) => object.model === model);
  }
}

/** Describes every binding of the policy `policyUid` and the context keys it can read. */
export function describePlacement(
  objects: Iterable<ModelObject>,
  policyUid: string,
): PolicyPlacement {
  const index = new Objects(objects);
  const sites: BindingSite[] = [];

  for (const binding of index.ofModel(POLICY_BINDING_MODEL)) {
    const data = index.fields(binding);
    if (refUid(data.policy) !== policyUid || data.enabled === false) {
      continue;
    }
    sites.push(siteOf(index, binding.uid, refUid(data.target)));
  }

  for (const stage of index.ofModel(PROMPT_STAGE_MODEL)) {
    const data = index.fields(stage);
    const policies = Array.isArray(data.validation_policies) ? data.validation_policies : [];
    if (policies.some((item) => refUid(item) === policyUid)) {
      sites.push(promptValidationSite(index, stage));
    }
  }

  return {
    sites,
    keys: mergeKeys(sites),
    known: sites.length > 0 && sites.every((site) => site.known),
    sources: uniqueSources(sites.flatMap((site) => site.sources)),
  };
}

/** Returns the OAuth sources of the project, for checks of a policy that is not bound yet. */
export function listSources(objects: Iterable<ModelObject>): SourceInfo[] {
  const index = new Objects(objects);
  const sources: SourceInfo[] = [];

  for (const object of index.byUid.values()) {
    if (object.model.startsWith('authentik_sources_') && object.model.endsWith('source')) {
      sources.push(sourceInfo(index, object, 'authentication'));
    }
  }

  return sources;
}

function siteOf(index: Objects, bindingUid: string, targetUid: string | undefined): BindingSite {
  const target = targetUid === undefined ? undefined : index.byUid.get(targetUid);
  if (target?.model === FLOW_MODEL) {
    return flowSite(index, bindingUid, target);
  }

  if (target?.model === STAGE_BINDING_MODEL) {
    return stageBindingSite(index, bindingUid, target);
  }

  return {
    bindingUid,
    kind: 'other',
    label: target === undefined ? 'a target outside the project' : `${target.model} ${target.uid}`,
    known: false,
    keys: [],
    sources: [],
  };
}

function flowSlug(index: Objects, flow: ModelObject): string {
  return text(index.fields(flow).slug) ?? flow.uid;
}

function sourcesOfFlow(index: Objects, flowUid: string): SourceInfo[] {
  const found: SourceInfo[] = [];

  for (const object of index.byUid.values()) {
    if (!object.model.startsWith('authentik_sources_') || !object.model.endsWith('source')) {
      continue;
    }
    const data = index.fields(object);
    if (refUid(data.authentication_flow) === flowUid) {
      found.push(sourceInfo(index, object, 'authentication'));
    }
    if (refUid(data.enrollment_flow) === flowUid) {
      found.push(sourceInfo(index, object, 'enrollment'));
    }
  }

  return found;
}

function sourceInfo(index: Objects, object: ModelObject, role: SourceInfo['role']): SourceInfo {
  const data = index.fields(object);
  const providerType = text(data.provider_type);
  const isOAuth = object.model === 'authentik_sources_oauth.oauthsource';

  return {
    uid: object.uid,
    name: text(data.name) ?? object.uid,
    slug: text(data.slug) ?? object.uid,
    model: object.model,
    providerType,
    scopes: isOAuth ? sourceScopes(providerType, text(data.additional_scopes) ?? '') : [],
    role,
  };
}

// A flow whose flow-level policy checks `ak_is_sso_flow` (or `is_sso`) runs only after a source
// login. Any other flow can also be opened directly, without the source's context keys.
function requiresSourceLogin(index: Objects, flowUid: string): boolean {
  for (const binding of index.ofModel(POLICY_BINDING_MODEL)) {
    const data = index.fields(binding);
    if (refUid(data.target) !== flowUid || data.enabled === false || data.negate === true) {
      continue;
    }
    const policyUid = refUid(data.policy);
    const policy = policyUid === undefined ? undefined : index.byUid.get(policyUid);
    const expression = policy === undefined ? undefined : text(index.fields(policy).expression);
    if (expression !== undefined && /\bak_is_sso_flow\b|["']is_sso["']/.test(expression)) {
      return true;
    }
  }

  return false;
}

function defaultContextKeys(index: Objects, flow: ModelObject): ContextKeyInfo[] {
  const keys = [keyInfo('geoip', 'always'), keyInfo('asn', 'always')];
  const data = index.fields(flow);
  if (data.designation === 'authorization') {
    keys.push(keyInfo('application', 'sometimes', 'set when an application starts the flow'));
  }

  const sources = sourcesOfFlow(index, flow.uid);
  if (sources.length === 0) {
    return keys;
  }

  const sourceOnly = requiresSourceLogin(index, flow.uid);
  const presence: KeyPresence = sourceOnly ? 'always' : 'sometimes';
  const why = `flow ${flowSlug(index, flow)} can also be opened without a source login (no flow policy checks ak_is_sso_flow)`;
  const roles = new Set(sources.map((source) => source.role));

  for (const key of [
    'is_sso',
    'source',
    'goauthentik.io/sources/connection',
    'source_groups',
    'user_backend',
    'user_path',
    'redirect',
  ]) {
    keys.push(keyInfo(key, presence, why));
  }

  if (sources.some((source) => source.model === 'authentik_sources_oauth.oauthsource')) {
    keys.push(keyInfo('oauth_userinfo', presence, why));
  }

  const prompt = keyInfo('prompt_data', presence, why);
  prompt.children = SOURCE_PROPERTY_KEYS.map((key) => ({
    key,
    doc: `The \`${key}\` property the source built from the provider's user info.`,
    presence: 'sometimes' as const,
    why: 'a source property mapping or the provider may leave it out',
  }));
  keys.push(prompt);

  if (roles.has('authentication')) {
    const pendingWhy = roles.has('enrollment')
      ? 'the flow is also an enrollment flow, where no user exists yet'
      : why;
    keys.push(
      keyInfo('pending_user', roles.has('enrollment') ? 'sometimes' : presence, pendingWhy),
    );
  }

  return keys;
}

function flowSite(index: Objects, bindingUid: string, flow: ModelObject): BindingSite {
  const slug = flowSlug(index, flow);

  return {
    bindingUid,
    kind: 'flow',
    flowUid: flow.uid,
    flowSlug: slug,
    label: `flow ${slug} (flow policy)`,
    known: true,
    keys: defaultContextKeys(index, flow),
    sources: sourcesOfFlow(index, flow.uid),
  };
}

function orderOf(index: Objects, binding: ModelObject): number {
  const order = index.fields(binding).order;
  return typeof order === 'number' ? order : Number(order ?? 0);
}

function stageName(index: Objects, stageUid: string | undefined): string {
  const stage = stageUid === undefined ? undefined : index.byUid.get(stageUid);
  return stage === undefined ? '(unknown stage)' : (text(index.fields(stage).name) ?? stage.uid);
}

function stageBindingSite(
  index: Objects,
  bindingUid: string,
  stageBinding: ModelObject,
): BindingSite {
  const data = index.fields(stageBinding);
  const flowUid = refUid(data.target);
  const flow = flowUid === undefined ? undefined : index.byUid.get(flowUid);
  const name = stageName(index, refUid(data.stage));
  const order = orderOf(index, stageBinding);

  if (flow === undefined) {
    return {
      bindingUid,
      kind: 'stage-binding',
      stageBindingUid: stageBinding.uid,
      label: `stage ${name} of a flow outside the project`,
      known: false,
      keys: [],
      sources: [],
    };
  }

  const slug = flowSlug(index, flow);
  const keys = new Map(defaultContextKeys(index, flow).map((info) => [info.key, info]));
  keys.set('flow_plan', keyInfo('flow_plan', 'always'));

  // At plan time no stage has run yet, so stage outputs are there only at the re-evaluation.
  const atPlan = data.evaluate_on_plan === true;
  const reEvaluate = data.re_evaluate_policies !== false;
  const planWhy = 'the binding also evaluates its policies at plan time, before any stage runs';

  for (const earlier of index.ofModel(STAGE_BINDING_MODEL)) {
    const earlierData = index.fields(earlier);
    if (refUid(earlierData.target) !== flow.uid || earlier.uid === stageBinding.uid) {
      continue;
    }
    const earlierOrder = orderOf(index, earlier);
    if (earlierOrder > order) {
      continue;
    }

    const stageUid = refUid(earlierData.stage);
    const stage = stageUid === undefined ? undefined : index.byUid.get(stageUid);
    const tie = earlierOrder === order;
    for (const output of STAGE_OUTPUTS[stage?.model ?? ''] ?? []) {
      let presence: KeyPresence = output.presence;
      let why: string | undefined =
        presence === 'sometimes'
          ? `stage ${stageName(index, stageUid)} sets it only in some cases`
          : undefined;
      if (tie) {
        presence = 'sometimes';
        why = `stage ${stageName(index, stageUid)} has the same order, so it may run after this one`;
      } else if (atPlan) {
        presence = 'sometimes';
        why = planWhy;
      }
      if (!reEvaluate && atPlan) {
        continue;
      }

      const info = keyInfo(output.key, presence, why);
      if (output.key === 'prompt_data' && stage !== undefined) {
        info.children = promptFields(index, stage, presence);
      }
      mergeInto(keys, info);
    }
  }

  return {
    bindingUid,
    kind: 'stage-binding',
    flowUid: flow.uid,
    flowSlug: slug,
    stageBindingUid: stageBinding.uid,
    label: `stage ${name} (order ${order}) of flow ${slug}`,
    known: true,
    keys: [...keys.values()],
    sources: sourcesOfFlow(index, flow.uid),
  };
}

// Keeps the stronger presence of a key that several stages or the source login set.
function mergeInto(keys: Map<string, ContextKeyInfo>, info: ContextKeyInfo): void {
  const existing = keys.get(info.key);
  if (existing === undefined) {
    keys.set(info.key, info);
    return;
  }

  const children = [...(existing.children ?? []), ...(info.children ?? [])];
  const merged: ContextKeyInfo =
    existing.presence === 'always' || info.presence !== 'always' ? existing : info;
  keys.set(info.key, {
    ...merged,
    ...(children.length === 0 ? {} : { children: dedupeChildren(children) }),
  });
}

function dedupeChildren(children: ContextKeyInfo[]): ContextKeyInfo[] {
  const byKey = new Map<string, ContextKeyInfo>();
  for (const child of children) {
    const existing = byKey.get(child.key);
    if (
      existing === undefined ||
      (existing.presence === 'sometimes' && child.presence === 'always')
    ) {
      byKey.set(child.key, child);
    }
  }

  return [...byKey.values()];
}

function promptFields(index: Objects, stage: ModelObject, presence: KeyPresence): ContextKeyInfo[] {
  const fields = index.fields(stage).fields;
  const list = Array.isArray(fields) ? fields : [];
  const children: ContextKeyInfo[] = [];

  for (const item of list) {
    const uid = refUid(item);
    const prompt = uid === undefined ? undefined : index.byUid.get(uid);
    if (prompt?.model !== PROMPT_MODEL) {
      continue;
    }
    const data = index.fields(prompt);
    const key = text(data.field_key);
    if (key === undefined || data.type === 'separator' || data.type === 'static') {
      continue;
    }
    children.push({
      key,
      doc: `The value of the prompt field “${text(data.label) ?? key}” (${text(data.type) ?? 'text'}) of stage ${text(index.fields(stage).name) ?? stage.uid}.`,
      presence,
    });
  }

  return children;
}

function promptValidationSite(index: Objects, stage: ModelObject): BindingSite {
  const name = text(index.fields(stage).name) ?? stage.uid;
  const prompt = keyInfo('prompt_data', 'always');
  prompt.children = promptFields(index, stage, 'always');

  return {
    bindingUid: stage.uid,
    kind: 'prompt-validation',
    label: `validation policy of prompt stage ${name}`,
    known: true,
    keys: [prompt],
    sources: [],
  };
}

function mergeKeys(sites: BindingSite[]): ContextKeyInfo[] {
  if (sites.length === 0) {
    return [];
  }

  const merged = new Map<string, ContextKeyInfo>();
  for (const site of sites) {
    for (const info of site.keys) {
      const existing = merged.get(info.key);
      if (existing === undefined) {
        merged.set(info.key, { ...info });
        continue;
      }
      if (info.presence === 'sometimes' && existing.presence === 'always') {
        merged.set(info.key, { ...existing, presence: 'sometimes', why: info.why ?? '' });
      }
      const children = [...(existing.children ?? []), ...(info.children ?? [])];
      if (children.length > 0) {
        merged.get(info.key)!.children = dedupeChildren(children);
      }
    }
  }

  // A key missing at some site is only sometimes there.
  for (const info of merged.values()) {
    const missingAt = sites.find(
      (site) => site.known && !site.keys.some((candidate) => candidate.key === info.key),
    );
    if (missingAt !== undefined) {
      info.presence = 'sometimes';
      info.why = `it is not set at the ${missingAt.label}`;
    }
  }

  return [...merged.values()];
}

function uniqueSources(sources: SourceInfo[]): SourceInfo[] {
  const seen = new Map<string, SourceInfo>();
  for (const source of sources) {
    seen.set(`${source.uid}:${source.role}`, source);
  }

  return [...seen.values()];
}
