/**
 * The objects an authentik expression works with, as completion and hover data: the policy
 * request, users, groups, sources and their connections, query sets, the HTTP request and
 * response of `requests`, and the flow plan. Members and behaviour follow authentik 2025.12
 * (`authentik/core/models.py`, `authentik/policies/types.py`, Django's QuerySet API) as the
 * Python sandbox in `main/python/py/` reproduces them.
 *
 * Type names are plain strings. Generic types carry their item after a colon: `QuerySet:User`
 * is a query set of users, `Manager:User` the `User.objects` manager, `Class:User` the class.
 */

/** One attribute or method of a type. */
export interface ApiMember {
  name: string;
  kind: 'field' | 'method' | 'property';
  /** Call signature of a method, e.g. `filter(**lookups)`. */
  signature?: string;
  doc: string;
  /** Type of the value or of the call's result, for completion after the next dot. */
  type?: string;
}

/** A type with its members. */
export interface ApiType {
  name: string;
  doc: string;
  members: ApiMember[];
  /** Type of `value[...]`, when subscripting returns something known. */
  item?: string;
}

function field(name: string, doc: string, type?: string): ApiMember {
  return type === undefined ? { name, kind: 'field', doc } : { name, kind: 'field', doc, type };
}

function method(name: string, signature: string, doc: string, type?: string): ApiMember {
  const member: ApiMember = { name, kind: 'method', signature, doc };
  if (type !== undefined) {
    member.type = type;
  }
  return member;
}

const MODEL_BASE: ApiMember[] = [
  field('pk', 'The primary key.'),
  method('save', 'save()', 'Writes the object. In Stagecraft the write is recorded as an effect.'),
  method(
    'delete',
    'delete()',
    'Deletes the object. In Stagecraft the deletion is recorded as an effect.',
  ),
  method('refresh_from_db', 'refresh_from_db()', 'Reloads the fields from the database.'),
];

const USER_MEMBERS: ApiMember[] = [
  ...MODEL_BASE,
  field('username', 'The unique username.', 'str'),
  field('name', 'The display name.', 'str'),
  field('email', 'The email address; may be empty.', 'str'),
  field('is_active', 'False for a deactivated user, who cannot log in.', 'bool'),
  field('type', '`internal`, `external`, `service_account` or `internal_service_account`.', 'str'),
  field('path', 'The folder of the user in the directory, e.g. `users`.', 'str'),
  field('uuid', 'The UUID of the user.'),
  field('attributes', 'Free-form JSON attributes of the user (a dict).', 'dict'),
  field('last_login', 'When the user last logged in, or None.'),
  field('date_joined', 'When the user was created.'),
  field('password_change_date', 'When the password was last set.'),
  field(
    'groups',
    'The groups the user is a direct member of (a related manager: `.all()`, `.add()`, ...).',
    'Related:Group',
  ),
  {
    name: 'ak_groups',
    kind: 'property',
    doc: 'Deprecated name of `groups`; authentik logs a deprecation warning when it is used.',
    type: 'Related:Group',
  },
  {
    name: 'is_authenticated',
    kind: 'property',
    doc: 'Always True for a user object; False only for the anonymous user.',
    type: 'bool',
  },
  {
    name: 'is_anonymous',
    kind: 'property',
    doc: 'False for a user object; True for the anonymous user of an unauthenticated request.',
    type: 'bool',
  },
  {
    name: 'is_superuser',
    kind: 'property',
    doc: 'True when any group of the user, ancestors included, has `is_superuser`.',
    type: 'bool',
  },
  {
    name: 'uid',
    kind: 'property',
    doc: 'A stable hash of the user id and the installation, used as a subject identifier.',
    type: 'str',
  },
  {
    name: 'sources',
    kind: 'property',
    doc: 'The sources the user is connected to.',
    type: 'QuerySet:Source',
  },
  method(
    'all_groups',
    'all_groups()',
    'The groups of the user and every ancestor of those groups.',
    'QuerySet:Group',
  ),
  method(
    'group_attributes',
    'group_attributes(request=None)',
    "The attributes of all the user's groups merged by group name, then the user's own.",
    'dict',
  ),
  method('get_username', 'get_username()', 'Returns the username.', 'str'),
  method('get_full_name', 'get_full_name()', 'Returns the display name.', 'str'),
  method('set_password', 'set_password(raw_password)', 'Sets a new password.'),
  method('check_password', 'check_password(raw_password)', 'Checks a password.', 'bool'),
  method('set_unusable_password', 'set_unusable_password()', 'Disables password login.'),
  method('has_usable_password', 'has_usable_password()', 'Whether a password is set.', 'bool'),
  method('locale', 'locale(request=None)', "The user's locale setting, or an empty string.", 'str'),
];

