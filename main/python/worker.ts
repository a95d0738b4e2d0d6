/**
 * A Python worker thread: loads Pyodide once, installs Stagecraft's Python packages into its
 * in-memory file system, then runs one evaluation per message.
 *
 * Limits set here:
 * - the WebAssembly memory cannot grow past `memoryLimitBytes`, so Python raises MemoryError;
 * - the `js` module is an empty object, so Python reaches none of this thread's globals;
 * - host folders cannot be mounted and packages cannot be loaded, because both would reach the
 *   disk or the network.
 * The Python side blocks the imports that lead to JavaScript.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

import type {
  HttpBridgeReply,
  HttpBridgeRequest,
  PoolMessage,
  WorkerConfig,
  WorkerMessage,
} from './protocol.js';
import {
  readSnapshotFile,
  snapshotFileName,
  snapshotKey,
  type SnapshotFileRead,
} from './snapshot-file.js';

/** Folder of the Python packages inside Pyodide's file system. */
const SANDBOX_PATH = '/lib/stagecraft';

/** Environment variables of Python. The snapshot key includes them, like the start-up code. */
const PYTHON_ENVIRONMENT = { HOME: '/home/pyodide', LANG: 'C.UTF-8' };

/** Python code that runs before the snapshot is taken, so every snapshot contains its imports. */
const STARTUP_PYTHON = [
  'import sys',
  `sys.path.insert(0, ${JSON.stringify(SANDBOX_PATH)})`,
  'from stagecraft_sim import models, runner, sandbox, transport_layer',
  'models.load_models()',
  'import requests, django.db.models, authentik.policies.types',
].join('\n');

const WASM_PAGE_BYTES = 65_536;

interface WasmMemory {
  buffer: ArrayBuffer;
}

interface WasmMemoryPrototype {
  grow(this: WasmMemory, pages: number): number;
}

interface PyodideFs {
  mkdirTree(path: string): void;
  writeFile(path: string, data: string): void;
  mount: unknown;
  filesystems: Record<string, unknown>;
}

interface PyodideRuntime {
  makeMemorySnapshot(): Uint8Array;
  FS: PyodideFs;
  /** Emscripten module; internal to Pyodide, read only to report the heap size. */
  _module?: { HEAPU8?: Uint8Array };
  runPython(code: string): unknown;
  globals: { get(name: string): unknown };
  setInterruptBuffer(buffer: Int32Array): void;
}

type EvaluateFunction = (requestJson: string) => string;

type LoadPyodide = (options: Record<string, unknown>) => Promise<unknown>;

interface StartedPython {
  evaluate: EvaluateFunction;
  /** Pyodide was restored from the snapshot file of the cache folder. */
  fromFile: boolean;
}

type HttpBridgeFunction = (requestJson: string) => string;

// How often a blocked bridge call wakes up to check the interrupt buffer, in ms.
const BRIDGE_POLL_MS = 50;

// Size of the WebAssembly memory after its last growth; 0 until it first grows.
let wasmMemoryBytes = 0;
let runtime: PyodideRuntime | null = null;

function memoryBytes(): number {
  return runtime?._module?.HEAPU8?.length ?? wasmMemoryBytes;
}

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

/**
 * Refuses WebAssembly memory growth past `limitBytes`. Emscripten's heap resize catches the
 * error and reports an allocation failure, which Python raises as MemoryError. Must run before
 * Pyodide creates its memory.
 */
function capWasmMemory(limitBytes: number): void {
  const prototype = (
    globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemoryPrototype } } }
  ).WebAssembly.Memory.prototype;
  // Read through the descriptor: the method is called later with a memory as `this`.
  const originalGrow = Object.getOwnPropertyDescriptor(prototype, 'grow')?.value as (
    this: WasmMemory,
    pages: number,
  ) => number;

  prototype.grow = function (this: WasmMemory, pages: number): number {
    const requested = this.buffer.byteLength + pages * WASM_PAGE_BYTES;
    if (requested > limitBytes) {
      throw new RangeError(`Python memory limit of ${limitBytes} bytes reached`);
    }

    const previous = originalGrow.call(this, pages);
    wasmMemoryBytes = this.buffer.byteLength;
    return previous;
  };
}

