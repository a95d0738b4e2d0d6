/**
 * The names an authentik expression can use without importing them, and the `authentik`
 * modules it can import. Globals follow authentik 2025.12's BaseEvaluator
 * (`authentik/lib/expression/evaluator.py`), policy variables its PolicyEvaluator
 * (`authentik/policies/expression/evaluator.py`), and property mapping variables the call
 * sites of each mapping model (mapping-variables.ts). Modules list what the Python sandbox
 * in `main/python/py/authentik/` provides, so an import the editor suggests also runs there.
 */
import { mappingVariablesOf } from './mapping-variables.js';

export {
  GENERIC_MAPPING_VARIABLES,
  OAUTH_MAPPING_MODEL,
  OAUTH_MAPPING_VARIABLES,
} from './mapping-variables.js';

/** The kind of expression an editor contains. */
export type ExpressionKind = 'policy' | 'property_mapping';

/** A name an expression can use without importing it. */
export interface ApiGlobal {
  name: string;
  kind: 'function' | 'variable' | 'class';
  signature?: string;
  doc: string;
  /** Type of the variable, or of the call's result. */
  type?: string;
}

function fn(name: string, signature: string, doc: string, type?: string): ApiGlobal {
  return type === undefined
    ? { name, kind: 'function', signature, doc }
    : { name, kind: 'function', signature, doc, type };
}

function variable(name: string, doc: string, type?: string): ApiGlobal {
  return type === undefined
    ? { name, kind: 'variable', doc }
    : { name, kind: 'variable', doc, type };
}

/** Globals of every expression (BaseEvaluator). */
export const EXPRESSION_GLOBALS: readonly ApiGlobal[] = [
  fn(
    'ak_call_policy',
    'ak_call_policy(name, **kwargs)',
    'Runs another expression policy by name with the current request, the keyword arguments ' +
      'added to its context, and returns its PolicyResult. The result object is always ' +
      'truthy: test `.passing`. An unknown name raises ValueError.',
    'PolicyResult',
  ),
  fn(
    'ak_create_event',
    'ak_create_event(action, **kwargs)',
    'Creates an event with this action; the keyword arguments become its context. The ' +
      "event's app is the policy name.",
  ),
  fn(
    'ak_create_jwt',
    'ak_create_jwt(user, provider, scopes, validity="seconds=60")',
    'Issues a JWT for the user from an OAuth2 provider (object or name) with the claims of ' +
      'the scopes. Returns None when the expression runs without an HTTP request.',
    'str',
  ),
  fn(
    'ak_create_jwt_raw',
    'ak_create_jwt_raw(provider, validity="seconds=60", **claims)',
    'Issues a JWT from an OAuth2 provider with exactly the given claims, plus `exp` and `aud`.',
    'str',
  ),
  fn(
    'ak_is_group_member',
    'ak_is_group_member(user, **group_filters)',
    'Whether the user is in a group matching the filters, e.g. `name="admins"`; groups ' +
      'above the user\u2019s groups count.',
    'bool',
  ),
  variable(
    'ak_logger',
    'A structlog logger named after the policy: `ak_logger.info("text", key=value)`.',
    'Logger',
  ),
  fn(
    'ak_send_email',
    'ak_send_email(address, subject, body=None, stage=None, template=None, context=None, cc=None, bcc=None)',
    'Queues an email. Give exactly one of `body` and `template`. Returns True when queued, ' +
      'False when sending failed.',
    'bool',
  ),
  fn(
    'ak_user_by',
    'ak_user_by(**filters)',
    'The first user matching the filters, e.g. `username="alice"`, or None.',
    'User',
  ),
  fn(
    'ak_user_has_authenticator',
    'ak_user_has_authenticator(user, device_type=None)',
    'Whether the user has a confirmed authenticator, optionally of a type: `totp`, ' +
      '`static`, `webauthn`, `duo`, `sms`.',
    'bool',
  ),
  fn('ip_address', 'ip_address(address)', "Python's `ipaddress.ip_address`.", 'IPAddress'),
  fn('ip_network', 'ip_network(address, strict=True)', "Python's `ipaddress.ip_network`."),
  fn(
    'list_flatten',
    'list_flatten(value)',
    'The first item of a list, None for an empty list, any other value unchanged.',
  ),
  fn(
    'regex_match',
    'regex_match(value, regex)',
    'Whether `re.search(regex, value)` finds a match.',
    'bool',
  ),
  fn(
    'regex_replace',
    'regex_replace(value, regex, repl)',
    'Returns `re.sub(regex, repl, value)`.',
    'str',
  ),
  variable(
    'requests',
    'A shared `requests` session: `requests.get(url, headers=...)`. In Stagecraft it answers ' +
      'from recordings and personas, never from the network.',
    'Requests',
  ),
  fn(
    'resolve_dns',
    'resolve_dns(host, ip_version=None)',
    'The addresses of a host name (a list), optionally only IPv4 (4) or IPv6 (6). Cached for ' +
      '180 s.',
    'list',
  ),
  fn(
    'reverse_dns',
    'reverse_dns(ip_address)',
    'The host name of an address, or the address itself when the lookup fails. Cached for 180 s.',
    'str',
  ),
  fn('slugify', 'slugify(value)', "Django's `slugify`: lower case, dashes, no punctuation.", 'str'),
];