const GROUP_MEMBERS: ApiMember[] = [
  ...MODEL_BASE,
  field('group_uuid', 'The UUID of the group (its primary key).'),
  field('name', 'The unique group name.', 'str'),
  field('is_superuser', 'Members of the group are superusers.', 'bool'),
  field('attributes', 'Free-form JSON attributes of the group (a dict).', 'dict'),
  field('parents', 'The parent groups (several are allowed).', 'Related:Group'),
  field('children', 'The groups that have this group as a parent.', 'Related:Group'),
  field('users', 'The direct members of the group.', 'Related:User'),
  {
    name: 'num_pk',
    kind: 'property',
    doc: 'A number derived from the UUID, as the LDAP outpost uses it.',
    type: 'int',
  },
  method(
    'is_member',
    'is_member(user)',
    'Whether the user is a member of this group or of a group below it.',
    'bool',
  ),
];

const SOURCE_MEMBERS: ApiMember[] = [
  ...MODEL_BASE,
  field('name', 'The display name of the source.', 'str'),
  field('slug', 'The slug, as in `/source/oauth/login/<slug>/`.', 'str'),
  field('enabled', 'Whether the source can be used.', 'bool'),
  field(
    'user_matching_mode',
    'How a new identity is matched to existing users: `identifier`, `email_link`, ...',
    'str',
  ),
  field(
    'group_matching_mode',
    'How source groups are matched: `identifier`, `name_link`, `name_deny`.',
    'str',
  ),
  field('user_path_template', 'The path of users the source creates.', 'str'),
  field('authentication_flow', 'The flow for identities already linked to a user.'),
  field('enrollment_flow', 'The flow for new identities.'),
  method('get_user_path', 'get_user_path()', 'The path new users of this source get.', 'str'),
];

const OAUTH_SOURCE_MEMBERS: ApiMember[] = [
  ...SOURCE_MEMBERS,
  field(
    'provider_type',
    'The type of the OAuth source, e.g. `discord`, `github`, `openidconnect`. Other source ' +
      'models (SAML, LDAP, Plex) have no such attribute.',
    'str',
  ),
  field(
    'additional_scopes',
    'Scopes requested beyond the type defaults; a leading `*` replaces the defaults.',
    'str',
  ),
  field('consumer_key', 'The client id at the provider.', 'str'),
  field('authorization_url', 'Overrides the type default authorization URL, when set.'),
  field('access_token_url', 'Overrides the type default token URL, when set.'),
  field('profile_url', 'Overrides the type default profile URL, when set.'),
  field('pkce', 'PKCE method: `none`, `plain` or `S256`.', 'str'),
];

const CONNECTION_MEMBERS: ApiMember[] = [
  ...MODEL_BASE,
  field('user', 'The user the identity is linked to.', 'User'),
  field('source', 'The source of the identity.', 'OAuthSource'),
  field('identifier', "The identity's id at the source, e.g. the Discord user id.", 'str'),
  field('created', 'When the link was made.'),
  field('last_updated', 'When the link was last updated.'),
];

const OAUTH_CONNECTION_MEMBERS: ApiMember[] = [
  ...CONNECTION_MEMBERS,
  field(
    'access_token',
    'The access token of the last login; send it as `Authorization: Bearer <token>`.',
    'str',
  ),
  field('refresh_token', 'The refresh token of the last login, if the provider sent one.', 'str'),
  field('expires', 'When the access token expires.'),
];

