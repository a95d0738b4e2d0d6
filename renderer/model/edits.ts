/**
 * Edits of the canvas as lists of project changes: placing new objects, binding stages and
 * policies, reordering, moving and deleting. Each function only computes changes, so one user
 * action becomes one `project.apply` call and one undo step.
 */
import type { Change, FieldSection, FieldSetChange, Point } from '../../shared/model/changes.js';
import { valuesEqual } from '../../shared/model/equal.js';
import { getModelFacts } from '../../shared/model/fields.js';
import { naturalKeyOf } from '../../shared/model/natural-key.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { isRef, ref } from '../../shared/model/values.js';
import { LAYOUT } from './flow-graph.js';
import { modelTitle } from './names.js';
import { nextOrder, renumber } from './order.js';
import type { ProjectIndex } from './project-index.js';
import {
  FLOW_MODEL,
  POLICY_BINDING_MODEL,
  STAGE_BINDING_MODEL,
  fieldValue,
  orderOf,
  referencedUid,
  subjectFieldFor,
  subjectFieldOf,
} from './project-index.js';

/** Canvas positions of every view: flow uid, then node uid. */
export type ViewPositions = ReadonlyMap<string, ReadonlyMap<string, Point>>;

/** The inputs of an edit: the project, stored positions, drawn positions and a uid source. */
export interface EditContext {
  index: ProjectIndex;
  positions: ViewPositions;
  /** The drawn position of each node of the current view (stored or laid out). */
  displayed: ReadonlyMap<string, Point>;
  newUid: () => string;
}

/** Changes with the uids of the objects they create. */
export interface EditResult {
  changes: Change[];
  created: string[];
}