/** Variables of expression policies (PolicyEvaluator), in addition to the globals. */
export const POLICY_VARIABLES: readonly ApiGlobal[] = [
  fn(
    'ak_message',
    'ak_message(message)',
    "Adds a message to the policy's result. The flow shows it to the user, also when the " +
      'policy passes.',
  ),
  variable(
    'ak_is_sso_flow',
    'True when the flow was started by a login through a source (`context["is_sso"]`).',
    'bool',
  ),
  variable(
    'request',
    'The policy request: `request.user`, `request.http_request`, `request.obj`, ' +
      '`request.context`.',
    'PolicyRequest',
  ),
  variable(
    'context',
    'The policy context, the same dict as `request.context`. Which keys exist depends on ' +
      'where the policy is bound.',
    'Context',
  ),
  variable(
    'ak_client_ip',
    "The client's IP address. Defined only when the policy runs under an HTTP request, as " +
      'every flow policy does.',
    'IPAddress',
  ),
  variable(
    'http_request',
    "The flow's HTTP request. Defined only when the policy runs under one.",
    'HttpRequest',
  ),
];

/**
 * Returns the names an expression can use without importing them, and whether that list is
 * complete. It is incomplete for property mappings of models whose keyword arguments are not
 * all known (see mapping-variables.ts), so names missing from it are not reported as undefined
 * there.
 */
export function availableNames(
  kind: ExpressionKind,
  mappingModel?: string,
): { names: ApiGlobal[]; complete: boolean } {
  if (kind === 'policy') {
    return { names: [...POLICY_VARIABLES, ...EXPRESSION_GLOBALS], complete: true };
  }

  const mapping = mappingVariablesOf(mappingModel);
  return { names: [...mapping.variables, ...EXPRESSION_GLOBALS], complete: mapping.complete };
}

/** A name one of the `authentik` modules exports. */
export interface ModuleExport {
  name: string;
  kind: 'class' | 'constant';
  doc: string;
  /** For classes: the type of the class object (`Class:User`). For constants: the value. */
  type?: string;
  value?: string;
}

/** An importable module of the Python sandbox. */
export interface ApiModule {
  path: string;
  exports: ModuleExport[];
}

function cls(name: string, doc: string, type?: string): ModuleExport {
  return { name, kind: 'class', doc, type: type ?? `Class:${name}` };
}

function constant(name: string, value: string): ModuleExport {
  return { name, kind: 'constant', doc: `The plan context key \`${value}\`.`, value };
}

