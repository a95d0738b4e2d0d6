/** The blueprint service: import from text, validation and export with a diff to the last one. */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute } from 'node:path';

import type {
  BlueprintService,
  ExportPreview,
  ExportSelection,
  ImportSummary,
} from '../../shared/api/services.js';
import { validateObjects } from '../../shared/blueprint/validate.js';
import { StagecraftError } from '../../shared/errors.js';
import type { ModelObject } from '../../shared/model/object.js';
import { exportObjects, selectFlowObjects } from '../blueprints/export.js';
import { importBlueprints } from '../blueprints/import.js';
import type { LoadedBlueprint } from '../blueprints/load.js';
import type { ProjectStore } from '../project/index.js';
import { createLogger } from '../log.js';
import { unifiedDiff } from './diff.js';
import type { AppEnvironment, NativeDialogs } from './environment.js';
import type { EventHub } from './events.js';
import { startProgress } from './events.js';
import { loadBlueprintText } from './import-text.js';
import { writeTextFile } from './json-file.js';
import { asyncMethod } from './method.js';
import type { ProjectSession } from './session.js';

const log = createLogger('services.blueprints');

/** Gives the transport a turn, so progress events go out before synchronous work blocks. */
function yieldToTransport(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Picks the objects of a selection: the chosen flows with what travels with them, plus uids. */
function selectObjects(objects: ModelObject[], selection: ExportSelection): ModelObject[] {
  const flows = selection.flows ?? [];
  const uids = selection.uids ?? [];
  if (flows.length === 0 && uids.length === 0) {
    return objects;
  }

  const chosen = new Set(selectFlowObjects(objects, flows).map((object) => object.uid));
  const known = new Set(objects.map((object) => object.uid));
  for (const uid of uids) {
    if (!known.has(uid)) {
      throw new StagecraftError(
        'invalid-argument',
        `blueprints export: the project has no object with uid ${uid}. Refresh the selection.`,
        { service: 'blueprints', field: 'uids', uid },
      );
    }
    chosen.add(uid);
  }

  return objects.filter((object) => chosen.has(object.uid));
}

function checkExportPath(path: string): void {
  if (!isAbsolute(path)) {
    throw new StagecraftError(
      'invalid-argument',
      `blueprints.writeExport: path must be absolute, but is "${path}".`,
      { service: 'blueprints', method: 'writeExport', field: 'path', expected: 'an absolute path' },
    );
  }

  // authentik discovers only *.yaml files in its blueprints folder.
  if (extname(path).toLowerCase() !== '.yaml') {
    throw new StagecraftError(
      'invalid-argument',
      `Cannot export to ${basename(path)}: authentik reads blueprints only from .yaml files. ` +
        `Use ${basename(path, extname(path))}.yaml.`,
      { service: 'blueprints', method: 'writeExport', field: 'path', expected: 'a .yaml file' },
    );
  }

  if (!existsSync(dirname(path))) {
    throw new StagecraftError(
      'write-failed',
      `Cannot export to ${path}: the folder ${dirname(path)} does not exist.`,
      { path },
    );
  }
}

/** Creates the blueprint service of one window. */
export function createBlueprintService(
  environment: AppEnvironment,
  session: ProjectSession,
  events: EventHub,
  dialogs: NativeDialogs | undefined,
): BlueprintService {
  const buildExport = (store: ProjectStore, selection: ExportSelection): ExportPreview => {
    const objects = store.listObjects();
    const selected = selectObjects(objects, selection);
    const name = selection.name ?? store.info().name;
    const result = exportObjects(selected, objects, {
      name,
      file: `${name}.yaml`,
      allowErrors: true,
    });

    const last = environment.exports.get(store.path, selection);
    const diffToLast =
      last === undefined
        ? null
        : unifiedDiff(last.text, result.text, {
            before: `last export (${last.exportedAt})`,
            after: 'this export',
          });

    return { ...result, diffToLast };
  };

  return {
    async importFiles({ files }) {
      const store = session.require('import blueprints');
      const title =
        files.length === 1 ? `Import ${files[0]!.name}` : `Import ${files.length} files`;
      const progress = startProgress(events, title, files.length + 1);
      const version = store.info().authentikVersion;

      try {
        // Every file is read and validated before the project changes, so one bad file leaves
        // the project untouched.
        const loaded: LoadedBlueprint[] = [];
        for (const [index, file] of files.entries()) {
          progress.step(`Reading ${file.name}`, index);
          await yieldToTransport();
          loaded.push(loadBlueprintText(file, version));
        }

        progress.step('Saving the imported objects', files.length);
        await yieldToTransport();
        const report = importBlueprints(store, loaded);
        const result = session.recordEdit([]);
        log.info('blueprints imported', {
          path: store.path,
          files: files.map((file) => file.name),
          created: report.created,
          updated: report.updated,
          revision: result.revision,
        });

        const summary: ImportSummary = {
          files: loaded.map((file, index) => ({
            name: file.path,
            entries: report.files[index]?.entries ?? 0,
            problems: file.problems,
          })),
          created: report.created,
          updated: report.updated,
          droppedSecrets: report.droppedSecrets,
          snapshot: session.snapshot(),
        };
        return summary;
      } finally {
        progress.finish('Done');
      }
    },

    validateProject: asyncMethod(() => {
      const store = session.require('validate the project');
      return validateObjects(store.listObjects(), {
        authentikVersion: store.info().authentikVersion,
      });
    }),

    previewExport: asyncMethod((selection: ExportSelection) =>
      buildExport(session.require('preview an export'), selection),
    ),

    async writeExport(args) {
      const { path: requestedPath, allowErrors, ...selection } = args;
      const store = session.require('export');
      const preview = buildExport(store, selection);

      const errors = preview.problems.filter((problem) => problem.severity === 'error');
      if (errors.length > 0 && allowErrors !== true) {
        throw new StagecraftError(
          'blueprint-invalid',
          `The exported blueprint would not import: ${errors[0]!.message} (${errors.length} ` +
            'error(s)). Fix the project, or export with allowErrors.',
          { problems: preview.problems },
        );
      }

      let path = requestedPath ?? null;
      if (path === null && dialogs !== undefined) {
        path = await dialogs.chooseExportPath(`${selection.name ?? store.info().name}.yaml`);
        if (path === null) {
          // The user cancelled the save dialog: nothing was exported.
          return { path: null, text: preview.text };
        }
      }

      if (path !== null) {
        checkExportPath(path);
        writeTextFile(path, preview.text);
        log.info('blueprint exported', { project: store.path, path, objects: preview.objectCount });
      }

      // Without a path (web mode) the text goes to a download, which counts as an export too.
      environment.exports.put(store.path, selection, {
        text: preview.text,
        path,
        exportedAt: new Date().toISOString(),
      });
      return { path, text: preview.text };
    },
  };
}
