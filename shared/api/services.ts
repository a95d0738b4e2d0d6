/**
 * The service contracts between the renderer and the Node side. Each service is one interface;
 * Electron IPC and the web-mode socket are two transports for the same interfaces, and the
 * renderer holds one typed client without knowing which transport carries it. Every method takes
 * one object argument (validated on the Node side against `SERVICE_SCHEMAS`) and returns a
 * promise; failures arrive as `ErrorPayload` (`{code, message, data}`).
 */
import type { Problem } from '../blueprint/problems.js';
import type { EnvVariable } from '../blueprint/writer.js';
import type { ErrorPayload } from '../errors.js';
import type { Change, Point, ProjectSettings } from '../model/changes.js';
import type { ModelObject } from '../model/object.js';
import type { SyntaxCheck } from '../editor/syntax.js';
import type {
  Effect,
  EvaluationResult,
  HttpExchange,
  JsonValue,
  LogRecord,
  SimEvent,
} from '../simulator/evaluation.js';
import type { SimulationOutcome, SimulationTrace } from '../simulator/trace.js';
import type { ServerService } from '../server/service.js';

/** A canvas position of one object in one flow's view. */
export interface ViewPosition {
  view: string;
  uid: string;
  x: number;
  y: number;
}

/** One step of the undo history. */
export interface HistoryStep {
  id: number;
  label: string;
  createdAt: string;
  undone: boolean;
}

/** Everything the renderer needs to draw a project. */
export interface ProjectSnapshot {
  path: string;
  settings: ProjectSettings;
  objects: ModelObject[];
  positions: ViewPosition[];
  canUndo: boolean;
  canRedo: boolean;
  /** Increases with every applied change, undo or redo. */
  revision: number;
  readOnly: boolean;
}

/** A project the user opened recently. */
export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
}

/** The result of applying, undoing or redoing changes. */
export interface ApplyResult {
  /** The changes that were applied to the project (for undo and redo: the inverse or the redo). */
  changes: Change[];
  revision: number;
  canUndo: boolean;
  canRedo: boolean;
}

/** Opening, editing and saving projects. Every change is saved when `apply` returns. */
export interface ProjectService {
  /** Opens a project file; `create` makes a new one when the file does not exist. */
  open(args: { path: string; create?: boolean }): Promise<ProjectSnapshot>;
  /** Opens the sample project (a copy in the user's data folder), as on first start. */
  openSample(args: Record<string, never>): Promise<ProjectSnapshot>;
  /** Returns the open project, or null when none is open. */
  current(args: Record<string, never>): Promise<ProjectSnapshot | null>;
  /** Applies changes as one undo step; `mergeKey` folds consecutive calls (a drag) into one. */
  apply(args: { changes: Change[]; label?: string; mergeKey?: string }): Promise<ApplyResult>;
  undo(args: Record<string, never>): Promise<ApplyResult>;
  redo(args: Record<string, never>): Promise<ApplyResult>;
  history(args: Record<string, never>): Promise<HistoryStep[]>;
  recent(args: Record<string, never>): Promise<RecentProject[]>;
  /** Drops a project from the recent list (the file itself stays). */
  forgetRecent(args: { path: string }): Promise<RecentProject[]>;
  /** Closes the open project; a no-op when none is open. */
  close(args: Record<string, never>): Promise<void>;
}

/** A file given to an import, read by the renderer from a dialog or a drop. */
export interface ImportFile {
  name: string;
  text: string;
}

/** The result of importing blueprint files. */
export interface ImportSummary {
  files: { name: string; entries: number; problems: Problem[] }[];
  created: number;
  updated: number;
  /** Secrets written as plain values in the files, which were not stored. */
  droppedSecrets: { file: string; model: string; field: string; variable: string }[];
  snapshot: ProjectSnapshot;
}

/** What to export: flows by slug, chosen objects by uid, or (both empty) the whole project. */
export interface ExportSelection {
  flows?: string[];
  uids?: string[];
  name?: string;
}

/** A blueprint ready to be written, with its problems and its difference to the last export. */
export interface ExportPreview {
  text: string;
  env: EnvVariable[];
  problems: Problem[];
  /** Unified diff against the last export of the same selection; null when there was none. */
  diffToLast: string | null;
  objectCount: number;
}

