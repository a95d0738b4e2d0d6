/**
 * A pool of Pyodide worker threads that run authentik expressions.
 *
 * Loading starts when the pool is created. The first worker loads Pyodide (2 to 5 s measured by
 * bench/python.ts on 2 cores) and takes a memory snapshot, and the other workers and every
 * replacement restore that snapshot (about 0.3 s). Requests queue until a worker is free.
 * The snapshot is also saved in the cache folder (`cacheDir`), so the first worker of the next
 * process restores it instead of loading Pyodide (snapshot-cache.ts).
 *
 * Runaway code: after `timeoutMs` the pool sets the worker's interrupt buffer, and Python raises
 * KeyboardInterrupt at the next bytecode boundary. The result then has `timedOut: true`. Some
 * code never reaches such a boundary (`time.sleep`, a C-level wait, a handler that swallows the
 * interrupt), so the worker is terminated after `graceMs` and a replacement loads in the
 * background.
 *
 * Memory: Python's heap (the WebAssembly memory) is capped per worker by `memoryLimitMb`, and
 * allocations past it raise MemoryError inside the expression. The worker's JavaScript heap is
 * capped by `heapLimitMb` through `resourceLimits`. WebAssembly memory never shrinks, so a worker
 * whose memory grew past `recycleAboveMb` is replaced after its evaluation.
 * NOTE: not capped is the rest of a worker's memory: compiled WebAssembly code, the thread's
 * stacks and Node's own per-thread memory. bench/python.ts measures a loaded worker at about
 * 150 MiB of process RSS in total, of which about 30 MiB is the Python heap.
 *
 * Workers keep the process alive until `close()` is called.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

import { StagecraftError } from '../../shared/errors.js';
import type { HttpSender } from '../../shared/http/exchange.js';
import {
  DEFAULT_EVALUATION_TIMEOUT_MS,
  type EvaluationRequest,
  type EvaluationResult,
} from '../../shared/simulator/evaluation.js';
import { answerBridgeRequest } from '../http/bridge.js';
import { createLogger } from '../log.js';
import { defaultCacheDir } from './cache-dir.js';
import type {
  HttpBridgeReply,
  HttpBridgeRequest,
  PoolMessage,
  WorkerConfig,
  WorkerMessage,
} from './protocol.js';
import { SnapshotCache } from './snapshot-cache.js';
import { workerEntry } from './worker-entry.js';

const log = createLogger('python');

/** Settings of a Python pool. */
export interface PythonPoolOptions {
  /** Number of worker threads. Default 2. */
  size?: number;
  /** Cap of each worker's Python heap (WebAssembly memory), in MiB. Default 1024. */
  memoryLimitMb?: number;
  /** Cap of each worker's JavaScript heap, in MiB. Default 256. */
  heapLimitMb?: number;
  /** Replace a worker after an evaluation that left its Python heap above this, in MiB. Default 512. */
  recycleAboveMb?: number;
  /** Time to wait after the interrupt before terminating the worker, in ms. Default 1000. */
  graceMs?: number;
  /** Folder of the Python packages. Default: `py/` next to this module. */
  pythonRoot?: string;
  /**
   * Folder where the interpreter's memory snapshot is kept between processes, or null to keep
   * it in memory only. Default: defaultCacheDir().
   */
  cacheDir?: string | null;
  /**
   * The destination of `requests` calls of evaluations with `http.mode: 'layer'`, usually an HttpLayer
   * (live, record or replay). Python blocks until it responds. Without it, such calls raise
   * ConnectionError. Evaluations in `replay` mode never reach it.
   */
  http?: HttpSender;
  /**
   * How long a worker waits for the HTTP layer's response, in ms. Default 330000: longer than
   * the layer's own longest timeouts, so that the layer reports its timeout first.
   */
  httpWaitMs?: number;
}

/** Counters of a pool, for diagnostics and benchmarks. */
export interface PythonPoolStats {
  workers: number;
  idle: number;
  busy: number;
  loading: number;
  queued: number;
  /** Workers replaced after a timeout, a crash or memory growth. */
  replaced: number;
  /** Load times of the most recent worker starts (at most 20), oldest first. */
  loads: { loadMs: number; fromSnapshot: boolean; fromFile: boolean }[];
}

