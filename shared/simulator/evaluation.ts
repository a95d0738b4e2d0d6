/**
 * The contract of the Python evaluator: what the flow simulator sends to run one authentik
 * expression (an expression policy or a property mapping) and what it gets back. Every value is
 * plain JSON so that a request crosses worker and process boundaries unchanged.
 *
 * Objects that are authentik model instances on the server (the pending user, the source, the
 * source connection, the flow plan) travel as JSON maps with a `$model` key holding the model
 * label, e.g. `{"$model": "authentik_core.user", "pk": 7}`. The Python side turns them into
 * instances of its authentik shim. Fields missing from the map are read from the directory when
 * an object with the same primary key exists there.
 */

/** authentik's default policy binding timeout (`PolicyBinding.timeout`, 30 s). */
export const DEFAULT_EVALUATION_TIMEOUT_MS = 30_000;

/** The file name authentik compiles an unsaved expression policy with when validating it. */
export const UNSAVED_POLICY_FILENAME = 'temp-policy';

/** A JSON value. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** An authenticator device of a simulated user, for `ak_user_has_authenticator`. */
export interface SimDevice {
  /** Device class without the `device` suffix: `totp`, `static`, `webauthn`, `duo`, `sms`, ... */
  type: string;
  name?: string;
  /** Unconfirmed devices are ignored, as authentik's `devices_for_user` does. Default true. */
  confirmed?: boolean;
}

/** A user of the simulated directory (`authentik_core.user`). */
export interface SimUser {
  /** Null only for an unsaved user that is not in the directory (e.g. an unknown identifier). */
  pk: number | null;
  username: string;
  name?: string;
  email?: string;
  is_active?: boolean;
  /** `internal`, `external`, `service_account` or `internal_service_account`. */
  type?: string;
  path?: string;
  uuid?: string;
  attributes?: Record<string, JsonValue>;
  /** Primary keys of the groups the user is a direct member of. */
  groups?: string[];
  devices?: SimDevice[];
  /** ISO 8601 timestamps. */
  last_login?: string | null;
  date_joined?: string;
  password_change_date?: string;
  /** Further model fields, kept as given. */
  [field: string]: unknown;
}

/** A group of the simulated directory (`authentik_core.group`). */
export interface SimGroup {
  /** The group's UUID (authentik's `group_uuid`). */
  pk: string;
  name: string;
  is_superuser?: boolean;
  /** Primary keys of the parent groups; `all_groups()` follows them to every ancestor. */
  parents?: string[];
  attributes?: Record<string, JsonValue>;
  [field: string]: unknown;
}

/** A source of the simulated directory, e.g. an OAuth source. */
export interface SimSource {
  /** The source's UUID (authentik's `pbm_uuid`). */
  pk: string;
  name: string;
  slug: string;
  /** Model label; default `authentik_sources_oauth.oauthsource`. */
  model?: string;
  enabled?: boolean;
  /** OAuth sources only, e.g. `discord`. */
  provider_type?: string;
  [field: string]: unknown;
}

/** A connection between a user and a source (`UserSourceConnection` and its subclasses). */
export interface SimConnection {
  pk: number;
  /** Primary key of the user. */
  user: number;
  /** Primary key or slug of the source. */
  source: string;
  identifier: string;
  /** Model label; default `authentik_sources_oauth.useroauthsourceconnection`. */
  model?: string;
  access_token?: string | null;
  [field: string]: unknown;
}

/** An OAuth2 provider, used by `ak_create_jwt` and `ak_create_jwt_raw`. */
export interface SimProvider {
  pk: number;
  name: string;
  client_id: string;
  client_secret?: string;
  [field: string]: unknown;
}

/** The simulated authentik database that an expression can query and change. */
export interface SimDirectory {
  users: SimUser[];
  groups: SimGroup[];
  sources: SimSource[];
  connections: SimConnection[];
  providers?: SimProvider[];
}

/** One recorded HTTP response for the `requests` module, matched by method and URL. */
export interface RecordedExchange {
  /** Upper-case HTTP method. */
  method: string;
  /** The full URL including the query string, as `requests` builds it from `params`. */
  url: string;
  status: number;
  /** Reason phrase; default the standard one for `status`. */
  reason?: string;
  headers?: Record<string, string>;
  /** Body as text. Ignored when `json` is given. */
  body?: string;
  /** Body as JSON; sent with `Content-Type: application/json`. */
  json?: JsonValue;
}

