/**
 * Canvas commands shared by the mouse handlers, the keyboard shortcuts and the menus. Each one
 * turns the current state into changes and sends them as one undo step.
 */
import type { Change, Point } from '../../shared/model/changes.js';
import { ref } from '../../shared/model/values.js';
import { collapsePositions, copyNodes, duplicateNodes, pasteItems } from '../model/clipboard.js';
import { buildFlowDuplicate } from '../model/duplicate-flow.js';
import type { EditContext } from '../model/edits.js';
import {
  bindStage,
  bindSubject,
  createOnCanvas,
  deleteNodes,
  moveNode,
  newObject,
  placeExisting,
  randomUid,
  reorderBindings,
  shiftBinding,
} from '../model/edits.js';
import { layoutFlow } from '../model/flow-graph.js';
import { modelTitle } from '../model/names.js';
import {
  FLOW_MODEL,
  STAGE_BINDING_MODEL,
  isPolicySubjectModel,
  isStageModel,
} from '../model/project-index.js';
import { reportInfo } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';
import { useCanvas } from './canvas-store.js';
import type { NewNodePlace } from './place-new-node.js';
import { placeNewNode, revealPlace } from './place-new-node.js';

/** Builds the edit context from the current project and canvas. */
export function editContext(): EditContext {
  const { index, positions } = useProject.getState();

  return { index, positions, displayed: useCanvas.getState().displayed, newUid: randomUid };
}

async function send(changes: Change[], label: string, mergeKey?: string): Promise<boolean> {
  if (useProject.getState().readOnly) {
    reportInfo('The project is read-only; changes are not saved.');
    return false;
  }

  const options = mergeKey === undefined ? { label } : { label, mergeKey };

  return useProject.getState().apply(collapsePositions(changes), options);
}

function activeFlow(): string | null {
  const uid = useUi.getState().activeFlow;

  return uid !== null && useProject.getState().objects.has(uid) ? uid : null;
}

function select(uids: string[]): void {
  useUi.getState().setSelection(uids);
}

/** Tells what kind of object a canvas node draws: the flow, a binding, or an object to bind. */
function modelOfNode(uid: string): string | undefined {
  return useProject.getState().objects.get(uid)?.model;
}

/**
 * Binds an object to a canvas node: a stage to the flow, a policy, group or user to the flow or
 * a stage binding. Returns the changes, or undefined when the two cannot be bound.
 */
function bindChanges(
  context: EditContext,
  view: string,
  model: string,
  objectUid: string,
  targetUid: string,
): { changes: Change[]; created: string[] } | undefined {
  const targetModel = context.index.objects.get(targetUid)?.model;

  if (isStageModel(model) && targetModel === FLOW_MODEL && targetUid === view) {
    return bindStage(context, view, ref(objectUid));
  }

  if (
    isPolicySubjectModel(model) &&
    (targetModel === FLOW_MODEL || targetModel === STAGE_BINDING_MODEL)
  ) {
    return bindSubject(context, view, targetUid, model, ref(objectUid));
  }

  return undefined;
}

/** Tells whether dragging from `sourceUid` onto `targetUid` would bind something. */
export function canConnect(sourceUid: string, targetUid: string): boolean {
  const view = activeFlow();
  const model = modelOfNode(sourceUid);
  if (view === null || model === undefined) {
    return false;
  }

  return bindChanges(editContext(), view, model, sourceUid, targetUid) !== undefined;
}

/** Binds the object of a loose node to the flow or stage binding it was connected to. */
export async function connectNodes(sourceUid: string, targetUid: string): Promise<void> {
  const view = activeFlow();
  const model = modelOfNode(sourceUid);
  if (view === null || model === undefined) {
    return;
  }

  const bound = bindChanges(editContext(), view, model, sourceUid, targetUid);
  if (bound === undefined) {
    reportInfo(`A ${modelTitle(model)} cannot be bound there.`);
    return;
  }

  if (await send(bound.changes, `Bind ${modelTitle(model)}`)) {
    select(bound.created);
  }
}

/**
 * Adds a new object of `model` at `point` of the open flow's canvas. Dropped on the flow or on a
 * stage binding, it is bound there in the same step.
 */
export async function createAt(model: string, point: Point, dropTarget?: string): Promise<void> {
  const view = activeFlow();
  if (view === null) {
    reportInfo('Open or create a flow first.');
    return;
  }

  const context = editContext();
  const object = newObject(context.index, model, context.newUid());
  const create: Change = { kind: 'object.create', object };
  const bound =
    dropTarget === undefined
      ? undefined
      : bindChanges(context, view, model, object.uid, dropTarget);

  if (bound !== undefined) {
    if (await send([create, ...bound.changes], `Add ${modelTitle(model)}`)) {
      select(bound.created);
    }
    return;
  }

  const placed = createOnCanvas(context, view, model, point);
  if (await send(placed.changes, `Add ${modelTitle(model)}`)) {
    select(placed.created);
  }
}

