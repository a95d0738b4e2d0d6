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

/** Everything the Node side pushes to the renderer. */
export type ServiceEvent = ProgressEvent | ProjectEvent | CommandEvent;

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