/** Returns a random uid for a new object. */
export function randomUid(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Returns the section a field is written to: where the object has it, else `identifiers` for
 * the fields that find the object in authentik (its natural key), else `attrs`.
 */
export function sectionOf(object: ModelObject, field: string): FieldSection {
  if (Object.hasOwn(object.identifiers, field)) {
    return 'identifiers';
  }

  if (Object.hasOwn(object.attrs, field)) {
    return 'attrs';
  }

  const key = getModelFacts(object.model)?.naturalKey ?? [];

  return key.includes(field) && object.model !== STAGE_BINDING_MODEL ? 'identifiers' : 'attrs';
}

/**
 * Returns the change that sets a field (`undefined` removes it, so the default applies), or
 * undefined when the field already has that value.
 */
export function setField(
  object: ModelObject,
  field: string,
  after: Value | undefined,
): FieldSetChange | undefined {
  const section = sectionOf(object, field);
  const before = Object.hasOwn(object[section], field) ? object[section][field] : undefined;

  if (before === undefined && after === undefined) {
    return undefined;
  }
  if (before !== undefined && after !== undefined && valuesEqual(before, after)) {
    return undefined;
  }

  const change: FieldSetChange = { kind: 'field.set', uid: object.uid, section, field };
  if (before !== undefined) {
    change.before = before;
  }
  if (after !== undefined) {
    change.after = after;
  }

  return change;
}

function storedPosition(positions: ViewPositions, view: string, uid: string): Point | null {
  return positions.get(view)?.get(uid) ?? null;
}

/** Returns the change that moves a node, or nothing when it is already there. */
export function moveNode(
  positions: ViewPositions,
  view: string,
  uid: string,
  after: Point | null,
): Change[] {
  const before = storedPosition(positions, view, uid);
  if (before?.x === after?.x && before?.y === after?.y) {
    return [];
  }

  return [{ kind: 'position.set', view, uid, before, after }];
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Returns `base`, or `base-2`, `base-3`, ... so that no object of the project has it as key. */
export function uniqueName(index: ProjectIndex, base: string): string {
  const usedNames = new Set<string>();
  for (const object of index.objects.values()) {
    const key = naturalKeyOf(object);
    if (key !== undefined) {
      usedNames.add(String(key.value));
    }
  }

  if (!usedNames.has(base)) {
    return base;
  }

  let counter = 2;
  while (usedNames.has(`${base}-${counter}`)) {
    counter += 1;
  }

  return `${base}-${counter}`;
}

/** Creates a new object of a model with a unique name (a slug for flows). */
export function newObject(index: ProjectIndex, model: string, uid: string): ModelObject {
  const title = modelTitle(model);
  const object: ModelObject = {
    uid,
    model,
    state: 'present',
    conditions: [],
    identifiers: {},
    attrs: {},
    permissions: [],
  };

  if (model === FLOW_MODEL) {
    const slug = uniqueName(index, 'new-flow');
    object.identifiers.slug = slug;
    object.attrs = { name: slug, title: 'New flow', designation: 'authentication' };
    return object;
  }

  const keyField = getModelFacts(model)?.naturalKey[0] ?? 'name';
  object.identifiers[keyField] = uniqueName(index, slugify(title));

  return object;
}

/** Places a new object of `model` on a flow's canvas. */
export function createOnCanvas(
  context: EditContext,
  view: string,
  model: string,
  point: Point,
): EditResult {
  const object = newObject(context.index, model, context.newUid());

  return {
    changes: [
      { kind: 'object.create', object },
      { kind: 'position.set', view, uid: object.uid, before: null, after: point },
    ],
    created: [object.uid],
  };
}

/** Places an existing object on a flow's canvas, e.g. to bind a stage used elsewhere. */
export function placeExisting(
  context: EditContext,
  view: string,
  uid: string,
  point: Point,
): Change[] {
  return moveNode(context.positions, view, uid, point);
}

function bindingPoint(context: EditContext, flowUid: string, extra: number): Point {
  const bindings = context.index.stageBindings.get(flowUid) ?? [];
  const last = bindings.at(-1);
  const anchor =
    (last === undefined ? undefined : context.displayed.get(last.uid)) ??
    (last === undefined ? context.displayed.get(flowUid) : undefined);

  if (anchor === undefined) {
    return { x: 0, y: LAYOUT.bindingTop + (bindings.length + extra) * LAYOUT.bindingStep };
  }

  const step = last === undefined ? LAYOUT.bindingTop : LAYOUT.bindingStep;

  return { x: anchor.x, y: anchor.y + step + extra * LAYOUT.bindingStep };
}

/**
 * Binds a stage to the end of a flow. A loose node of the stage on this canvas is removed,
 * because the new binding node now draws it.
 */
export function bindStage(
  context: EditContext,
  flowUid: string,
  stage: Value,
  extra: Record<string, Value> = {},
  slot = 0,
): EditResult {
  const bindings = context.index.stageBindings.get(flowUid) ?? [];
  const uid = context.newUid();
  const order = nextOrder(bindings.map(orderOf)) + slot * 10;
  const binding: ModelObject = {
    uid,
    model: STAGE_BINDING_MODEL,
    state: 'present',
    conditions: [],
    identifiers: { target: ref(flowUid), stage },
    attrs: { order, ...extra },
    permissions: [],
  };
  const changes: Change[] = [
    { kind: 'object.create', object: binding },
    ...moveNode(context.positions, flowUid, uid, bindingPoint(context, flowUid, slot)),
  ];

  if (isRef(stage)) {
    changes.push(...moveNode(context.positions, flowUid, stage.$ref, null));
  }

  return { changes, created: [uid] };
}

function policyPoint(context: EditContext, targetUid: string, extra: number): Point {
  const target = context.displayed.get(targetUid) ?? { x: 0, y: 0 };
  const count = context.index.policyBindings.get(targetUid)?.length ?? 0;
  const column =
    context.index.objects.get(targetUid)?.model === FLOW_MODEL
      ? LAYOUT.flowPolicyColumn
      : LAYOUT.policyColumn;

  return { x: target.x + column, y: target.y + (count + extra) * LAYOUT.policyStep };
}

/**
 * Binds a policy, group or user to a flow or stage binding. `subject` is a reference to an
 * object of the project (or a kept tag when pasting a binding to an object outside it).
 */
export function bindSubject(
  context: EditContext,
  view: string,
  targetUid: string,
  subjectModel: string,
  subject: Value,
  extra: Record<string, Value> = {},
  slot = 0,
): EditResult {
  const existing = context.index.policyBindings.get(targetUid) ?? [];
  const uid = context.newUid();
  const binding: ModelObject = {
    uid,
    model: POLICY_BINDING_MODEL,
    state: 'present',
    conditions: [],
    identifiers: { target: ref(targetUid), [subjectFieldFor(subjectModel)]: subject },
    attrs: { order: nextOrder(existing.map(orderOf), 0) + slot * 10, ...extra },
    permissions: [],
  };
  const changes: Change[] = [
    { kind: 'object.create', object: binding },
    ...moveNode(context.positions, view, uid, policyPoint(context, targetUid, slot)),
  ];

  if (isRef(subject)) {
    changes.push(...moveNode(context.positions, view, subject.$ref, null));
  }

  return { changes, created: [uid] };
}

/**
 * Reorders the stage bindings of a flow to `sequence` (binding uids). Order numbers are handed
 * out again with their gaps kept, and the nodes move into the slots of the old sequence.
 */
export function reorderBindings(
  context: EditContext,
  flowUid: string,
  sequence: readonly string[],
): Change[] {
  const bindings = context.index.stageBindings.get(flowUid) ?? [];
  const byUid = new Map(bindings.map((binding) => [binding.uid, binding]));
  const ordered = sequence.map((uid) => byUid.get(uid)).filter((item) => item !== undefined);
  if (ordered.length !== bindings.length) {
    return [];
  }

  const orders = renumber(bindings.map(orderOf));
  const slots = bindings
    .map((binding) => context.displayed.get(binding.uid))
    .filter((point) => point !== undefined)
    .map((point) => point.y)
    .sort((a, b) => a - b);
  const changes: Change[] = [];

  for (const [position, binding] of ordered.entries()) {
    const order = orders[position];
    const current = fieldValue(binding, 'order');
    if (order !== undefined && current !== order) {
      const change = setField(binding, 'order', order);
      if (change !== undefined) {
        changes.push(change);
      }
    }

    const point = context.displayed.get(binding.uid);
    const y = slots[position];
    if (point !== undefined && y !== undefined && point.y !== y) {
      changes.push(...moveNode(context.positions, flowUid, binding.uid, { x: point.x, y }));
    }
  }

  return changes;
}

/** Moves a stage binding `delta` places up (negative) or down in its flow. */
export function shiftBinding(context: EditContext, bindingUid: string, delta: number): Change[] {
  const binding = context.index.objects.get(bindingUid);
  const flowUid = binding === undefined ? undefined : referencedUid(binding, 'target');
  if (flowUid === undefined) {
    return [];
  }

  const sequence = (context.index.stageBindings.get(flowUid) ?? []).map((item) => item.uid);
  const from = sequence.indexOf(bindingUid);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= sequence.length) {
    return [];
  }

  sequence.splice(from, 1);
  sequence.splice(to, 0, bindingUid);

  return reorderBindings(context, flowUid, sequence);
}

/**
 * Deletes what the nodes `uids` of a flow's canvas draw. A stage binding takes its policy
 * bindings along (authentik deletes them with it). A stage or policy that is bound nowhere else
 * stays on the canvas as a loose node, so it can be bound again or deleted on its own. Deleting
 * a loose node deletes the object unless it is bound or placed elsewhere. Deleting the flow
 * deletes its bindings; its stages and policies stay in the project.
 */
export function deleteNodes(context: EditContext, view: string, uids: readonly string[]): Change[] {
  const deletion = new Deletion(context, view);

  for (const uid of uids) {
    deletion.deleteNode(uid);
  }

  return deletion.finish();
}

class Deletion {
  private readonly changes: Change[] = [];
  private readonly deleted = new Set<string>();
  private readonly loosened = new Map<string, Point>();

  constructor(
    private readonly context: EditContext,
    private readonly view: string,
  ) {}

  deleteNode(uid: string): void {
    const object = this.context.index.objects.get(uid);
    if (object === undefined || this.deleted.has(uid)) {
      return;
    }

    switch (object.model) {
      case FLOW_MODEL:
        this.deleteFlow(object);
        return;
      case STAGE_BINDING_MODEL:
        this.deleteStageBinding(object);
        return;
      case POLICY_BINDING_MODEL:
        this.deletePolicyBinding(object);
        return;
      default:
        this.deleteLoose(object);
    }
  }

  finish(): Change[] {
    for (const [uid, point] of this.loosened) {
      if (!this.deleted.has(uid) && this.context.positions.get(this.view)?.get(uid) === undefined) {
        this.changes.push({
          kind: 'position.set',
          view: this.view,
          uid,
          before: null,
          after: point,
        });
      }
    }

    return this.changes;
  }

  private deleteObject(object: ModelObject): void {
    this.deleted.add(object.uid);
    this.changes.push({ kind: 'object.delete', object });

    for (const [view, points] of this.context.positions) {
      const before = points.get(object.uid);
      if (before !== undefined) {
        this.changes.push({ kind: 'position.set', view, uid: object.uid, before, after: null });
      }
    }
  }

  private deleteFlow(flow: ModelObject): void {
    for (const binding of this.context.index.policyBindings.get(flow.uid) ?? []) {
      this.deleteObject(binding);
    }
    for (const binding of this.context.index.stageBindings.get(flow.uid) ?? []) {
      this.deleteStageBinding(binding, false);
    }

    // Loose nodes of this canvas lose their view with the flow.
    for (const [uid, before] of this.context.positions.get(flow.uid) ?? []) {
      if (!this.deleted.has(uid)) {
        this.changes.push({ kind: 'position.set', view: flow.uid, uid, before, after: null });
      }
    }
    this.deleteObject(flow);
  }

  private deleteStageBinding(binding: ModelObject, keepStage = true): void {
    if (this.deleted.has(binding.uid)) {
      return;
    }

    for (const policyBinding of this.context.index.policyBindings.get(binding.uid) ?? []) {
      this.deletePolicyBinding(policyBinding, keepStage);
    }

    const stage = referencedUid(binding, 'stage');
    if (keepStage && stage !== undefined && this.context.index.uses.get(stage) === 1) {
      this.loosen(stage, binding.uid);
    }
    this.deleteObject(binding);
  }

  private deletePolicyBinding(binding: ModelObject, keepSubject = true): void {
    if (this.deleted.has(binding.uid)) {
      return;
    }

    const field = subjectFieldOf(binding);
    const subject = field === undefined ? undefined : referencedUid(binding, field);
    if (keepSubject && subject !== undefined && this.context.index.uses.get(subject) === 1) {
      this.loosen(subject, binding.uid);
    }
    this.deleteObject(binding);
  }

  private deleteLoose(object: ModelObject): void {
    const boundElsewhere = (this.context.index.uses.get(object.uid) ?? 0) > 0;
    const views = [...this.context.positions].filter(([, points]) => points.has(object.uid));
    const placedElsewhere = views.some(([view]) => view !== this.view);

    if (boundElsewhere || placedElsewhere) {
      this.changes.push(...moveNode(this.context.positions, this.view, object.uid, null));
      this.loosened.delete(object.uid);
      return;
    }

    this.deleteObject(object);
  }

  private loosen(uid: string, nodeUid: string): void {
    const point = this.context.displayed.get(nodeUid);
    if (point !== undefined && !this.loosened.has(uid)) {
      this.loosened.set(uid, point);
    }
  }
}
