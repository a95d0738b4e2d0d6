/**
 * Reads and writes the rows of objects, canvas positions and project settings. Every row read
 * is validated, and a row that fails gives `project-corrupt` naming the table and the row.
 */
import type Database from 'better-sqlite3';

import { findObjectError } from '../../shared/model/change-shape.js';
import type { Point, ProjectSettingKey, ProjectSettings } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import { corruptRowError } from './errors.js';

/** A node position on the canvas of one flow. */
export interface PositionRow {
  /** The uid of the flow whose canvas shows the node. */
  view: string;
  uid: string;
  x: number;
  y: number;
}

/** Keys of the meta table: the project settings plus creation and modification times. */
type MetaKey = ProjectSettingKey | 'createdAt' | 'updatedAt';

// Settings that must not be empty; `description` may be.
const REQUIRED_META: readonly MetaKey[] = ['name', 'authentikVersion', 'createdAt', 'updatedAt'];

interface ObjectRow {
  seq: number;
  uid: string;
  model: string;
  data: string;
}

/** Typed access to the object, position and meta tables of one open project file. */
export class ProjectRows {
  private readonly selectObject;
  private readonly selectObjects;
  private readonly countObjectRows;
  private readonly insertObjectRow;
  private readonly updateObjectRow;
  private readonly deleteObjectRow;
  private readonly selectPosition;
  private readonly selectPositions;
  private readonly selectViewPositions;
  private readonly upsertPosition;
  private readonly deletePosition;
  private readonly selectMeta;
  private readonly upsertMeta;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.selectObject = db.prepare<[string], ObjectRow>(
      'SELECT seq, uid, model, data FROM objects WHERE uid = ?',
    );
    this.selectObjects = db.prepare<[], ObjectRow>(
      'SELECT seq, uid, model, data FROM objects ORDER BY seq',
    );
    this.countObjectRows = db.prepare<[], { count: number }>(
      'SELECT count(*) AS count FROM objects',
    );
    this.insertObjectRow = db.prepare<[string, string, string]>(
      'INSERT INTO objects (uid, model, data) VALUES (?, ?, ?)',
    );
    this.updateObjectRow = db.prepare<[string, string, string]>(
      'UPDATE objects SET model = ?, data = ? WHERE uid = ?',
    );
    this.deleteObjectRow = db.prepare<[string]>('DELETE FROM objects WHERE uid = ?');
    this.selectPosition = db.prepare<[string, string], PositionRow>(
      'SELECT view, uid, x, y FROM positions WHERE view = ? AND uid = ?',
    );
    this.selectPositions = db.prepare<[], PositionRow>(
      'SELECT view, uid, x, y FROM positions ORDER BY view, uid',
    );
    this.selectViewPositions = db.prepare<[string], PositionRow>(
      'SELECT view, uid, x, y FROM positions WHERE view = ? ORDER BY uid',
    );
    this.upsertPosition = db.prepare<[string, string, number, number]>(
      'INSERT INTO positions (view, uid, x, y) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (view, uid) DO UPDATE SET x = excluded.x, y = excluded.y',
    );
    this.deletePosition = db.prepare<[string, string]>(
      'DELETE FROM positions WHERE view = ? AND uid = ?',
    );
    this.selectMeta = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM meta');
    this.upsertMeta = db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  /** Returns the object with this uid, or undefined. */
  getObject(uid: string): ModelObject | undefined {
    const row = this.selectObject.get(uid);

    return row === undefined ? undefined : this.parseObject(row);
  }

  /** Returns all objects in insertion order. */
  listObjects(): ModelObject[] {
    return this.selectObjects.all().map((row) => this.parseObject(row));
  }

  /** Returns the number of objects. */
  countObjects(): number {
    return this.countObjectRows.get()?.count ?? 0;
  }

  /** Inserts, updates or deletes the row of `uid` so that it contains `next`. */
  writeObject(uid: string, current: ModelObject | undefined, next: ModelObject | undefined): void {
    if (next === undefined) {
      this.deleteObjectRow.run(uid);
      return;
    }

    const data = JSON.stringify(next);
    if (current === undefined) {
      this.insertObjectRow.run(uid, next.model, data);
    } else {
      this.updateObjectRow.run(next.model, data, uid);
    }
  }

  /** Returns the position of a node on a canvas, or null when it has none. */
  getPosition(view: string, uid: string): Point | null {
    const row = this.selectPosition.get(view, uid);

    return row === undefined ? null : { x: row.x, y: row.y };
  }

  /** Returns the positions of one canvas, or of all canvases, ordered by view and uid. */
  listPositions(view?: string): PositionRow[] {
    const rows =
      view === undefined ? this.selectPositions.all() : this.selectViewPositions.all(view);
    for (const row of rows) {
      if (!Number.isFinite(row.x) || !Number.isFinite(row.y)) {
        throw corruptRowError(
          this.path,
          'positions',
          `${row.view}/${row.uid}`,
          'x or y is not finite',
        );
      }
    }

    return rows;
  }

  /** Sets or removes the position of a node on a canvas. */
  writePosition(view: string, uid: string, point: Point | null): void {
    if (point === null) {
      this.deletePosition.run(view, uid);
    } else {
      this.upsertPosition.run(view, uid, point.x, point.y);
    }
  }

  /** Returns the project settings with the creation and modification times. */
  readMeta(): ProjectSettings & { createdAt: string; updatedAt: string } {
    const values = new Map(this.selectMeta.all().map((row) => [row.key, row.value]));
    for (const key of REQUIRED_META) {
      const value = values.get(key);
      if (value === undefined || value === '') {
        throw corruptRowError(this.path, 'meta', key, 'the value is missing or empty');
      }
    }

    const read = (key: MetaKey): string => values.get(key) ?? '';

    return {
      name: read('name'),
      authentikVersion: read('authentikVersion'),
      description: read('description'),
      createdAt: read('createdAt'),
      updatedAt: read('updatedAt'),
    };
  }

  /** Writes one meta value. */
  writeMeta(key: MetaKey, value: string): void {
    this.upsertMeta.run(key, value);
  }

  /** Sets `updatedAt` to now. Called once per write transaction. */
  touch(): void {
    this.upsertMeta.run('updatedAt', new Date().toISOString());
  }

  private parseObject(row: ObjectRow): ModelObject {
    let data: unknown;
    try {
      data = JSON.parse(row.data);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw corruptRowError(this.path, 'objects', row.uid, `data is not valid JSON (${detail})`);
    }

    const shapeError = findObjectError(data, 'data');
    if (shapeError !== undefined) {
      throw corruptRowError(this.path, 'objects', row.uid, shapeError);
    }

    const object = data as ModelObject;
    if (object.uid !== row.uid || object.model !== row.model) {
      throw corruptRowError(
        this.path,
        'objects',
        row.uid,
        `data describes ${object.model} "${object.uid}", not ${row.model} "${row.uid}"`,
      );
    }

    return object;
  }
}
