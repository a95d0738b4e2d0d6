/**
 * Messages between the Python pool (main thread) and its workers. Requests and results travel as
 * JSON text: the Python runner reads and writes JSON, so each side converts only once.
 */

/** The settings a worker receives as `workerData`. */
export interface WorkerConfig {
  /** Folder holding the `stagecraft_sim`, `authentik`, `django` and `requests` packages. */
  pythonRoot: string;
  /** Cap of the WebAssembly memory (Python's heap), in bytes. */
  memoryLimitBytes: number;
  /** One Int32 that the pool sets to 2 (SIGINT) to interrupt running Python code. */
  interruptBuffer: SharedArrayBuffer;
  /**
   * A Pyodide memory snapshot taken by an earlier worker after importing the sandbox packages;
   * restoring it takes about 0.3 s instead of a full start.
   */
  snapshot?: Uint8Array;
  /** Take such a snapshot and send it to the pool. */
  makeSnapshot: boolean;
}

/** Pool to worker: the request as JSON text, which costs less to pass than the object. */
export type PoolMessage = { type: 'evaluate'; id: number; requestJson: string };

/** Worker to pool. */
export type WorkerMessage =
  | { type: 'ready'; loadMs: number; memoryBytes: number; fromSnapshot: boolean }
  | { type: 'snapshot'; snapshot: Uint8Array | null; error?: string }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; resultJson: string; memoryBytes: number }
  | { type: 'crashed'; id: number; message: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string };