const MANAGER_METHODS = (item: string): ApiMember[] => [
  method('all', 'all()', 'Every object.', `QuerySet:${item}`),
  method(
    'filter',
    'filter(*q, **lookups)',
    'Objects matching every lookup, e.g. `name="admins"`, `attributes__team="red"`, ' +
      '`pk__in=[...]`.',
    `QuerySet:${item}`,
  ),
  method(
    'exclude',
    'exclude(*q, **lookups)',
    'Objects not matching the lookups.',
    `QuerySet:${item}`,
  ),
  method(
    'get',
    'get(**lookups)',
    'The one matching object; raises DoesNotExist or MultipleObjectsReturned otherwise.',
    item,
  ),
  method('first', 'first()', 'The first object, or None.', item),
  method('last', 'last()', 'The last object, or None.', item),
  method('exists', 'exists()', 'Whether any object matches.', 'bool'),
  method('count', 'count()', 'The number of objects.', 'int'),
  method(
    'order_by',
    'order_by(*fields)',
    'Sorted by the fields; `-name` sorts descending.',
    `QuerySet:${item}`,
  ),
  method(
    'values_list',
    'values_list(*fields, flat=False)',
    'Tuples of field values; with `flat=True` and one field, the values themselves.',
    'list',
  ),
  method('values', 'values(*fields)', 'Dicts of field values.', 'list'),
  method('create', 'create(**fields)', 'Creates and saves an object.', item),
  method(
    'get_or_create',
    'get_or_create(defaults=None, **lookups)',
    'Returns `(object, created)`, creating the object when none matches.',
    'tuple',
  ),
  method(
    'update_or_create',
    'update_or_create(defaults=None, **lookups)',
    'Returns `(object, created)`, updating or creating the object.',
    'tuple',
  ),
  method('none', 'none()', 'An empty query set.', `QuerySet:${item}`),
  method(
    'select_related',
    'select_related(*fields)',
    'Same objects; only a database hint.',
    `QuerySet:${item}`,
  ),
  method('distinct', 'distinct(*fields)', 'Without duplicates.', `QuerySet:${item}`),
  method('in_bulk', 'in_bulk(id_list=None)', 'A dict of objects by primary key.', 'dict'),
];

const QUERYSET_EXTRA = (item: string): ApiMember[] => [
  method('update', 'update(**fields)', 'Sets fields on every object; returns the count.', 'int'),
  method('delete', 'delete()', 'Deletes every object.'),
  method('reverse', 'reverse()', 'The order reversed.', `QuerySet:${item}`),
  method(
    'union',
    'union(*others)',
    'Objects of this and the other query sets.',
    `QuerySet:${item}`,
  ),
  method('iterator', 'iterator()', 'Iterates over the objects.'),
];

const RELATED_EXTRA = (item: string): ApiMember[] => [
  method('add', 'add(*objects)', 'Adds relations to the objects.'),
  method('remove', 'remove(*objects)', 'Removes relations to the objects.'),
  method('clear', 'clear()', 'Removes every relation.'),
  method(
    'set',
    'set(objects)',
    'Replaces the relations with exactly these objects.',
    `QuerySet:${item}`,
  ),
];

const GROUP_QUERYSET_EXTRA: ApiMember[] = [
  method(
    'with_ancestors',
    'with_ancestors()',
    'These groups and every group above them.',
    'QuerySet:Group',
  ),
  method(
    'with_descendants',
    'with_descendants()',
    'These groups and every group below them.',
    'QuerySet:Group',
  ),
];

