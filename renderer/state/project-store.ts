/**
 * The open project in the renderer: objects, canvas positions and undo state. Every edit
 * goes to `project.apply`, which saves it before it returns. The store applies the same changes
 * locally first, so the canvas does not wait for the round trip, and reloads the project from the
 * backend when the backend rejects them.
 */
import { create } from 'zustand';

import type { ApplyResult, Problem, ProjectSnapshot } from '../../shared/api/services.js';
import type { Change, Point, ProjectSettings } from '../../shared/model/changes.js';
import { applyChangesToObjects } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { ProjectIndex } from '../model/project-index.js';
import { indexProject } from '../model/project-index.js';
import { client } from './client.js';
import { reportError } from './notice-store.js';

/** Stored canvas positions: view (flow uid), then node uid. */
export type PositionTable = Map<string, Map<string, Point>>;

/** Options of one edit. */
export interface EditOptions {
  /** The label of the undo step. */
  label: string;
  /** Consecutive edits with the same key become one undo step (a drag, typing in a field). */
  mergeKey?: string;
}

interface ProjectState {
  status: 'empty' | 'loading' | 'ready' | 'failed';
  path: string;
  settings: ProjectSettings | null;
  readOnly: boolean;
  objects: ReadonlyMap<string, ModelObject>;
  index: ProjectIndex;
  positions: PositionTable;
  revision: number;
  canUndo: boolean;
  canRedo: boolean;
  /** Edits sent to the backend whose response has not arrived yet. */
  pending: number;
  /** Validation problems of the whole project, as of `problemsRevision`. */
  problems: Problem[];
  problemsRevision: number;
  load(snapshot: ProjectSnapshot): void;
  reload(): Promise<void>;
  apply(changes: Change[], options: EditOptions): Promise<boolean>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  refreshProblems(): Promise<void>;
}

function positionTable(snapshot: ProjectSnapshot): PositionTable {
  const table: PositionTable = new Map();
  for (const { view, uid, x, y } of snapshot.positions) {
    let points = table.get(view);
    if (points === undefined) {
      points = new Map();
      table.set(view, points);
    }
    points.set(uid, { x, y });
  }

  return table;
}

/** Returns a copy of the table with the position changes of a list applied. */
export function applyPositionChanges(
  table: PositionTable,
  changes: readonly Change[],
): PositionTable {
  let next: PositionTable | undefined;

  for (const change of changes) {
    if (change.kind !== 'position.set') {
      continue;
    }

    next ??= new Map(table);
    const points = new Map(next.get(change.view) ?? []);
    if (change.after === null) {
      points.delete(change.uid);
    } else {
      points.set(change.uid, change.after);
    }
    next.set(change.view, points);
  }

  return next ?? table;
}

function applyLocally(
  state: Pick<ProjectState, 'objects' | 'index' | 'positions' | 'settings'>,
  changes: readonly Change[],
): Pick<ProjectState, 'objects' | 'index' | 'positions' | 'settings'> {
  const touchesObjects = changes.some(
    (change) => change.kind !== 'position.set' && change.kind !== 'project.set',
  );
  const objects = touchesObjects ? applyChangesToObjects(state.objects, changes) : state.objects;
  let settings = state.settings;
  for (const change of changes) {
    if (change.kind === 'project.set' && settings !== null) {
      settings = { ...settings, [change.key]: change.after };
    }
  }

  return {
    objects,
    // Moving nodes keeps the index, so a drag does not rebuild it.
    index: touchesObjects ? indexProject(objects) : state.index,
    positions: applyPositionChanges(state.positions, changes),
    settings,
  };
}

// Calls to the backend run one after another, so an undo never overtakes the edit before it.
let queue: Promise<unknown> = Promise.resolve();

function enqueue<T>(call: () => Promise<T>): Promise<T> {
  const result = queue.then(call, call);
  queue = result.catch(() => undefined);

  return result;
}

const emptyObjects: ReadonlyMap<string, ModelObject> = new Map();

/** The project store. */
export const useProject = create<ProjectState>()((set, get) => ({
  status: 'empty',
  path: '',
  settings: null,
  readOnly: false,
  objects: emptyObjects,
  index: indexProject(emptyObjects),
  positions: new Map(),
  revision: 0,
  canUndo: false,
  canRedo: false,
  pending: 0,
  problems: [],
  problemsRevision: -1,

  load(snapshot) {
    const objects = new Map(snapshot.objects.map((object) => [object.uid, object]));
    set({
      status: 'ready',
      path: snapshot.path,
      settings: snapshot.settings,
      readOnly: snapshot.readOnly,
      objects,
      index: indexProject(objects),
      positions: positionTable(snapshot),
      revision: snapshot.revision,
      canUndo: snapshot.canUndo,
      canRedo: snapshot.canRedo,
    });
  },

  async reload() {
    const snapshot = await client().project.current({});
    if (snapshot !== null) {
      get().load(snapshot);
    }
  },

  async apply(changes, options) {
    if (changes.length === 0) {
      return true;
    }

    const before = get();
    try {
      set({ ...applyLocally(before, changes), pending: before.pending + 1 });
    } catch (error) {
      // The changes do not fit the local copy: the backend would reject them the same way.
      reportError(options.label, error);
      return false;
    }

    try {
      const request: Parameters<ReturnType<typeof client>['project']['apply']>[0] = {
        changes,
        label: options.label,
      };
      if (options.mergeKey !== undefined) {
        request.mergeKey = options.mergeKey;
      }
      const result = await enqueue(() => client().project.apply(request));
      set({ ...undoState(result), pending: get().pending - 1 });
      return true;
    } catch (error) {
      set({ pending: get().pending - 1 });
      reportError(options.label, error);
      await get()
        .reload()
        .catch((reloadError: unknown) => reportError('Reload the project', reloadError));
      return false;
    }
  },

  async undo() {
    await step('Undo', () => client().project.undo({}));
  },

  async redo() {
    await step('Redo', () => client().project.redo({}));
  },

  async refreshProblems() {
    const revision = get().revision;
    try {
      const problems = await enqueue(() => client().blueprints.validateProject({}));
      set({ problems, problemsRevision: revision });
    } catch (error) {
      reportError('Validate the project', error);
    }
  },
}));

function undoState(result: ApplyResult): Pick<ProjectState, 'revision' | 'canUndo' | 'canRedo'> {
  return { revision: result.revision, canUndo: result.canUndo, canRedo: result.canRedo };
}

async function step(label: string, run: () => Promise<ApplyResult>): Promise<void> {
  try {
    const result = await enqueue(run);
    const state = useProject.getState();
    useProject.setState({ ...applyLocally(state, result.changes), ...undoState(result) });
  } catch (error) {
    reportError(label, error);
    await useProject
      .getState()
      .reload()
      .catch((reloadError: unknown) => reportError('Reload the project', reloadError));
  }
}
