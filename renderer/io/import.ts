/**
 * Importing blueprint files picked in the file input or dropped on the window. All files go in
 * one `blueprints.importFiles` call, which makes one undo step.
 */
import type { ImportSummary } from '../../shared/api/services.js';
import { FLOW_MODEL } from '../model/project-index.js';
import { reportError, reportInfo, withProgress } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';
import { client } from '../state/client.js';

/** Describes what an import did, for a toast. */
export function describeImport(summary: ImportSummary): string {
  const problems = summary.files.reduce((count, file) => count + file.problems.length, 0);
  const parts = [
    `Imported ${summary.files.length} ${summary.files.length === 1 ? 'file' : 'files'}`,
    `${summary.created} created, ${summary.updated} updated`,
  ];
  if (problems > 0) {
    parts.push(`${problems} ${problems === 1 ? 'problem' : 'problems'} (see the problems panel)`);
  }
  if (summary.droppedSecrets.length > 0) {
    const names = summary.droppedSecrets.map((secret) => secret.variable).join(', ');
    parts.push(`secrets not stored, set them as environment variables: ${names}`);
  }

  return `${parts.join('; ')}.`;
}

/** Reads files as text and imports them; opens the first flow the import added. */
export async function importFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) {
    return;
  }

  const title = files.length === 1 ? `Import ${files[0]?.name}` : `Import ${files.length} files`;
  await withProgress(title, async () => {
    const before = new Set(useProject.getState().index.flows.map((flow) => flow.uid));
    const payload = await Promise.all(
      files.map(async (file) => ({ name: file.name, text: await file.text() })),
    );

    let summary: ImportSummary;
    try {
      summary = await client().blueprints.importFiles({ files: payload });
    } catch (error) {
      reportError(title, error);
      return;
    }

    useProject.getState().load(summary.snapshot);
    reportInfo(describeImport(summary));

    const added = summary.snapshot.objects.find(
      (object) => object.model === FLOW_MODEL && !before.has(object.uid),
    );
    if (added !== undefined) {
      useUi.getState().setActiveFlow(added.uid);
    }
  });
}

/** Tells whether a drag carries files, as opposed to palette entries. */
export function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') === true;
}
