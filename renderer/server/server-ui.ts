/**
 * Helpers of the server dialog: error text, the selection of the open flow, and how the dialog
 * runs one call at a time with its error shown where it happened.
 */
import { isStagecraftError } from '../../shared/errors.js';
import type { ServerSelection } from '../../shared/server/service.js';
import { fieldValue } from '../model/project-index.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';

/** What a diff or push sends from the renderer's point of view. */
export type Scope = 'flow' | 'project';

/** Formats an error for the dialog, with its code so that a report can name it. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);

  return isStagecraftError(error) ? `${error.code}: ${message}` : message;
}

/** Returns the slug of the flow open on the canvas, or undefined. */
export function openFlowSlug(): string | undefined {
  const uid = useUi.getState().activeFlow;
  const flow = uid === null ? undefined : useProject.getState().objects.get(uid);
  const slug = flow === undefined ? undefined : fieldValue(flow, 'slug');

  return typeof slug === 'string' && slug !== '' ? slug : undefined;
}

/** Builds the selection of a scope: the open flow with what travels with it, or everything. */
export function selectionOf(scope: Scope): ServerSelection {
  const slug = openFlowSlug();

  return scope === 'flow' && slug !== undefined ? { flows: [slug] } : {};
}