/** Places an existing object on the open flow's canvas, or binds it to the drop target. */
export async function placeAt(uid: string, point: Point, dropTarget?: string): Promise<void> {
  const view = activeFlow();
  const model = modelOfNode(uid);
  if (view === null || model === undefined) {
    return;
  }

  const context = editContext();
  const bound =
    dropTarget === undefined ? undefined : bindChanges(context, view, model, uid, dropTarget);
  if (bound !== undefined) {
    if (await send(bound.changes, `Bind ${modelTitle(model)}`)) {
      select(bound.created);
    }
    return;
  }

  if (await send(placeExisting(context, view, uid, point), `Place ${modelTitle(model)}`)) {
    select([uid]);
  }
}

/**
 * Adds a new object from the palette without a pointer: a stage is bound at the end of the
 * flow; a policy, group or user is bound to the selected stage binding, or else to the flow.
 * The new node goes beside the selected node, or else at its usual place in the layout, moved to
 * a free spot in view. When no spot in view is free, the view pans to it.
 */
export async function addFromKeyboard(model: string): Promise<void> {
  const view = activeFlow();
  if (view === null) {
    reportInfo('Open or create a flow first.');
    return;
  }

  const context = editContext();
  const selected = useUi.getState().selection;
  const bindingTarget = selected.find((uid) => modelOfNode(uid) === STAGE_BINDING_MODEL);
  const target = isStageModel(model) ? view : (bindingTarget ?? view);
  const object = newObject(context.index, model, context.newUid());
  const bound = bindChanges(context, view, model, object.uid, target);
  if (bound === undefined) {
    reportInfo(`A ${modelTitle(model)} cannot be added to this flow from the palette.`);
    return;
  }

  const nodeUid = bound.created[0];
  const changes: Change[] = [{ kind: 'object.create', object }];
  let place: NewNodePlace | undefined;
  for (const change of bound.changes) {
    if (change.kind === 'position.set' && change.uid === nodeUid && change.after !== null) {
      place = placeNewNode(isStageModel(model) ? 'binding' : 'policy', change.after, selected);
      changes.push({ ...change, after: place.point });
    } else {
      changes.push(change);
    }
  }

  if (await send(changes, `Add ${modelTitle(model)}`)) {
    select(bound.created);
    if (place !== undefined) {
      revealPlace(place);
    }
  }
}

/** Deletes the selected nodes. */
export async function deleteSelection(): Promise<void> {
  const view = activeFlow();
  const selection = useUi.getState().selection;
  if (view === null || selection.length === 0) {
    return;
  }

  const changes = deleteNodes(editContext(), view, selection);
  if (await send(changes, selection.length === 1 ? 'Delete node' : 'Delete nodes')) {
    select([]);
  }
}

/** Copies the selected nodes to the canvas clipboard. */
export function copySelection(): void {
  const items = copyNodes(editContext(), useUi.getState().selection);
  if (items.length === 0) {
    return;
  }

  useUi.getState().setClipboard(items);
  reportInfo(`Copied ${items.length} ${items.length === 1 ? 'node' : 'nodes'}.`);
}

/** Pastes the canvas clipboard into the open flow, onto the selected stage binding if any. */
export async function pasteClipboard(): Promise<void> {
  const view = activeFlow();
  const { clipboard, selection } = useUi.getState();
  if (view === null || clipboard.length === 0) {
    return;
  }

  const target = selection.find((uid) => modelOfNode(uid) === STAGE_BINDING_MODEL) ?? view;
  const pasted = pasteItems(editContext(), view, clipboard, target);
  if (await send(pasted.changes, 'Paste')) {
    select(pasted.created);
  }
}

/** Duplicates the selected nodes, or the whole flow when its node is the only selection. */
export async function duplicateSelection(): Promise<void> {
  const view = activeFlow();
  const selection = useUi.getState().selection;
  if (view === null || selection.length === 0) {
    return;
  }

  if (selection.length === 1 && selection[0] === view) {
    await duplicateFlow(view);
    return;
  }

  const duplicated = duplicateNodes(editContext(), view, selection);
  if (await send(duplicated.changes, 'Duplicate')) {
    select(duplicated.created);
  }
}