interface Job {
  id: number;
  request: EvaluationRequest;
  /** The destination of this job's `requests` calls in `layer` mode, before the pool's own. */
  http: HttpSender | undefined;
  timeoutMs: number;
  resolve: (result: EvaluationResult) => void;
  reject: (error: Error) => void;
  startedAt: number;
  timers: NodeJS.Timeout[];
}

interface Slot {
  worker: Worker;
  interrupt: Int32Array;
  /** The pool's end of the HTTP bridge channel and the signal set after each reply. */
  httpPort: MessagePort;
  httpSignal: Int32Array;
  state: 'loading' | 'idle' | 'busy' | 'gone';
  job: Job | null;
  makesSnapshot: boolean;
  /** Key of the snapshot file that the worker restored from the cache folder. */
  restoredFileKey?: string;
}

// A worker that failed to load this many times in a row stops the pool from retrying.
const MAX_LOAD_FAILURES = 3;

const MIB = 1024 * 1024;

// The HTTP layer caps connect at 120 s and headers and body pauses at 300 s each. This default
// is longer, so the layer times out and reports first unless a body keeps trickling in.
const DEFAULT_HTTP_WAIT_MS = 330_000;

function defaultPythonRoot(): string {
  return fileURLToPath(new URL('./py/', import.meta.url));
}

function emptyResult(startedAt: number): Omit<EvaluationResult, 'passing' | 'messages'> {
  return { events: [], logs: [], effects: [], http: [], durationMs: performance.now() - startedAt };
}

/** Runs evaluation requests on a pool of Pyodide workers. */
export class PythonPool {
  /**
   * Resolves once as many workers as the pool's size have loaded Pyodide; rejects when Pyodide
   * cannot be loaded (after repeated failures).
   */
  readonly ready: Promise<void>;

  private readonly size: number;
  private readonly memoryLimitBytes: number;
  private readonly heapLimitMb: number;
  private readonly recycleAboveBytes: number;
  private readonly graceMs: number;
  private readonly pythonRoot: string;
  private readonly http: HttpSender | undefined;
  private readonly httpWaitMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextJobId = 1;
  private loadFailures = 0;
  private replaced = 0;
  private closed = false;
  private unavailable: Error | null = null;
  private readyWorkers = 0;
  // Memory snapshot of a started interpreter, taken by the first worker. Every later worker
  // restores it.
  private snapshot: Uint8Array | null = null;
  private snapshotRequested = false;
  private readonly snapshotCache: SnapshotCache | null;
  // Initial workers that wait for the snapshot: on few cores, starting them together with the
  // first worker makes every one of them slower than a start after it plus a restore.
  private pendingStarts = 0;
  private readonly loads: PythonPoolStats['loads'] = [];
  private resolveReady: () => void = () => undefined;
  private rejectReady: (error: Error) => void = () => undefined;

