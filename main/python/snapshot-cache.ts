/**
 * The pool's side of the snapshot files in the cache folder: it saves the snapshots that workers
 * take, removes files that failed, and logs each outcome. Workers read and check the file
 * themselves (worker.ts), so the main thread reads and hashes no file on the restore path.
 *
 * A failure here never fails an evaluation. Without a usable file, the first worker of a process
 * loads Pyodide the slow way (about 3 s instead of 0.3 s, measured by bench/python.ts).
 */

import { createLogger } from '../log.js';
import type { SnapshotFileStatus } from './protocol.js';
import {
  removeOtherSnapshots,
  removeSnapshotFile,
  snapshotFileName,
  writeSnapshotFile,
} from './snapshot-file.js';

const log = createLogger('python');

/** The snapshot files of one cache folder, as a pool uses them. */
export class SnapshotCache {
  // Writes and removals run one after the other, so that a removal queued after a worker
  // rejected a file cannot delete the file saved after it.
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly folder: string) {}

  /** Logs a worker's attempt to restore the snapshot file, and removes a file that failed. */
  onFileRead(key: string, status: SnapshotFileStatus, reason?: string): void {
    const fields = { file: snapshotFileName(key), folder: this.folder };
    switch (status) {
      case 'restored':
        log.debug('python snapshot restored from the cache', fields);
        return;
      case 'missing':
        log.info('python snapshot not in the cache, so Pyodide loads without it', fields);
        return;
      case 'invalid':
        log.warn('python snapshot in the cache is invalid, so Pyodide loads without it', {
          ...fields,
          reason,
        });
        break;
      case 'rejected':
        log.warn(
          'Pyodide failed to restore the python snapshot in the cache, so it loads without it',
          {
            ...fields,
            reason,
          },
        );
        break;
    }

    this.enqueue(
      () => removeSnapshotFile(this.folder, key),
      'python snapshot could not be removed from the cache',
    );
  }

  /** Queues saving a snapshot under its key and removing the files of other keys. */
  save(key: string, snapshot: Uint8Array): void {
    this.enqueue(async () => {
      const path = await writeSnapshotFile(this.folder, key, snapshot);
      log.debug('python snapshot saved to the cache', { path, bytes: snapshot.length });

      try {
        const removed = await removeOtherSnapshots(this.folder, key);
        if (removed.length > 0) {
          log.debug('python snapshots of other keys removed from the cache', { removed });
        }
      } catch (error) {
        log.warn('python snapshots of other keys could not be removed from the cache', {
          folder: this.folder,
          error,
        });
      }
    }, 'python snapshot could not be saved to the cache, so the next process loads Pyodide without it');
  }

  /** Resolves once every queued write and removal has finished; never rejects. */
  flush(): Promise<void> {
    return this.queue;
  }

  private enqueue(task: () => Promise<void>, failureEvent: string): void {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      log.warn(failureEvent, { folder: this.folder, error });
    });
  }
}