/** The `authentik` modules an expression can import, with what they export. */
export const API_MODULES: readonly ApiModule[] = [
  {
    path: 'authentik.core.models',
    exports: [
      cls('User', 'An authentik user.'),
      cls('Group', 'A group of users.'),
      cls('Source', 'The base of every source; queries return the concrete source class.'),
      cls('UserSourceConnection', 'The link between a user and an identity at a source.'),
      cls('GroupSourceConnection', 'The link between a group and a group at a source.'),
      cls('Provider', 'The base of every provider.'),
      cls('Application', 'An application. The simulated directory has none.'),
      cls('Token', 'An API, recovery or verification token. The simulated directory has none.'),
      cls('PropertyMapping', 'The base of every property mapping.'),
      cls('UserTypes', 'The values of `User.type`.'),
      cls('SourceUserMatchingModes', 'The values of `Source.user_matching_mode`.'),
      cls('SourceGroupMatchingModes', 'The values of `Source.group_matching_mode`.'),
    ],
  },
  {
    path: 'authentik.sources.oauth.models',
    exports: [
      cls('OAuthSource', 'An OAuth or OpenID Connect source, e.g. Discord.', 'Class:OAuthSource'),
      cls('UserOAuthSourceConnection', "A user's OAuth identity with its tokens."),
      cls('GroupOAuthSourceConnection', 'A group synchronised from an OAuth source.'),
    ],
  },
  {
    path: 'authentik.sources.saml.models',
    exports: [
      cls('SAMLSource', 'A SAML source.'),
      cls('UserSAMLSourceConnection', "A user's SAML identity."),
    ],
  },
  {
    path: 'authentik.sources.ldap.models',
    exports: [
      cls('LDAPSource', 'An LDAP source.'),
      cls('UserLDAPSourceConnection', "A user's LDAP identity."),
    ],
  },
  {
    path: 'authentik.sources.plex.models',
    exports: [
      cls('PlexSource', 'A Plex source.'),
      cls('UserPlexSourceConnection', "A user's Plex identity."),
    ],
  },
  {
    path: 'authentik.sources.kerberos.models',
    exports: [
      cls('KerberosSource', 'A Kerberos source.'),
      cls('UserKerberosSourceConnection', "A user's Kerberos identity."),
    ],
  },
  { path: 'authentik.sources.scim.models', exports: [cls('SCIMSource', 'A SCIM source.')] },
  {
    path: 'authentik.providers.oauth2.models',
    exports: [
      cls('OAuth2Provider', 'An OAuth2/OpenID provider, as `ak_create_jwt` takes it.'),
      cls('ClientTypes', 'The values of `OAuth2Provider.client_type`.'),
    ],
  },
  {
    path: 'authentik.flows.models',
    exports: [
      cls('Flow', 'A flow.'),
      cls('Stage', 'The base of every stage.'),
      cls('FlowStageBinding', 'The binding of a stage to a flow.'),
      cls('FlowDesignation', 'The values of `Flow.designation`.'),
    ],
  },
  {
    path: 'authentik.flows.planner',
    exports: [
      cls('FlowPlan', 'The plan of a running flow, as `context["flow_plan"]`.', 'FlowPlan'),
      constant('PLAN_CONTEXT_PENDING_USER', 'pending_user'),
      constant('PLAN_CONTEXT_SSO', 'is_sso'),
      constant('PLAN_CONTEXT_REDIRECT', 'redirect'),
      constant('PLAN_CONTEXT_APPLICATION', 'application'),
      constant('PLAN_CONTEXT_SOURCE', 'source'),
      constant('PLAN_CONTEXT_IS_RESTORED', 'is_restored'),
    ],
  },
  {
    path: 'authentik.events.models',
    exports: [
      cls('Event', 'An audit event; `Event.new(action, **context).save()`.'),
      cls('EventAction', 'The built-in event actions.'),
    ],
  },
  {
    path: 'authentik.policies.types',
    exports: [
      cls('PolicyRequest', 'The input of a policy.', 'PolicyRequest'),
      cls('PolicyResult', 'The result of a policy.', 'PolicyResult'),
    ],
  },
  {
    path: 'authentik.stages.prompt.stage',
    exports: [constant('PLAN_CONTEXT_PROMPT', 'prompt_data')],
  },
  {
    path: 'authentik.stages.identification.stage',
    exports: [constant('PLAN_CONTEXT_PENDING_USER_IDENTIFIER', 'pending_user_identifier')],
  },
  {
    path: 'authentik.stages.password.stage',
    exports: [
      constant('PLAN_CONTEXT_AUTHENTICATION_BACKEND', 'user_backend'),
      constant('PLAN_CONTEXT_METHOD', 'auth_method'),
      constant('PLAN_CONTEXT_METHOD_ARGS', 'auth_method_args'),
    ],
  },
  {
    path: 'authentik.stages.user_write.stage',
    exports: [
      constant('PLAN_CONTEXT_GROUPS', 'groups'),
      constant('PLAN_CONTEXT_USER_TYPE', 'user_type'),
      constant('PLAN_CONTEXT_USER_PATH', 'user_path'),
    ],
  },
  {
    path: 'authentik.core.sources.stage',
    exports: [constant('PLAN_CONTEXT_SOURCES_CONNECTION', 'goauthentik.io/sources/connection')],
  },
  {
    path: 'authentik.core.sources.flow_manager',
    exports: [constant('PLAN_CONTEXT_SOURCE_GROUPS', 'source_groups')],
  },
];

