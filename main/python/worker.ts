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
import { parentPort, workerData } from 'node:worker_threads';

import type { PoolMessage, WorkerConfig, WorkerMessage } from './protocol.js';

/** Folder of the Python packages inside Pyodide's file system. */
const SANDBOX_PATH = '/lib/stagecraft';

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

async function startPython(config: WorkerConfig): Promise<EvaluateFunction> {
  // Read the sources first, so that a wrong pythonRoot fails before the slow Pyodide start.
  const sources = readSources(config.pythonRoot);
  const { loadPyodide } = await import('pyodide');
  // Pyodide derives its folder from the calling module's URL. That fails when the worker starts
  // from evaluated code, so the folder of the installed package is passed explicitly.
  const pyodidePackage = createRequire(import.meta.url).resolve('pyodide/package.json');
  // NOTE: `_loadSnapshot` and `_makeSnapshot` are experimental options of Pyodide 314.0.8. A
  // snapshot contains the Python heap only, so the sources are installed again after a restore.
  const pyodide = (await loadPyodide({
    indexURL: dirname(pyodidePackage) + sep,
    ...(config.snapshot !== undefined ? { _loadSnapshot: config.snapshot } : {}),
    ...(config.makeSnapshot && config.snapshot === undefined ? { _makeSnapshot: true } : {}),
    // An empty, prototype-free object as `js`: Python code that imports it finds nothing.
    jsglobals: Object.create(null) as object,
    env: { HOME: '/home/pyodide', LANG: 'C.UTF-8' },
    stdin: () => null,
    stdout: (text: string) => post({ type: 'output', stream: 'stdout', text }),
    stderr: (text: string) => post({ type: 'output', stream: 'stderr', text }),
  })) as unknown as PyodideRuntime;

  runtime = pyodide;
  pyodide.setInterruptBuffer(new Int32Array(config.interruptBuffer));
  installSources(pyodide, sources);
  pyodide.runPython(
    [
      'import sys',
      `sys.path.insert(0, ${JSON.stringify(SANDBOX_PATH)})`,
      'from stagecraft_sim import models, runner, sandbox',
      'models.load_models()',
      'import requests, django.db.models, authentik.policies.types',
    ].join('\n'),
  );

  if (config.makeSnapshot && config.snapshot === undefined) {
    try {
      const snapshot = pyodide.makeMemorySnapshot();
      parentPort?.postMessage({ type: 'snapshot', snapshot } satisfies WorkerMessage, [
        snapshot.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      // Without a snapshot the other workers start the slow way; this one is still usable.
      post({ type: 'snapshot', snapshot: null, error: String(error) });
    }
  }

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

  pyodide.runPython('sandbox.lock_down()\ndel models, runner, sandbox');
  disableHostAccess(pyodide);
  return evaluate;
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

  let evaluate: EvaluateFunction;
  try {
    evaluate = await startPython(config);
  } catch (error) {
    post({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }

  post({
    type: 'ready',
    loadMs: performance.now() - started,
    memoryBytes: memoryBytes(),
    fromSnapshot: config.snapshot !== undefined,
  });

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