const BASE_TYPES: ApiType[] = [
  {
    name: 'PolicyRequest',
    doc: 'The input of a policy (`authentik.policies.types.PolicyRequest`).',
    members: [
      field(
        'user',
        'The user the policy decides about: the pending user of the flow when one is set, ' +
          'otherwise the logged-in user, or the anonymous user.',
        'User',
      ),
      field(
        'http_request',
        'The HTTP request of the flow, or None when the policy runs without one.',
        'HttpRequest',
      ),
      field('obj', 'The object the policy is bound to (a flow, a stage binding, ...).'),
      field(
        'context',
        'The policy context: plan context keys and values the caller added. Same dict as ' +
          '`context`.',
        'Context',
      ),
      field('debug', 'True when the policy runs from the admin test view.', 'bool'),
    ],
  },
  {
    name: 'Context',
    doc:
      'The policy context (a dict). Which keys it has depends on where the policy is bound; ' +
      'read optional keys with `context.get(key)`.',
    members: [
      method('get', 'get(key, default=None)', 'The value of `key`, or `default` when absent.'),
      method('keys', 'keys()', 'The keys of the context.'),
      method('items', 'items()', 'The key and value pairs of the context.'),
      method('values', 'values()', 'The values of the context.'),
      method(
        'setdefault',
        'setdefault(key, default=None)',
        'Gets `key`, setting it first when absent.',
      ),
      method('update', 'update(other)', 'Adds the keys of `other`.'),
      method('pop', 'pop(key, default)', 'Removes `key` and returns its value.'),
    ],
  },
  {
    name: 'User',
    doc: 'An authentik user (`authentik.core.models.User`).',
    members: USER_MEMBERS,
  },
  {
    name: 'AnonymousUser',
    doc: 'The user of a request nobody has logged in to. It has no `attributes`, `email` or `pk`.',
    members: [
      { name: 'is_authenticated', kind: 'property', doc: 'Always False.', type: 'bool' },
      { name: 'is_anonymous', kind: 'property', doc: 'Always True.', type: 'bool' },
      field('username', 'An empty string.', 'str'),
    ],
  },
  {
    name: 'Group',
    doc: 'A group of users (`authentik.core.models.Group`).',
    members: GROUP_MEMBERS,
  },
  {
    name: 'Source',
    doc: 'A source of any type (`authentik.core.models.Source`).',
    members: SOURCE_MEMBERS,
  },
  {
    name: 'OAuthSource',
    doc: 'An OAuth or OpenID Connect source (`authentik.sources.oauth.models.OAuthSource`).',
    members: OAUTH_SOURCE_MEMBERS,
  },
  {
    name: 'UserSourceConnection',
    doc: 'The link between a user and an identity at a source.',
    members: CONNECTION_MEMBERS,
  },
  {
    name: 'UserOAuthSourceConnection',
    doc: 'The link between a user and an OAuth identity, with the tokens of the last login.',
    members: OAUTH_CONNECTION_MEMBERS,
  },
  {
    name: 'HttpRequest',
    doc: "The flow's HTTP request (Django's HttpRequest).",
    members: [
      field('method', 'The HTTP method, e.g. `GET`.', 'str'),
      field('path', 'The path of the URL.', 'str'),
      field('GET', 'The query parameters (a QueryDict).', 'dict'),
      field('POST', 'The form fields of a POST.', 'dict'),
      field('headers', 'The request headers, looked up without regard to case.', 'dict'),
      field('META', 'Server variables: `REMOTE_ADDR`, `HTTP_USER_AGENT`, ...', 'dict'),
      field('session', 'The browser session.', 'dict'),
      field('user', 'The logged-in user, or the anonymous user.', 'User'),
      method('get_host', 'get_host()', 'The host name of the request.', 'str'),
      method('get_full_path', 'get_full_path()', 'The path with the query string.', 'str'),
      method('build_absolute_uri', 'build_absolute_uri(location=None)', 'An absolute URL.', 'str'),
    ],
  },
  {
    name: 'PolicyResult',
    doc:
      'The result of `ak_call_policy`. The object is always truthy: test `.passing`, never ' +
      'the result itself.',
    members: [
      field('passing', 'Whether the called policy passed.', 'bool'),
      field('messages', 'The messages of the called policy (a tuple of strings).', 'tuple'),
      field('raw_result', 'The value the called expression returned.'),
    ],
  },
  {
    name: 'FlowPlan',
    doc:
      'The plan of the running flow (`context["flow_plan"]`). Only policies of stage bindings ' +
      'see it.',
    members: [
      field(
        'context',
        'The plan context. Values written here, unlike new keys of `context`, reach the ' +
          'following stages.',
        'dict',
      ),
      field('bindings', 'The stage bindings still to run.', 'list'),
      field('markers', 'The markers of the remaining stages.', 'list'),
      method('insert_stage', 'insert_stage(stage)', 'Runs `stage` right after the current one.'),
      method('append_stage', 'append_stage(stage)', 'Adds `stage` at the end of the plan.'),
      method('redirect', 'redirect(destination)', 'Redirects to `destination` after this stage.'),
    ],
  },
  {
    name: 'Response',
    doc: 'The response of a `requests` call.',
    members: [
      field('status_code', 'The HTTP status, e.g. 200, 401, 404, 429.', 'int'),
      {
        name: 'ok',
        kind: 'property',
        doc: 'True when the status is below 400.',
        type: 'bool',
      },
      field('headers', 'The response headers, looked up without regard to case.', 'dict'),
      field('text', 'The body as text.', 'str'),
      field('content', 'The body as bytes.'),
      field('url', 'The URL of the request.', 'str'),
      field('reason', 'The reason phrase, e.g. `Not Found`.', 'str'),
      method(
        'json',
        'json()',
        'The body parsed as JSON. An error answer parses too: Discord sends ' +
          '`{"message": ..., "code": ...}`, so check `status_code` before indexing it.',
        'JsonBody',
      ),
      method(
        'raise_for_status',
        'raise_for_status()',
        'Raises `requests.HTTPError` for a 4xx or 5xx status.',
      ),
    ],
  },
  {
    name: 'Requests',
    doc:
      'The `requests` session authentik shares between expressions, with authentik as the ' +
      'User-Agent. In Stagecraft it answers from recordings and personas.',
    members: [
      method(
        'get',
        'get(url, params=None, headers=None, timeout=None)',
        'Sends a GET.',
        'Response',
      ),
      method('post', 'post(url, data=None, json=None, headers=None)', 'Sends a POST.', 'Response'),
      method('put', 'put(url, data=None, headers=None)', 'Sends a PUT.', 'Response'),
      method('patch', 'patch(url, data=None, headers=None)', 'Sends a PATCH.', 'Response'),
      method('delete', 'delete(url, headers=None)', 'Sends a DELETE.', 'Response'),
      method('head', 'head(url, headers=None)', 'Sends a HEAD.', 'Response'),
      method('request', 'request(method, url, **kwargs)', 'Sends any method.', 'Response'),
      field('headers', 'Headers sent with every request of the session.', 'dict'),
    ],
  },
  {
    name: 'Logger',
    doc: 'A structlog logger named after the policy; its lines go to the server log.',
    members: [
      method('debug', 'debug(event, **fields)', 'Logs at debug level.'),
      method('info', 'info(event, **fields)', 'Logs at info level.'),
      method('warning', 'warning(event, **fields)', 'Logs at warning level.'),
      method('error', 'error(event, **fields)', 'Logs at error level.'),
      method('exception', 'exception(event, **fields)', 'Logs at error level with the exception.'),
      method('bind', 'bind(**fields)', 'A logger that adds `fields` to every line.', 'Logger'),
    ],
  },
  {
    name: 'IPAddress',
    doc: "The client's address (`ipaddress.ip_address`).",
    members: [
      field('version', '4 or 6.', 'int'),
      field('is_private', 'True for private ranges such as 10.0.0.0/8.', 'bool'),
      field('is_loopback', 'True for 127.0.0.0/8 and ::1.', 'bool'),
      field('is_global', 'True for publicly routable addresses.', 'bool'),
    ],
  },
];