/** Import, export and validation of blueprints. */
export interface BlueprintService {
  /** Imports files in one undo step; a file that cannot be read changes nothing. */
  importFiles(args: { files: ImportFile[] }): Promise<ImportSummary>;
  /** Validates the open project. */
  validateProject(args: Record<string, never>): Promise<Problem[]>;
  /** Builds the blueprint for a selection without writing it. */
  previewExport(args: ExportSelection): Promise<ExportPreview>;
  /**
   * Writes the blueprint to `path` (Electron: chosen in a save dialog) and remembers it as the
   * last export. In web mode without a path, the text is returned for a download. A blueprint
   * with validation errors raises `blueprint-invalid` unless `allowErrors` is set. When the
   * user cancels the save dialog, `path` is null and nothing is remembered.
   */
  writeExport(
    args: ExportSelection & { path?: string; allowErrors?: boolean },
  ): Promise<{ path: string | null; text: string }>;
}

/** Facts about the running app: its mode, version and data folder. */
export interface AppInfo {
  /** `electron` for the desktop app, `web` for one Node process serving a browser tab. */
  mode: 'electron' | 'web';
  version: string;
  /** The app data folder: recent projects, the sample project, last exports. */
  dataFolder: string;
  /** Node's `process.platform` of the backend, e.g. `linux`. */
  platform: string;
  /**
   * The folder the app was started in (npm's `INIT_CWD` under `npm start`). The project dialog
   * of web mode resolves relative paths against it. Absent from older backends.
   */
  startFolder?: string;
}

/** The app itself: how it runs, and the native dialogs only the desktop app has. */
export interface AppService {
  info(args: Record<string, never>): Promise<AppInfo>;
  /**
   * Shows the native dialog to pick a project file to open, or a path to create one at.
   * Returns null when the user cancels. Web mode has no native dialogs and raises
   * `unsupported`, so the renderer prompts for a path instead (`info().mode` tells which).
   */
  chooseProject(args: { purpose: 'open' | 'create' }): Promise<{ path: string | null }>;
}

/** Whether secrets can be kept, and how. */
export interface SecretStatus {
  /** True when secrets are encrypted at rest (Electron's `safeStorage`). */
  persistent: boolean;
  /** The storage: `safe-storage` (encrypted on disk) or `memory` (lost when the app quits). */
  backend: 'safe-storage' | 'memory';
}

/**
 * Secrets the app needs (client secrets for live calls, tokens for a server). Values go in and
 * never come back to the renderer; the Node side reads them where it makes the call. Without
 * encrypted storage (web mode, or Electron where the OS offers none) secrets live in memory only.
 */
export interface SecretService {
  status(args: Record<string, never>): Promise<SecretStatus>;
  /** Names of the stored secrets, sorted. */
  list(args: Record<string, never>): Promise<string[]>;
  set(args: { name: string; value: string }): Promise<void>;
  /** Removes a secret; returns false when there was none of that name. */
  remove(args: { name: string }): Promise<boolean>;
}

/** A persona as the simulator panel lists it. */
export interface PersonaSummary {
  name: string;
  description?: string;
  /** The username the persona signs in as. */
  username: string;
  /** False for someone without an account yet (an enrollment or a new source identity). */
  inDirectory: boolean;
  /** True when the persona also responds to Discord API calls (a Discord persona). */
  discord: boolean;
  /** True when the browser session is already logged in at the start of a run. */
  authenticated: boolean;
  /** True when the persona has a stored password hash or accepts any password. */
  hasPassword: boolean;
  /**
   * True for a persona shipped with Stagecraft, which is read-only, and false for one stored in
   * the project. Absent from older backends.
   */
  builtIn?: boolean;
}

/** A persona with every field, as the persona editor shows it. */
export interface PersonaDetails {
  /** The persona's JSON without its password hash, which never leaves the Node side. */
  persona: Record<string, JsonValue>;
  /** True for a persona shipped with Stagecraft, which only a copy of it can change. */
  builtIn: boolean;
  /** True when the persona has a stored password hash. */
  hasPassword: boolean;
}