function listPythonFiles(root: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory() && entry.name !== '__pycache__') {
      files.push(...listPythonFiles(path));
    } else if (entry.isFile() && entry.name.endsWith('.py')) {
      files.push(path);
    }
  }

  return files;
}

/** Reads the sandbox's Python files, keyed by their path inside Pyodide's file system. */
function readSources(root: string): Map<string, string> {
  const sources = new Map<string, string>();
  for (const file of listPythonFiles(root)) {
    sources.set(
      `${SANDBOX_PATH}/${relative(root, file).split(sep).join('/')}`,
      readFileSync(file, 'utf8'),
    );
  }

  if (!sources.has(`${SANDBOX_PATH}/stagecraft_sim/runner.py`)) {
    throw new Error(
      `The sandbox's Python sources are missing under ${root} (no stagecraft_sim/runner.py). ` +
        `Pass the folder that contains main/python/py as pythonRoot.`,
    );
  }

  return sources;
}

function installSources(pyodide: PyodideRuntime, sources: Map<string, string>): void {
  for (const [target, text] of sources) {
    pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf('/')));
    pyodide.FS.writeFile(target, text);
  }
}

/** Replaces Pyodide API functions that could reach the disk, the network or JavaScript. */
function disableHostAccess(pyodide: PyodideRuntime): void {
  const api = pyodide as unknown as Record<string, unknown>;
  const blocked = (name: string) => () => {
    throw new Error(`${name} is disabled in the Stagecraft sandbox.`);
  };

  for (const name of [
    'loadPackage',
    'loadPackagesFromImports',
    'mountNodeFS',
    'mountNativeFS',
    'registerJsModule',
    'runPython',
    'runPythonAsync',
    'pyimport',
  ]) {
    api[name] = blocked(name);
  }

  pyodide.FS.mount = blocked('FS.mount');
  delete pyodide.FS.filesystems.NODEFS;
}

function bridgeError(code: string, message: string): string {
  return JSON.stringify({ ok: false, code, message });
}

/**
 * Creates the function Python's `requests` calls in `layer` mode. It posts the request to the
 * pool and blocks this thread until the pool's reply arrives, because Python calls it
 * synchronously. The wait ends early when the pool interrupts the evaluation (its timeout), so
 * that Python can raise KeyboardInterrupt. A reply that comes after its call gave up is dropped
 * by the next call, which only accepts its own id.
 */
function createHttpBridge(config: WorkerConfig, interrupt: Int32Array): HttpBridgeFunction {
  const signal = new Int32Array(config.httpSignal);
  const port = config.httpPort;
  let sequence = 0;

  return (requestJson: string): string => {
    sequence += 1;
    const id = sequence;
    Atomics.store(signal, 0, 0);
    port.postMessage({ id, requestJson } satisfies HttpBridgeRequest);

    const deadline = performance.now() + config.httpWaitMs;
    for (;;) {
      // Drain replies: the pool posts a reply before it sets the signal.
      for (let received = receiveMessageOnPort(port); received !== undefined;) {
        const reply = received.message as HttpBridgeReply;
        if (reply.id === id) {
          return reply.replyJson;
        }
        received = receiveMessageOnPort(port);
      }

      if (Atomics.load(interrupt, 0) !== 0) {
        return bridgeError('http-timeout', 'The evaluation was stopped while waiting for HTTP.');
      }
      if (performance.now() > deadline) {
        return bridgeError(
          'http-timeout',
          `The HTTP layer did not answer within ${config.httpWaitMs / 1000} s.`,
        );
      }

      Atomics.wait(signal, 0, 0, BRIDGE_POLL_MS);
      Atomics.store(signal, 0, 0);
    }
  };
}

/** Loads Pyodide from scratch (taking a snapshot or not) or from a snapshot. */
type PyodideStart = { restore: Uint8Array } | { makeSnapshot: boolean };

/** A snapshot file of the cache folder, being read and checked. */
interface SnapshotFile {
  key: string;
  read: Promise<SnapshotFileRead>;
}