  constructor(options: PythonPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? 2));
    this.memoryLimitBytes = (options.memoryLimitMb ?? 1024) * MIB;
    this.heapLimitMb = options.heapLimitMb ?? 256;
    this.recycleAboveBytes = (options.recycleAboveMb ?? 512) * MIB;
    this.graceMs = options.graceMs ?? 1000;
    this.pythonRoot = options.pythonRoot ?? defaultPythonRoot();
    const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
    this.snapshotCache = cacheDir === null ? null : new SnapshotCache(cacheDir);
    this.http = options.http;
    this.httpWaitMs = options.httpWaitMs ?? DEFAULT_HTTP_WAIT_MS;

    if (!existsSync(this.pythonRoot)) {
      throw new StagecraftError(
        'python-unavailable',
        `The sandbox's Python sources are missing at ${this.pythonRoot}. Copy main/python/py ` +
          `next to the compiled pool, or pass pythonRoot.`,
        { pythonRoot: this.pythonRoot },
      );
    }

    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Callers may never await `ready`; a load failure then surfaces through evaluate().
    this.ready.catch(() => undefined);

    this.slots.push(this.startWorker());
    this.pendingStarts = this.size - 1;
  }

  /** The pool sends `layer`-mode `requests` calls to `options.http` while Python waits. */
  readonly bridgesHttp = true;

  /**
   * Runs one evaluation. The `requests` calls of a `layer`-mode evaluation go to `options.http`,
   * or to the pool's `http` option without it. Rejects only when the pool is closed or Python
   * cannot load.
   */
  evaluate(
    request: EvaluationRequest,
    options: { http?: HttpSender } = {},
  ): Promise<EvaluationResult> {
    if (this.closed) {
      return Promise.reject(
        new StagecraftError('python-pool-closed', 'The Python pool is closed.'),
      );
    }

    if (this.unavailable !== null) {
      return Promise.reject(this.unavailable);
    }

    return new Promise((resolve, reject) => {
      this.queue.push({
        id: this.nextJobId++,
        request,
        http: options.http,
        timeoutMs: request.timeoutMs ?? DEFAULT_EVALUATION_TIMEOUT_MS,
        resolve,
        reject,
        startedAt: 0,
        timers: [],
      });
      this.dispatch();
    });
  }

  /** Returns the pool's counters. */
  stats(): PythonPoolStats {
    const count = (state: Slot['state']) =>
      this.slots.filter((slot) => slot.state === state).length;

    return {
      workers: this.slots.length,
      idle: count('idle'),
      busy: count('busy'),
      loading: count('loading'),
      queued: this.queue.length,
      replaced: this.replaced,
      loads: [...this.loads],
    };
  }

  /** Stops every worker; queued and running evaluations are rejected. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }

    this.closed = true;
    const error = new StagecraftError('python-pool-closed', 'The Python pool was closed.');
    for (const job of this.queue.splice(0)) {
      job.reject(error);
    }

    const workers = this.slots.map((slot) => {
      const job = slot.job;
      if (job !== null) {
        this.finishJob(slot);
        job.reject(error);
      }

      slot.state = 'gone';
      slot.httpPort.close();
      return slot.worker.terminate();
    });
    await Promise.all(workers);
    // A process that exits right after close() still finds the snapshot file next time.
    await this.snapshotCache?.flush();
    log.info('pool closed', { workers: workers.length });
  }

  private startWorker(): Slot {
    const interruptBuffer = new SharedArrayBuffer(4);
    const makeSnapshot = this.snapshot === null && !this.snapshotRequested;
    this.snapshotRequested ||= makeSnapshot;
    const channel = new MessageChannel();
    const httpSignal = new SharedArrayBuffer(4);
    const config: WorkerConfig = {
      pythonRoot: this.pythonRoot,
      memoryLimitBytes: this.memoryLimitBytes,
      interruptBuffer,
      makeSnapshot,
      httpPort: channel.port2,
      httpSignal,
      httpWaitMs: this.httpWaitMs,
      ...(this.snapshot !== null ? { snapshot: this.snapshot } : {}),
      ...(makeSnapshot && this.snapshotCache !== null
        ? { snapshotFolder: this.snapshotCache.folder }
        : {}),
    };
    const { entry, eval: isEval } = workerEntry();
    const worker = new Worker(entry, {
      eval: isEval,
      workerData: config,
      transferList: [channel.port2],
      // The worker gets no environment variables, so Python cannot read secrets from them.
      env: {},
      resourceLimits: { maxOldGenerationSizeMb: this.heapLimitMb },
    });

    const slot: Slot = {
      worker,
      interrupt: new Int32Array(interruptBuffer),
      httpPort: channel.port1,
      httpSignal: new Int32Array(httpSignal),
      state: 'loading',
      job: null,
      makesSnapshot: makeSnapshot,
    };

    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message));
    channel.port1.on('message', (message: HttpBridgeRequest) => {
      void this.onHttpRequest(slot, message);
    });
    worker.on('error', (error) => {
      log.error('python worker failed', { error, state: slot.state });
      if (slot.state === 'loading') {
        this.onLoadFailed(slot, error.message);
        return;
      }

      this.onWorkerLost(slot, error.message);
    });
    worker.on('exit', (code) => {
      if (slot.state === 'gone') {
        return;
      }

      if (slot.state === 'loading') {
        this.onLoadFailed(slot, `the worker exited with code ${code} while loading`);
        return;
      }

      this.onWorkerLost(slot, `the worker exited with code ${code}`);
    });

    log.debug('python worker starting', { pythonRoot: this.pythonRoot });
    return slot;
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.loadFailures = 0;
        slot.state = 'idle';
        log.debug('python worker ready', {
          loadMs: Math.round(message.loadMs),
          memoryMb: message.memoryBytes / MIB,
          fromSnapshot: message.fromSnapshot,
          fromFile: message.fromFile,
        });
        this.loads.push({
          loadMs: message.loadMs,
          fromSnapshot: message.fromSnapshot,
          fromFile: message.fromFile,
        });
        this.loads.splice(0, Math.max(0, this.loads.length - 20));
        this.readyWorkers += 1;
        if (this.readyWorkers >= this.size) {
          this.resolveReady();
        }

        this.dispatch();
        return;
      case 'snapshot':
        if (message.snapshot === null) {
          log.warn('python snapshot failed; workers start without it', { error: message.error });
        }

        this.snapshot = message.snapshot;
        if (message.snapshot !== null && message.key !== undefined && message.fromFile !== true) {
          this.snapshotCache?.save(message.key, message.snapshot);
        }

        this.startPending();
        return;
      case 'snapshot-file':
        this.snapshotCache?.onFileRead(message.key, message.status, message.reason);
        if (message.status === 'restored') {
          slot.restoredFileKey = message.key;
        }

        return;
      case 'load-failed':
        this.onLoadFailed(slot, message.message);
        return;
      case 'result':
        this.onResult(slot, message.id, message.resultJson, message.memoryBytes);
        return;
      case 'crashed':
        this.onWorkerLost(slot, message.message);
        return;
      case 'output':
        log.debug('python output', { stream: message.stream, text: message.text.slice(0, 500) });
        return;
    }
  }

  /**
   * Performs a `requests` call of the running evaluation and posts the reply to the blocked
   * worker. Only an evaluation in `layer` mode may reach the HTTP layer, so a replay-only
   * evaluation cannot reach the network even through the bridge function itself.
   */
  private async onHttpRequest(slot: Slot, message: HttpBridgeRequest): Promise<void> {
    const mode = slot.job?.request.http?.mode;
    const sender = mode === 'layer' ? (slot.job?.http ?? this.http) : undefined;
    const reason =
      mode === 'layer'
        ? 'The Python pool has no HTTP layer (PythonPoolOptions.http), so live requests are ' +
          'not possible; replay recorded responses instead.'
        : 'This evaluation replays recorded responses only; set http.mode to "layer" to send ' +
          'requests through the HTTP layer.';
    const replyJson = await answerBridgeRequest(sender, message.requestJson, reason);
    if (slot.state === 'gone') {
      return;
    }

    slot.httpPort.postMessage({ id: message.id, replyJson } satisfies HttpBridgeReply);
    Atomics.store(slot.httpSignal, 0, 1);
    Atomics.notify(slot.httpSignal, 0);
  }

  private onResult(slot: Slot, id: number, resultJson: string, memoryBytes: number): void {
    const job = slot.job;
    if (job === null || job.id !== id) {
      return;
    }

    this.finishJob(slot);
    job.resolve(JSON.parse(resultJson) as EvaluationResult);

    if (memoryBytes > this.recycleAboveBytes) {
      log.info('python worker replaced after memory growth', { memoryMb: memoryBytes / MIB });
      this.replaceSlot(slot);
      return;
    }

    slot.state = 'idle';
    this.dispatch();
  }

  private finishJob(slot: Slot): void {
    const job = slot.job;
    if (job === null) {
      return;
    }

    for (const timer of job.timers) {
      clearTimeout(timer);
    }

    slot.job = null;
  }

  private onLoadFailed(slot: Slot, message: string): void {
    this.loadFailures += 1;
    if (slot.makesSnapshot && this.snapshot === null) {
      this.snapshotRequested = false;
    }

    // A snapshot file that restores but leaves the worker unable to start would fail every later
    // process too, so it is removed and the next worker loads Pyodide and takes a new snapshot.
    if (slot.restoredFileKey !== undefined) {
      this.snapshotCache?.onFileRead(slot.restoredFileKey, 'rejected', message);
      this.snapshot = null;
      this.snapshotRequested = false;
    }

    log.error('python worker could not load', { message, failures: this.loadFailures });
    this.removeSlot(slot);
    void slot.worker.terminate();

    if (
      this.loadFailures >= MAX_LOAD_FAILURES ||
      this.slots.every((other) => other.state === 'gone')
    ) {
      this.unavailable = new StagecraftError(
        'python-unavailable',
        `The Python worker failed to start ${this.loadFailures} times in a row. Last error: ` +
          `${message}`,
      );
      this.rejectReady(this.unavailable);
      for (const job of this.queue.splice(0)) {
        job.reject(this.unavailable);
      }

      return;
    }

    this.slots.push(this.startWorker());
  }

  private startPending(): void {
    while (this.pendingStarts > 0 && !this.closed) {
      this.pendingStarts -= 1;
      this.slots.push(this.startWorker());
    }
  }

  private onWorkerLost(slot: Slot, reason: string): void {
    const job = slot.job;
    if (job !== null) {
      this.finishJob(slot);
      const message = `The Python worker stopped unexpectedly (${reason}); the evaluation was not completed.`;
      job.resolve({
        passing: false,
        messages: [message],
        error: { type: 'WorkerCrashed', message, traceback: '' },
        ...emptyResult(job.startedAt),
      });
    }

    log.error('python worker lost', { reason });
    this.replaceSlot(slot);
  }

  private removeSlot(slot: Slot): void {
    slot.state = 'gone';
    slot.httpPort.close();
    const index = this.slots.indexOf(slot);
    if (index >= 0) {
      this.slots.splice(index, 1);
    }
  }

  private replaceSlot(slot: Slot): void {
    this.removeSlot(slot);
    void slot.worker.terminate();
    this.replaced += 1;

    if (!this.closed) {
      this.slots.push(this.startWorker());
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) {
        return;
      }

      if (slot.state !== 'idle') {
        continue;
      }

      const job = this.queue.shift();
      if (job !== undefined) {
        this.run(slot, job);
      }
    }
  }

  private run(slot: Slot, job: Job): void {
    slot.state = 'busy';
    slot.job = job;
    job.startedAt = performance.now();
    job.timers.push(setTimeout(() => this.interrupt(slot, job), job.timeoutMs));

    const message: PoolMessage = {
      type: 'evaluate',
      id: job.id,
      requestJson: JSON.stringify(job.request),
    };
    slot.worker.postMessage(message);
  }

  private interrupt(slot: Slot, job: Job): void {
    if (slot.job !== job) {
      return;
    }

    // 2 is SIGINT: Pyodide raises KeyboardInterrupt, which the runner reports as a timeout.
    Atomics.store(slot.interrupt, 0, 2);
    log.warn('python evaluation interrupted after timeout', {
      name: job.request.name,
      timeoutMs: job.timeoutMs,
    });
    job.timers.push(setTimeout(() => this.terminate(slot, job), this.graceMs));
  }

  private terminate(slot: Slot, job: Job): void {
    if (slot.job !== job) {
      return;
    }

    this.finishJob(slot);
    const seconds = job.timeoutMs / 1000;
    const message =
      `The expression ran longer than ${seconds} s and did not stop when interrupted (for ` +
      `example inside time.sleep); its Python worker was stopped and replaced.`;
    job.resolve({
      passing: false,
      messages: [message],
      error: { type: 'Timeout', message, traceback: '' },
      timedOut: true,
      ...emptyResult(job.startedAt),
    });
    log.warn('python worker terminated after timeout', { name: job.request.name });
    this.replaceSlot(slot);
  }
}

/** Creates a pool and starts loading its workers in the background. */
export function createPythonPool(options: PythonPoolOptions = {}): PythonPool {
  return new PythonPool(options);
}