/** A stored record (an HTTP recording, a scenario) as lists show it. */
export interface StoredRecordSummary {
  id: string;
  name: string;
  updatedAt: string;
}

/** The flow, persona and inputs of one simulated run. */
export interface SimulationRequest {
  /** Slug of the flow to run. */
  flow: string;
  /** Persona name or directory username; without it the visitor is anonymous. */
  persona?: string;
  /** Answers to stages by input key (`username`, `password`, a prompt field key, ...), in order. */
  inputs?: Record<string, string[]>;
  /** Start the flow as after a login through this source (slug). */
  viaSource?: string;
  /**
   * With `viaSource`: the id of an HTTP recording of the project whose responses the source login
   * replays, instead of the persona's.
   */
  recording?: string;
  /** The `next` query parameter the flow is opened with. */
  next?: string;
  /** Slug of the application the flow runs for. */
  application?: string;
  /**
   * With `viaSource`: log in through the real provider instead of replayed responses. The
   * provider's authorize page opens for the admin (a `simulator-login` event carries its
   * address), and the token, profile and policy requests go over the network.
   */
  live?: LiveLoginRequest;
}

/** The settings of a live login through a source. */
export interface LiveLoginRequest {
  /**
   * Port of the redirect server on 127.0.0.1 that receives the provider's redirect; 0 picks a
   * free port. Default {@link DEFAULT_LIVE_REDIRECT_PORT}.
   */
  port?: number;
  /**
   * Also records the exchanges, with secrets replaced by placeholders, and stores them as the
   * project's recording of this name (replacing one of that name).
   */
  recordAs?: string;
}

/** The default port of the redirect server of a live login. */
export const DEFAULT_LIVE_REDIRECT_PORT = 8765;

/** The requirements of a live login through a source, as the panel shows them before a run. */
export interface LiveLoginSetup {
  source: string;
  /** The redirect URI to register at the provider; with port 0 the port is only known later. */
  redirectUri: string;
  /** The environment variable or stored secret the client secret comes from. */
  secretName: string;
  /** True when the client secret is set (in the source, the environment or the secret store). */
  secretSet: boolean;
  /** The reason a live login cannot start now and what to set; absent when it can start. */
  problem?: string;
}

/** The parts of one expression policy evaluation that the trace leaves out. */
export interface EvaluationDetails {
  /** Position of the policy in the trace: `steps[step].engines[engine].policies[policy]`. */
  step: number;
  engine: number;
  policy: number;
  http: HttpExchange[];
  effects: Effect[];
  events: SimEvent[];
  logs: LogRecord[];
}

/** One simulated run with the details of its expression evaluations. */
export interface SimulationRun {
  /** The request of the run; the values of secret inputs (passwords) are masked. */
  request: SimulationRequest;
  trace: SimulationTrace;
  details: EvaluationDetails[];
  /**
   * Id under which the Node side keeps the run's checkpoints and unmasked inputs in memory, for
   * `resume`. Absent for runs that are not kept.
   */
  id?: string;
  /** The recording a live run with `recordAs` stored in the project. */
  recording?: StoredRecordSummary;
}

/** The outcome of one persona's run, for the side-by-side table. */
export interface PersonaOutcome {
  persona: string;
  outcome: SimulationOutcome['kind'] | 'failed';
  /** The message the user sees (access denied text, missing input, error). */
  message: string;
  /** The stage the run ended at, when it ended at one. */
  stage: string | null;
  /**
   * The stage, or the title of the step, where the run ended: the last stage a completed run
   * passed, or the step that denied or failed it. Null when the run failed before its first step.
   */
  endedAt?: string | null;
  why: string;
  /** Number of stages the run passed. */
  stagesPassed: number;
  /** Number of the run's findings of each severity. */
  findings?: { critical: number; warning: number; info: number };
  durationMs: number;
}

/** An expression to try out from the editor. */
export interface ExpressionTest {
  expression: string;
  kind: 'policy' | 'property_mapping';
  /** The policy or mapping name, as authentik compiles it into tracebacks. */
  name: string;
  /** Uid of the edited object, to run it where it is bound. */
  uid?: string;
  /** The persona to act as: its user, its Discord responses, and a run of the flow it is bound in. */
  persona?: string;
  /** Id of an HTTP recording whose responses answer `requests` calls. */
  recording?: string;
  /**
   * A JSON object used as the policy context, or as the property mapping's variables. Given,
   * it replaces the context of a flow run.
   */
  context?: Record<string, JsonValue>;
}

