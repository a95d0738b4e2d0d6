/** The project file: a SQLite store of model objects, canvas positions, undo history and records. */
export {
  DEFAULT_AUTHENTIK_VERSION,
  ProjectStore,
  type ApplyOptions,
  type CreateProjectInit,
  type OpenProjectOptions,
  type ProjectInfo,
} from './store.js';
export { DEFAULT_HISTORY_LIMIT, type HistoryEntry } from './history.js';
export {
  ImportLog,
  RecordTable,
  type ImportRecord,
  type RecordInput,
  type RecordSummary,
  type StoredRecord,
} from './records.js';
export type { PositionRow } from './rows.js';
export { APPLICATION_ID, PROJECT_EXTENSION, SCHEMA_VERSION } from './schema.js';