// Pyodide derives its folder from the calling module's URL. That fails when the worker starts
// from evaluated code, so the folder of the installed package is passed explicitly.
function pyodidePackage(): { folder: string; version: string } {
  const require = createRequire(import.meta.url);
  const path = require.resolve('pyodide/package.json');
  return { folder: dirname(path) + sep, version: (require(path) as { version: string }).version };
}

/**
 * Loads Pyodide, installs the sources and runs the start-up code.
 * NOTE: `_loadSnapshot` and `_makeSnapshot` are experimental options of Pyodide 314.0.8. A
 * snapshot contains the Python heap only, so the sources are installed again after a restore.
 */
async function bootPyodide(
  loadPyodide: LoadPyodide,
  config: WorkerConfig,
  sources: Map<string, string>,
  start: PyodideStart,
): Promise<PyodideRuntime> {
  const pyodide = (await loadPyodide({
    indexURL: pyodidePackage().folder,
    ...('restore' in start ? { _loadSnapshot: start.restore } : {}),
    ...('makeSnapshot' in start && start.makeSnapshot ? { _makeSnapshot: true } : {}),
    // An empty, prototype-free object as `js`: Python code that imports it finds nothing.
    jsglobals: Object.create(null) as object,
    // A copy, because Pyodide adds its defaults to the object it gets.
    env: { ...PYTHON_ENVIRONMENT },
    stdin: () => null,
    stdout: (text: string) => post({ type: 'output', stream: 'stdout', text }),
    stderr: (text: string) => post({ type: 'output', stream: 'stderr', text }),
  })) as PyodideRuntime;

  pyodide.setInterruptBuffer(new Int32Array(config.interruptBuffer));
  installSources(pyodide, sources);
  pyodide.runPython(STARTUP_PYTHON);
  return pyodide;
}

/** Starts reading the snapshot file of the cache folder, when the pool gave one. */
function openSnapshotFile(config: WorkerConfig, sources: Map<string, string>): SnapshotFile | null {
  if (config.snapshotFolder === undefined || config.snapshot !== undefined) {
    return null;
  }

  const key = snapshotKey({
    pyodideVersion: pyodidePackage().version,
    sources,
    startupCode: `${JSON.stringify(PYTHON_ENVIRONMENT)}\n${STARTUP_PYTHON}`,
  });
  return { key, read: readSnapshotFile(join(config.snapshotFolder, snapshotFileName(key)), key) };
}

/**
 * Restores Pyodide from the snapshot file and sends that snapshot to the pool for its other
 * workers. Returns null when the file is missing, fails its checks or fails to restore; the
 * worker then loads Pyodide from scratch.
 */
async function restoreSnapshotFile(
  loadPyodide: LoadPyodide,
  config: WorkerConfig,
  sources: Map<string, string>,
  file: SnapshotFile,
): Promise<PyodideRuntime | null> {
  const read = await file.read;
  if (read.status === 'missing') {
    post({ type: 'snapshot-file', key: file.key, status: 'missing' });
    return null;
  }

  if (read.status === 'invalid') {
    post({ type: 'snapshot-file', key: file.key, status: 'invalid', reason: read.reason });
    return null;
  }

  let pyodide: PyodideRuntime;
  try {
    pyodide = await bootPyodide(loadPyodide, config, sources, { restore: read.snapshot });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    post({ type: 'snapshot-file', key: file.key, status: 'rejected', reason });
    return null;
  }

  post({ type: 'snapshot-file', key: file.key, status: 'restored' });
  // Pyodide copied the snapshot into its own memory, so the buffer can move to the pool.
  parentPort?.postMessage(
    {
      type: 'snapshot',
      snapshot: read.snapshot,
      key: file.key,
      fromFile: true,
    } satisfies WorkerMessage,
    [read.snapshot.buffer as ArrayBuffer],
  );
  return pyodide;
}

/**
 * Takes a snapshot and sends it to the pool. It runs before the first evaluation, because the
 * worker reads evaluation requests only after start-up, so the snapshot (which the pool may save
 * to disk) contains no request data. The worker gets no environment variables either.
 */