/** The result of an expression test and where its context came from. */
export interface ExpressionTestResult {
  result: EvaluationResult;
  /** In words: the flow run and binding the context came from, or the JSON given. */
  contextSource: string;
  /** `request.user` as the expression saw it: a username, or `AnonymousUser`. */
  user: string;
  /** The context the expression ran with (secrets masked). */
  context: Record<string, JsonValue>;
}

/** The outcome a saved scenario expects of its run. */
export interface ScenarioExpectation {
  outcome: SimulationOutcome['kind'];
  /** The message of a denied, rejected or failed run, when it should match exactly. */
  message?: string;
  /** The stage the run should end at. */
  stage?: string;
}

/** A saved scenario as lists show it. */
export interface ScenarioSummary extends StoredRecordSummary {
  flow: string;
  persona: string | null;
  expected: ScenarioExpectation;
}

/**
 * The simulator: personas, flow runs for the stepper and the persona table, expression tests
 * and syntax checks for the policy editor, and saved scenarios. Runs read the open project as it
 * is saved; nothing a run does is written back.
 */
export interface SimulatorService {
  /** Starts the Python runtime (about 2 to 5 s the first time) and resolves when it is ready. */
  prepare(args: Record<string, never>): Promise<{ ready: boolean }>;
  listPersonas(args: Record<string, never>): Promise<PersonaSummary[]>;
  /**
   * Stores a persona (the JSON of shared/simulator/persona.ts), replacing one with the same
   * name. A `password` is hashed and only the hash is stored.
   */
  savePersona(args: {
    persona: Record<string, JsonValue>;
    password?: string;
    /**
     * Keeps the stored password hash of the persona being replaced when neither `password` nor
     * a `passwordHash` is given, so an edit of other fields keeps the password.
     */
    keepPassword?: boolean;
    /**
     * The name the persona is stored under before this save, to rename it: that record is
     * replaced. Rejected with `invalid-argument` when another project persona has the new name.
     */
    previousName?: string;
  }): Promise<PersonaSummary>;
  /** Returns a persona by name with every field (the project's, else a built-in one). */
  getPersona(args: { name: string }): Promise<PersonaDetails>;
  /**
   * Deletes the project persona of that name, or returns false when the project has none. A
   * built-in persona it hid is listed again.
   */
  deletePersona(args: { name: string }): Promise<boolean>;
  /**
   * Builds a Discord persona from a recording of the project (by id) and stores it under `name`,
   * replacing a project persona of that name. Rejects with `recording-invalid` when the
   * recording has no successful users/@me response.
   */
  personaFromRecording(args: { recording: string; name: string }): Promise<PersonaSummary>;
  listRecordings(args: Record<string, never>): Promise<StoredRecordSummary[]>;
  /** Runs a flow and returns its trace; project errors (unknown flow or persona) reject. */
  run(args: SimulationRequest): Promise<SimulationRun>;
  /**
   * Goes on with a kept run from the start of trace step `step`, with the project as it is now:
   * the steps before are not executed again (no policy evaluations, no HTTP calls). `answers`
   * are the values the admin submits at that step, by input key; inputs the run used before
   * stay as they were, unmasked. Returns the run under the same id.
   */
  resume(args: {
    run: string;
    step: number;
    answers?: Record<string, string>;
  }): Promise<SimulationRun>;
  /** Returns what a live login through the source needs: redirect URI and client secret. */
  liveSetup(args: { source: string; port?: number }): Promise<LiveLoginSetup>;
  /** Stops waiting for the provider's redirect of a live login; returns false when none waits. */
  cancelLogin(args: Record<string, never>): Promise<boolean>;
  /** Runs the flow once per persona (all personas when none are named). */
  runPersonas(args: {
    flow: string;
    personas?: string[];
    viaSource?: string;
  }): Promise<PersonaOutcome[]>;
  /** Compiles an expression as authentik does when it is saved. */
  checkSyntax(args: {
    expression: string;
    kind: 'policy' | 'property_mapping';
    name: string;
    saved?: boolean;
  }): Promise<SyntaxCheck>;
  /** Runs an expression against a persona, a recording or a JSON context. */
  testExpression(args: ExpressionTest): Promise<ExpressionTestResult>;
  /** Saves a run and what it should produce as a scenario of the open project. */
  saveScenario(args: {
    name: string;
    run: SimulationRequest;
    expected: ScenarioExpectation;
  }): Promise<ScenarioSummary>;
  listScenarios(args: Record<string, never>): Promise<ScenarioSummary[]>;
}