/** Settings of the `requests` module inside the sandbox. */
export interface HttpSettings {
  /**
   * `replay` (the default) returns the recorded `responses` only. A request without a recorded
   * response raises `requests.exceptions.ConnectionError` naming the method and the URL.
   * `layer` sends each request through the Python pool's HTTP layer (its `http` option), which
   * calls the network, records, or replays a recording or persona, depending on its own mode.
   * Python blocks until the layer responds. Without an HTTP layer on the pool, every request
   * raises `ConnectionError`.
   */
  mode?: 'replay' | 'layer';
  /** Recorded responses for `replay`. Several responses for the same method and URL are used in
   * order, and the last one repeats. */
  responses: RecordedExchange[];
}

/** Recorded DNS results for `resolve_dns` and `reverse_dns`. Nothing is resolved for real. */
export interface DnsAnswers {
  /** Host name to addresses (IPv4 and IPv6 mixed). */
  forward?: Record<string, string[]>;
  /** Address to host name. */
  reverse?: Record<string, string>;
}

/** The HTTP request a policy runs under, when one is attached (flow execution). */
export interface SimHttpRequest {
  method?: string;
  path?: string;
  /** Parsed query string. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Client address as authentik's ClientIPMiddleware determines it. Default 255.255.255.255. */
  clientIp?: string;
  host?: string;
  scheme?: 'http' | 'https';
  /** GeoIP and ASN data that authentik adds to the policy context; null when unavailable. */
  geoip?: JsonValue;
  asn?: JsonValue;
}

/** The kind of expression to run: an expression policy or a property mapping. */
export type EvaluationKind = 'policy' | 'property_mapping';

/**
 * `evaluate` runs the expression. `validate` only compiles it, as authentik does when an
 * expression is saved through the API or a blueprint, and reports a syntax error the way the
 * server rejects it (`Expression Syntax Error: ...`).
 */
export type EvaluationMode = 'evaluate' | 'validate';