function modelTypes(): ApiType[] {
  const types: ApiType[] = [];

  for (const model of ['User', 'Group', 'Source', 'OAuthSource', 'UserSourceConnection']) {
    const extra = model === 'Group' ? GROUP_QUERYSET_EXTRA : [];
    types.push(
      {
        name: `QuerySet:${model}`,
        doc: `A query set of ${model} objects. Iterate it, index it, or chain more lookups.`,
        members: [...MANAGER_METHODS(model), ...QUERYSET_EXTRA(model), ...extra],
        item: model,
      },
      {
        name: `Manager:${model}`,
        doc: `\`${model}.objects\`: the entry point of queries.`,
        members: MANAGER_METHODS(model),
      },
      {
        name: `Related:${model}`,
        doc: `A related manager of ${model} objects.`,
        members: [...MANAGER_METHODS(model), ...RELATED_EXTRA(model), ...extra],
      },
      {
        name: `Class:${model}`,
        doc: `The ${model} class.`,
        members: [
          field('objects', 'The manager that starts queries.', `Manager:${model}`),
          field('DoesNotExist', 'Raised by `get()` when nothing matches.'),
          field('MultipleObjectsReturned', 'Raised by `get()` when several objects match.'),
        ],
      },
    );
  }

  return types;
}

/** Every known type by name. */
export const API_TYPES: ReadonlyMap<string, ApiType> = new Map(
  [...BASE_TYPES, ...modelTypes()].map((type) => [type.name, type]),
);

/** Returns a type by name, falling back to the base model for other model query sets. */
export function findApiType(name: string | undefined): ApiType | undefined {
  if (name === undefined) {
    return undefined;
  }

  const found = API_TYPES.get(name);
  if (found !== undefined) {
    return found;
  }

  // A model without its own entry (e.g. `QuerySet:OAuth2Provider`) completes like a model.
  const [generic] = name.split(':');
  return generic === undefined ? undefined : API_TYPES.get(`${generic}:Source`);
}

/** Returns the member `name` of type `typeName`, or undefined. */
export function findMember(typeName: string | undefined, name: string): ApiMember | undefined {
  return findApiType(typeName)?.members.find((member) => member.name === name);
}