/** Progress of long work (an import, opening the sample), sent as events while it runs. */
export interface ProgressEvent {
  type: 'progress';
  /** Identifies one piece of work across its events. */
  taskId: string;
  /** The task's name, e.g. `Import 3 files`. */
  title: string;
  /** The current step, e.g. `Reading login.yaml`. */
  detail: string;
  done: number;
  /** The number of steps, or null when unknown. */
  total: number | null;
  /** True on the last event of the task, whether it succeeded or failed. */
  finished: boolean;
}

/** The open project changed outside the caller's own request (another window, a menu). */
export interface ProjectEvent {
  type: 'project';
  reason: 'opened' | 'changed' | 'closed';
  /** The project file, or null after `closed`. */
  path: string | null;
  revision: number;
}

/** A command from the desktop app's menu or window, for the renderer to carry out. */
export type AppCommand =
  | {
      command:
        | 'undo'
        | 'redo'
        | 'delete'
        | 'select-all'
        | 'fit-view'
        | 'toggle-theme'
        | 'export'
        | 'new-project'
        | 'open-project';
    }
  /** Blueprint files chosen in File > Import Blueprint or dropped on the window. */
  | { command: 'import'; files: ImportFile[] };

/** A menu or window command, sent as an event. */
export type CommandEvent = { type: 'command' } & AppCommand;

/** A live login of the simulator waits for the admin to log in at the provider. */
export interface SimulatorLoginEvent {
  type: 'simulator-login';
  /** The provider's authorize page, to open in a browser tab or window. */
  authorizeUrl: string;
  /** The redirect URI the provider sends the browser to after the login. */
  redirectUri: string;
}

/** Everything the Node side pushes to the renderer. */
export type ServiceEvent = ProgressEvent | ProjectEvent | CommandEvent | SimulatorLoginEvent;

/** The event stream of one window or tab. */
export interface ServiceEvents {
  /** Calls `listener` for every event from now on; returns the function that stops it. */
  subscribe(listener: (event: ServiceEvent) => void): () => void;
}

/** The typed client the renderer holds. */
export interface ServiceClient {
  project: ProjectService;
  blueprints: BlueprintService;
  app: AppService;
  secrets: SecretService;
  simulator: SimulatorService;
  server: ServerService;
  /** Not a service: the event channel, carried by the same transport. */
  events: ServiceEvents;
}

/** The name of a service (every member of the client except the event channel). */
export type ServiceName = Exclude<keyof ServiceClient, 'events'>;

/** The services without the event channel, as the Node side implements them. */
export type ServiceHandlers = Pick<ServiceClient, ServiceName>;

/** The name of a method of one service. */
export type MethodName<S extends ServiceName> = keyof ServiceClient[S] & string;

/** The argument object of one method. */
export type MethodArgs<
  S extends ServiceName,
  M extends MethodName<S>,
> = ServiceClient[S][M] extends (args: infer A) => Promise<unknown> ? A : never;

/** The resolved result of one method. */
export type MethodResult<
  S extends ServiceName,
  M extends MethodName<S>,
> = ServiceClient[S][M] extends (args: never) => Promise<infer R> ? R : never;

/**
 * The outcome of one call as both transports carry it: the value, or the error payload. Errors
 * travel as values rather than exceptions, so their code survives serialization.
 */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ErrorPayload };

/** The channel prefix of every service call on either transport. */
export const CHANNEL_PREFIX = 'stagecraft:';

/** Re-exported so that renderer code imports contract types from one place. */
export type { Change, Point, ProjectSettings, ModelObject, Problem, EnvVariable, ErrorPayload };
export type { SyntaxCheck, SimulationTrace, EvaluationResult, JsonValue };