/** One evaluation to run. */
export interface EvaluationRequest {
  kind: EvaluationKind;
  mode?: EvaluationMode;
  expression: string;
  /**
   * Policy or property mapping name; authentik compiles the expression with it as the file name,
   * so it appears in tracebacks and syntax errors.
   */
  name: string;
  /**
   * Whether the object exists on the server yet. Validation of an unsaved policy compiles with
   * the file name `temp-policy`, of an unsaved property mapping with `None`. Default true.
   */
  saved?: boolean;
  /**
   * For a policy: the policy request context (`request.context`, also `context`). For a property
   * mapping: its keyword arguments, which become variables of the expression.
   */
  context: Record<string, JsonValue>;
  /** `request.user`; null is Django's AnonymousUser. */
  user: SimUser | null;
  directory: SimDirectory;
  /** Other policies by name, for `ak_call_policy`. */
  policies?: Record<string, string>;
  http?: HttpSettings;
  dns?: DnsAnswers;
  /** Present when the policy runs under an HTTP request; adds `ak_client_ip` and `http_request`. */
  httpRequest?: SimHttpRequest;
  /** `request.obj` of a policy: a `$model` map of the object the engine runs for. */
  obj?: Record<string, JsonValue>;
  /**
   * Sets `context["is_sso"]` (read by `ak_is_sso_flow`) when the context has no such key, as the
   * source flow manager does for flows started by a source login.
   */
  isSso?: boolean;
  /** Policy `execution_logging`: adds a `policy_execution` event. */
  executionLogging?: boolean;
  /** Property mappings: a dry run records no `property_mapping_exception` event. */
  dryRun?: boolean;
  /** Wall-clock limit; default {@link DEFAULT_EVALUATION_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** The value the expression returned. */
export interface RawResult {
  /** Python `repr()` of the value. */
  repr: string;
  /** Python type name, e.g. `bool`, `str`, `NoneType`, `PolicyResult`. */
  type: string;
  /** The value as JSON when it converts; model instances become `$model` maps. */
  json?: JsonValue;
}

/** An exception raised while compiling or running the expression. */
export interface EvaluationError {
  /** Exception class name, e.g. `KeyError`, `SyntaxError`, `ValidationError`, `Timeout`. */
  type: string;
  /** `str(exception)`: the message authentik stores in the policy result. */
  message: string;
  /** Formatted traceback with the server's line numbers (user line + 1). */
  traceback: string;
  /** Line in the wrapped code (user line + 1) where the error happened, if known. */
  line?: number;
}

/** An event that the expression or the evaluation created (authentik's Event model). */
export interface SimEvent {
  action: string;
  app: string;
  context: Record<string, JsonValue>;
  /** Username of the event's user, when one is set. */
  user?: string | null;
}

/** A log line written by `ak_logger`, by `print`, or by the evaluator itself. */
export interface LogRecord {
  level: 'debug' | 'info' | 'warning' | 'error' | 'critical';
  /** Logger name: the policy name for `ak_logger`, `stdout`/`stderr` for printed text. */
  logger: string;
  event: string;
  fields: Record<string, JsonValue>;
}

/** One field change of a saved object: `attributes.<key>` for attribute keys. */
export interface FieldChange {
  field: string;
  before: JsonValue;
  after: JsonValue;
}

/**
 * One write or side effect of the expression. Nothing outside the simulation changes: the
 * directory in the request is left as it was, and these records are the only output of writes.
 */
export type Effect =
  | {
      kind: 'object_saved';
      /** Model label, e.g. `authentik_core.user`. */
      model: string;
      pk: JsonValue;
      /** Display name (`str()` of the object). */
      label: string;
      created: boolean;
      changes: FieldChange[];
      /** The object's fields after the save. */
      after: Record<string, JsonValue>;
    }
  | { kind: 'object_deleted'; model: string; pk: JsonValue; label: string }
  | {
      kind: 'membership_changed';
      /** `user.groups` or `group.parents`. */
      relation: string;
      model: string;
      pk: JsonValue;
      label: string;
      /** Primary keys before and after the change. */
      before: JsonValue[];
      after: JsonValue[];
    }
  | { kind: 'message'; text: string }
  | { kind: 'event'; event: SimEvent }
  | {
      kind: 'email';
      to: string[];
      cc: string[];
      bcc: string[];
      subject: string;
      body: string | null;
      template: string | null;
      stage: string | null;
    }
  | { kind: 'jwt_issued'; provider: string; claims: Record<string, JsonValue> }
  | {
      /** A stage added to the flow plan (`insert_stage` and `redirect` put it next). */
      kind: 'plan_changed';
      action: 'insert_stage' | 'append_stage' | 'redirect';
      stage: JsonValue;
    }
  | { kind: 'policy_called'; name: string; passing: boolean; messages: string[] };

/** One HTTP exchange made through `requests`. */
export interface HttpExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  /** False when no recorded answer matched; the call then raised. */
  matched: boolean;
  status: number | null;
  responseBody: string | null;
}

/** The outcome of one evaluation. */
export interface EvaluationResult {
  /**
   * Policies: `bool(result)`, false on any error (the caller then applies the binding's
   * `failure_result`, without `negate`). Property mappings: true when the mapping ran without
   * error and did not raise `SkipObject`. Validation: true when the expression compiles.
   */
  passing: boolean;
  /** Absent after an error, a timeout or a validation. */
  rawResult?: RawResult;
  /** Policy result messages: `ak_message` texts, or `str(exception)` after an error. */
  messages: string[];
  error?: EvaluationError;
  events: SimEvent[];
  logs: LogRecord[];
  effects: Effect[];
  http: HttpExchange[];
  /**
   * The policy request context after the run (`request.context`, including changes made through
   * `context[...]` and `flow_plan`), in the same JSON form as the request's context.
   */
  context?: Record<string, JsonValue>;
  /** Property mappings only: the expression raised `SkipObject`. */
  skipped?: boolean;
  /** Wall-clock time of the evaluation inside the worker, in milliseconds. */
  durationMs: number;
  /** The evaluation ran past its timeout and was stopped. */
  timedOut?: boolean;
}
