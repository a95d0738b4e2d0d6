/**
 * The project open in one window or tab. Each window has its own session, so two windows can hold
 * two projects; the revision counts the edits this session made or saw.
 */
import { existsSync } from 'node:fs';

import type { ApplyResult, ProjectSnapshot } from '../../shared/api/services.js';
import { isStagecraftError, StagecraftError } from '../../shared/errors.js';
import type { Change } from '../../shared/model/changes.js';
import { ProjectStore } from '../project/index.js';

/** Opens a project for writing, or read-only when its file or folder cannot be written. */
export function openStore(path: string): ProjectStore {
  if (!existsSync(path)) {
    throw new StagecraftError(
      'project-not-found',
      `The project file ${path} does not exist. Check the path, or create a new project there.`,
      { path },
    );
  }

  try {
    return ProjectStore.open(path);
  } catch (error) {
    if (isStagecraftError(error) && error.code === 'project-read-only') {
      return ProjectStore.open(path, { readOnly: true });
    }
    throw error;
  }
}

/** The open project of one window, or none. */
export class ProjectSession {
  private store: ProjectStore | undefined;
  private revisionCount = 0;

  /** The open store, or undefined. */
  get current(): ProjectStore | undefined {
    return this.store;
  }

  /** Increases with every applied change, undo or redo in this session. */
  get revision(): number {
    return this.revisionCount;
  }

  /** Makes `store` the open project, closing the one before. */
  replace(store: ProjectStore): void {
    this.close();
    this.store = store;
    this.revisionCount += 1;
  }

  /** Closes the open project, if any. */
  close(): void {
    if (this.store === undefined) {
      return;
    }

    this.store.close();
    this.store = undefined;
    this.revisionCount += 1;
  }

  /** Returns the open store or throws `no-project-open` naming the action. */
  require(action: string): ProjectStore {
    if (this.store === undefined) {
      throw new StagecraftError(
        'no-project-open',
        `Cannot ${action}: no project is open. Open or create a project first.`,
        { action },
      );
    }

    return this.store;
  }

  /** Counts an edit and returns the result the renderer receives. */
  recordEdit(changes: Change[]): ApplyResult {
    const store = this.require('record an edit');
    this.revisionCount += 1;

    return {
      changes,
      revision: this.revisionCount,
      canUndo: store.canUndo(),
      canRedo: store.canRedo(),
    };
  }

  /** Returns everything the renderer needs to draw the open project. */
  snapshot(): ProjectSnapshot {
    const store = this.require('read the project');
    const { name, authentikVersion, description } = store.info();

    return {
      path: store.path,
      settings: { name, authentikVersion, description },
      objects: store.listObjects(),
      positions: store.positions(),
      canUndo: store.canUndo(),
      canRedo: store.canRedo(),
      revision: this.revisionCount,
      readOnly: store.readOnly,
    };
  }
}