function sendSnapshot(pyodide: PyodideRuntime, key: string | undefined): void {
  try {
    const snapshot = pyodide.makeMemorySnapshot();
    parentPort?.postMessage(
      { type: 'snapshot', snapshot, ...(key !== undefined ? { key } : {}) } satisfies WorkerMessage,
      [snapshot.buffer as ArrayBuffer],
    );
  } catch (error) {
    // Without a snapshot the other workers start the slow way; this one is still usable.
    post({ type: 'snapshot', snapshot: null, error: String(error) });
  }
}

async function startPython(config: WorkerConfig): Promise<StartedPython> {
  // Read the sources first, so that a wrong pythonRoot fails before the slow Pyodide start.
  const sources = readSources(config.pythonRoot);
  const file = openSnapshotFile(config, sources);
  const { loadPyodide } = (await import('pyodide')) as unknown as { loadPyodide: LoadPyodide };

  let pyodide =
    file !== null ? await restoreSnapshotFile(loadPyodide, config, sources, file) : null;
  const fromFile = pyodide !== null;
  if (pyodide === null) {
    const makeSnapshot = config.makeSnapshot && config.snapshot === undefined;
    const start = config.snapshot !== undefined ? { restore: config.snapshot } : { makeSnapshot };
    pyodide = await bootPyodide(loadPyodide, config, sources, start);
    if (makeSnapshot) {
      sendSnapshot(pyodide, file?.key);
    }
  }

  runtime = pyodide;
  // A snapshot repeats the state of `random`, which Pyodide imports while it starts, so each
  // worker seeds it again from os.urandom.
  // NOTE: str hashes keep the hash secret of the snapshot, so set order repeats from process to
  // process, while CPython on an authentik server picks a new secret per process.
  pyodide.runPython('import random\nrandom.seed()\ndel random');

  // Installed after the snapshot: a snapshot cannot hold references to JavaScript functions.
  const transport = pyodide.globals.get('transport_layer') as {
    install(bridge: HttpBridgeFunction): void;
  };
  transport.install(createHttpBridge(config, new Int32Array(config.interruptBuffer)));

  const runner = pyodide.globals.get('runner') as { evaluate: EvaluateFunction };
  const evaluate = runner.evaluate;

  // One evaluation before lock-down imports everything an evaluation touches.
  evaluate(
    JSON.stringify({
      kind: 'policy',
      name: 'warm-up',
      expression: 'return True',
      context: {},
      user: null,
      directory: { users: [], groups: [], sources: [], connections: [] },
    }),
  );

  pyodide.runPython('sandbox.lock_down()\ndel models, runner, sandbox, transport_layer');
  disableHostAccess(pyodide);
  return { evaluate, fromFile };
}

async function main(): Promise<void> {
  const config = workerData as WorkerConfig;
  const port = parentPort;
  if (port === null) {
    throw new Error('The Python worker must run in a worker thread.');
  }

  capWasmMemory(config.memoryLimitBytes);
  const interrupt = new Int32Array(config.interruptBuffer);
  const started = performance.now();

  let python: StartedPython;
  try {
    python = await startPython(config);
  } catch (error) {
    post({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }

  post({
    type: 'ready',
    loadMs: performance.now() - started,
    memoryBytes: memoryBytes(),
    fromSnapshot: config.snapshot !== undefined || python.fromFile,
    fromFile: python.fromFile,
  });

  const evaluate = python.evaluate;

  port.on('message', (message: PoolMessage) => {
    if (message.type !== 'evaluate') {
      return;
    }

    // An interrupt meant for the previous evaluation may still be pending.
    Atomics.store(interrupt, 0, 0);
    try {
      const resultJson = evaluate(message.requestJson);
      post({ type: 'result', id: message.id, resultJson, memoryBytes: memoryBytes() });
    } catch (error) {
      // The runner reports every Python exception itself, so this is a fatal Pyodide error such
      // as a WebAssembly stack overflow. The interpreter cannot be used again.
      const text = error instanceof Error ? error.message : String(error);
      post({ type: 'crashed', id: message.id, message: text });
      port.close();
    }
  });
}

await main();