/** Moves the selected stage binding one place earlier (-1) or later (+1) in its flow. */
export async function shiftSelection(delta: number): Promise<void> {
  const selection = useUi.getState().selection;
  const binding = selection.find((uid) => modelOfNode(uid) === STAGE_BINDING_MODEL);
  if (binding === undefined) {
    return;
  }

  await send(shiftBinding(editContext(), binding, delta), 'Reorder stages');
}

/** Lays out the open flow and stores every node's position, as one step. */
export async function autoLayout(): Promise<void> {
  const view = activeFlow();
  if (view === null) {
    return;
  }

  const { index, positions } = useProject.getState();
  const layout = layoutFlow(index, view, positions.get(view));
  const changes: Change[] = [];
  for (const [uid, point] of layout) {
    changes.push(...moveNode(positions, view, uid, point));
  }

  await send(changes, 'Auto-layout');
  useUi.getState().requestFit();
}

/**
 * Stores where dragged nodes were dropped. When a stage binding crossed another one, the flow's
 * stages are reordered to match the new top-to-bottom sequence instead.
 */
export async function finishDrag(moved: ReadonlyMap<string, Point>): Promise<void> {
  const view = activeFlow();
  if (view === null || moved.size === 0) {
    return;
  }

  const context = editContext();
  const bindings = context.index.stageBindings.get(view) ?? [];
  const current = bindings.map((binding) => binding.uid);
  const yOf = (uid: string): number => moved.get(uid)?.y ?? context.displayed.get(uid)?.y ?? 0;
  const sequence = [...current].sort((a, b) => yOf(a) - yOf(b));
  const reordered = sequence.some((uid, position) => uid !== current[position]);

  if (reordered && [...moved.keys()].some((uid) => current.includes(uid))) {
    const changes = reorderBindings(context, view, sequence);
    // Nodes dragged along that are not stage bindings stay where they were dropped.
    for (const [uid, point] of moved) {
      if (!current.includes(uid)) {
        changes.push(...moveNode(context.positions, view, uid, point));
      }
    }
    await send(changes, 'Reorder stages');
    return;
  }

  const changes: Change[] = [];
  for (const [uid, point] of moved) {
    changes.push(...moveNode(context.positions, view, uid, point));
  }
  await send(changes, moved.size === 1 ? 'Move node' : 'Move nodes');
}

/** Stores positions changed with the arrow keys; consecutive presses are one undo step. */
export async function finishKeyboardMove(moved: ReadonlyMap<string, Point>): Promise<void> {
  const view = activeFlow();
  if (view === null || moved.size === 0) {
    return;
  }

  const { positions } = useProject.getState();
  const changes: Change[] = [];
  for (const [uid, point] of moved) {
    changes.push(...moveNode(positions, view, uid, point));
  }

  await send(changes, 'Move nodes', `keyboard-move:${view}:${[...moved.keys()].sort().join(',')}`);
}

/** Creates a new flow and opens it. */
export async function createFlow(): Promise<void> {
  const context = editContext();
  const flow = newObject(context.index, FLOW_MODEL, context.newUid());
  const changes: Change[] = [
    { kind: 'object.create', object: flow },
    { kind: 'position.set', view: flow.uid, uid: flow.uid, before: null, after: { x: 0, y: 0 } },
  ];

  if (await send(changes, 'Add flow')) {
    useUi.getState().setActiveFlow(flow.uid);
    select([flow.uid]);
  }
}

/**
 * Duplicates a flow with its bindings and positions as one undo step, and opens the copy. The
 * copy binds the same stages and policies (see duplicate-flow.ts).
 */
export async function duplicateFlow(uid: string): Promise<void> {
  const duplicate = buildFlowDuplicate(editContext(), uid);
  if (duplicate === undefined) {
    return;
  }

  if (await send(duplicate.changes, 'Duplicate flow')) {
    useUi.getState().setActiveFlow(duplicate.flowUid);
    select([duplicate.flowUid]);
  }
}

/** Duplicates the open flow. */
export async function duplicateActiveFlow(): Promise<void> {
  const view = activeFlow();
  if (view === null) {
    reportInfo('Open a flow first.');
    return;
  }

  await duplicateFlow(view);
}

/** Deletes a flow with its bindings; its stages and policies stay in the project. */
export async function deleteFlow(uid: string): Promise<void> {
  const changes = deleteNodes(editContext(), uid, [uid]);
  if (await send(changes, 'Delete flow')) {
    const next = useProject.getState().index.flows[0]?.uid ?? null;
    useUi.getState().setActiveFlow(next);
  }
}

/** Sends changes made outside the canvas (the inspector) through the same path. */
export function sendChanges(changes: Change[], label: string, mergeKey?: string): Promise<boolean> {
  return send(changes, label, mergeKey);
}