/**
 * Standard-library modules expressions commonly import; the sandbox runs Pyodide's standard
 * library, so each of them imports there.
 */
export const STDLIB_MODULES: readonly string[] = [
  'base64',
  'datetime',
  'hashlib',
  'hmac',
  'ipaddress',
  'json',
  'math',
  're',
  'secrets',
  'string',
  'time',
  'urllib.parse',
  'uuid',
];

/** Returns the module that exports `name`, searching the authentik modules in order. */
export function findExport(name: string): { module: ApiModule; item: ModuleExport } | undefined {
  for (const module of API_MODULES) {
    const item = module.exports.find((candidate) => candidate.name === name);
    if (item !== undefined) {
      return { module, item };
    }
  }

  return undefined;
}

/** Returns the import statement that defines `name`, or undefined when none is known. */
export function importFor(name: string): string | undefined {
  const found = findExport(name);
  if (found !== undefined) {
    return `from ${found.module.path} import ${name}`;
  }

  return STDLIB_MODULES.includes(name) ? `import ${name}` : undefined;
}

/** Python's built-in names (Python 3.14), which need no import. */
export const PYTHON_BUILTINS: ReadonlySet<string> = new Set(
  (
    'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod ' +
    'compile complex copyright credits delattr dict dir divmod enumerate eval exec exit filter ' +
    'float format frozenset getattr globals hasattr hash help hex id input int isinstance ' +
    'issubclass iter len license list locals map max memoryview min next object oct open ord ' +
    'pow print property quit range repr reversed round set setattr slice sorted staticmethod ' +
    'str sum super tuple type vars zip __import__ __name__ __doc__ __builtins__ __file__ ' +
    'NotImplemented Ellipsis BaseException BaseExceptionGroup Exception ExceptionGroup ' +
    'ArithmeticError AssertionError AttributeError BlockingIOError BrokenPipeError BufferError ' +
    'ChildProcessError ConnectionAbortedError ConnectionError ConnectionRefusedError ' +
    'ConnectionResetError EOFError EnvironmentError FileExistsError FileNotFoundError ' +
    'FloatingPointError GeneratorExit IOError ImportError IndentationError IndexError ' +
    'InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError ' +
    'ModuleNotFoundError NameError NotADirectoryError NotImplementedError OSError ' +
    'OverflowError PermissionError ProcessLookupError PythonFinalizationError RecursionError ' +
    'ReferenceError RuntimeError StopAsyncIteration StopIteration SyntaxError SystemError ' +
    'SystemExit TabError TimeoutError TypeError UnboundLocalError UnicodeDecodeError ' +
    'UnicodeEncodeError UnicodeError UnicodeTranslateError ValueError ZeroDivisionError ' +
    'Warning UserWarning DeprecationWarning PendingDeprecationWarning SyntaxWarning ' +
    'RuntimeWarning FutureWarning ImportWarning UnicodeWarning BytesWarning ResourceWarning ' +
    'EncodingWarning'
  ).split(' '),
);
