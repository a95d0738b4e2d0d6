/**
 * Messages between the Python pool (main thread) and its workers. Requests and results travel as
 * JSON text: the Python runner reads and writes JSON, so each side converts only once.
 */
import type { MessagePort } from 'node:worker_threads';

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
  /**
   * Cache folder of snapshot files, given with `makeSnapshot`. The worker restores the file of
   * its snapshot key when the file passes its checks, and sends that snapshot to the pool
   * instead of taking one.
   */
  snapshotFolder?: string;
  /**
   * The HTTP bridge: `requests` calls of an evaluation in `layer` mode are posted on this port
   * as {@link HttpBridgeRequest}, and the worker blocks until the pool posts the
   * {@link HttpBridgeReply} and sets `httpSignal`.
   */
  httpPort: MessagePort;
  /** One Int32 that the pool sets to 1 after posting a bridge reply. */
  httpSignal: SharedArrayBuffer;
  /** How long the worker waits for a bridge reply before giving up, in ms. */
  httpWaitMs: number;
}

/** Worker to pool over the HTTP bridge port: one request of Python's `requests`. */
export interface HttpBridgeRequest {
  id: number;
  /** `{method, url, headers, body}` as JSON text. */
  requestJson: string;
}

/** Pool to worker over the HTTP bridge port; see main/http/bridge.ts for the reply JSON. */
export interface HttpBridgeReply {
  id: number;
  replyJson: string;
}

/** Pool to worker: the request as JSON text, which costs less to pass than the object. */
export type PoolMessage = { type: 'evaluate'; id: number; requestJson: string };

/**
 * Outcome of a worker's attempt to restore the snapshot file: `invalid` when the file failed
 * the checks of readSnapshotFile, `rejected` when Pyodide failed to restore it.
 */
export type SnapshotFileStatus = 'restored' | 'missing' | 'invalid' | 'rejected';

/** Worker to pool. */
export type WorkerMessage =
  | {
      type: 'ready';
      loadMs: number;
      memoryBytes: number;
      fromSnapshot: boolean;
      /** The worker restored a snapshot file of the cache folder. */
      fromFile: boolean;
    }
  | {
      type: 'snapshot';
      snapshot: Uint8Array | null;
      error?: string;
      /** The snapshot key (see snapshotKey) that a file of this snapshot is named after. */
      key?: string;
      /** The snapshot was read from the cache folder, so it need not be saved again. */
      fromFile?: boolean;
    }
  | { type: 'snapshot-file'; key: string; status: SnapshotFileStatus; reason?: string }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; resultJson: string; memoryBytes: number }
  | { type: 'crashed'; id: number; message: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string };
