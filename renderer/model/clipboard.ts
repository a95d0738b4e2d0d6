/**
 * Copy, paste and duplicate on the canvas. Copying keeps what a node binds, not the bound
 * object: pasting a stage binding into another flow binds the same stage there, which makes it
 * shared. Duplicating copies the stage or policy itself under a new name.
 */
import type { Change, Point } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { isRef, ref } from '../../shared/model/values.js';
import type { EditContext, EditResult } from './edits.js';
import { bindStage, bindSubject, moveNode, uniqueName } from './edits.js';
import { objectTitle } from './names.js';
import type { PolicySubjectField } from './project-index.js';
import {
  FLOW_MODEL,
  GROUP_MODEL,
  POLICY_BINDING_MODEL,
  STAGE_BINDING_MODEL,
  USER_MODEL,
  fieldValue,
  isPolicyModel,
  referencedUid,
  subjectFieldOf,
} from './project-index.js';

/** A copied stage binding: the stage it binds and its other settings. */
export interface CopiedStageBinding {
  kind: 'binding';
  sourceUid: string;
  stage: Value;
  settings: Record<string, Value>;
}

/** A copied policy binding: its subject, its target and its other settings. */
export interface CopiedPolicyBinding {
  kind: 'policy';
  sourceUid: string;
  targetUid: string;
  field: PolicySubjectField;
  subject: Value;
  settings: Record<string, Value>;
}

/** A copied loose node: the object itself, placed again when pasted. */
export interface CopiedObject {
  kind: 'object';
  uid: string;
}

/** One item of the canvas clipboard. */
export type CopiedItem = CopiedStageBinding | CopiedPolicyBinding | CopiedObject;

const BINDING_KEYS = new Set(['target', 'stage', 'order', 'policy', 'group', 'user']);

function settingsOf(binding: ModelObject): Record<string, Value> {
  const settings: Record<string, Value> = {};
  for (const section of [binding.attrs, binding.identifiers]) {
    for (const [key, value] of Object.entries(section)) {
      if (!BINDING_KEYS.has(key)) {
        settings[key] = value;
      }
    }
  }

  return settings;
}

/** Copies the nodes `uids` of a canvas, stage bindings first in run order. */
export function copyNodes(context: EditContext, uids: readonly string[]): CopiedItem[] {
  const items: CopiedItem[] = [];
  const objects = uids
    .map((uid) => context.index.objects.get(uid))
    .filter((object) => object !== undefined);

  for (const object of objects) {
    if (object.model === FLOW_MODEL) {
      continue;
    }

    if (object.model === STAGE_BINDING_MODEL) {
      items.push({
        kind: 'binding',
        sourceUid: object.uid,
        stage: fieldValue(object, 'stage') ?? null,
        settings: settingsOf(object),
      });
      continue;
    }

    if (object.model === POLICY_BINDING_MODEL) {
      const field = subjectFieldOf(object);
      const targetUid = referencedUid(object, 'target');
      if (field !== undefined && targetUid !== undefined) {
        items.push({
          kind: 'policy',
          sourceUid: object.uid,
          targetUid,
          field,
          subject: fieldValue(object, field) ?? null,
          settings: settingsOf(object),
        });
      }
      continue;
    }

    items.push({ kind: 'object', uid: object.uid });
  }

  return items;
}

const SUBJECT_MODELS: Record<PolicySubjectField, string> = {
  policy: 'authentik_policies_expression.expressionpolicy',
  group: GROUP_MODEL,
  user: USER_MODEL,
};

/**
 * Pastes copied items into a flow's canvas. Stage bindings are added at the end of the flow.
 * A policy binding goes to the pasted copy of its stage binding when that was copied too,
 * otherwise to `target` (the selected flow or stage binding) or the flow itself.
 */
export function pasteItems(
  context: EditContext,
  view: string,
  items: readonly CopiedItem[],
  target: string = view,
  offset: Point = { x: 40, y: 40 },
): EditResult {
  const result: EditResult = { changes: [], created: [] };
  const pasted = new Map<string, string>();
  const slots = new Map<string, number>();
  let stageSlot = 0;

  for (const item of items) {
    if (item.kind !== 'binding') {
      continue;
    }

    const bound = bindStage(context, view, item.stage, item.settings, stageSlot);
    stageSlot += 1;
    result.changes.push(...bound.changes);
    result.created.push(...bound.created);
    pasted.set(item.sourceUid, bound.created[0] ?? '');
  }

  for (const item of items) {
    if (item.kind === 'policy') {
      const targetUid = pasted.get(item.targetUid) ?? target;
      const slot = slots.get(targetUid) ?? 0;
      slots.set(targetUid, slot + 1);

      // The subject's model only picks the binding field, so any policy model serves.
      const bound = bindSubject(
        context,
        view,
        targetUid,
        SUBJECT_MODELS[item.field],
        item.subject,
        item.settings,
        slot,
      );
      result.changes.push(...bound.changes);
      result.created.push(...bound.created);
      continue;
    }

    if (item.kind === 'object' && context.positions.get(view)?.get(item.uid) === undefined) {
      const origin = context.displayed.get(item.uid) ?? { x: 0, y: 0 };
      const point = { x: origin.x + offset.x, y: origin.y + offset.y };
      result.changes.push(...moveNode(context.positions, view, item.uid, point));
    }
  }

  return result;
}

function cloneObject(context: EditContext, object: ModelObject): ModelObject {
  const copy = structuredClone(object);
  copy.uid = context.newUid();
  delete copy.id;
  delete copy.origin;
  delete copy.comments;

  const keyField = Object.hasOwn(copy.identifiers, 'name') ? 'identifiers' : 'attrs';
  copy[keyField].name = uniqueName(context.index, `${objectTitle(object)}-copy`);

  return copy;
}

/**
 * Duplicates nodes of a flow's canvas: a stage binding gets a copy of its stage bound at the end
 * of the flow, a policy binding a copy of its policy bound to the same target (groups and users
 * are bound again, not copied), and a loose node a copy of its object beside it.
 */
export function duplicateNodes(
  context: EditContext,
  view: string,
  uids: readonly string[],
): EditResult {
  const result: EditResult = { changes: [], created: [] };
  const copies: CopiedItem[] = [];

  for (const item of copyNodes(context, uids)) {
    if (item.kind === 'object') {
      const object = context.index.objects.get(item.uid);
      if (object === undefined) {
        continue;
      }

      const copy = cloneObject(context, object);
      const origin = context.displayed.get(item.uid) ?? { x: 0, y: 0 };
      result.changes.push(
        { kind: 'object.create', object: copy },
        { kind: 'position.set', view, uid: copy.uid, before: null, after: shift(origin) },
      );
      result.created.push(copy.uid);
      continue;
    }

    const subjectKey = item.kind === 'binding' ? item.stage : item.subject;
    const subject = isRef(subjectKey) ? context.index.objects.get(subjectKey.$ref) : undefined;
    const copyable =
      subject !== undefined && (item.kind === 'binding' || isPolicyModel(subject.model));
    if (subject === undefined || !copyable) {
      copies.push(item);
      continue;
    }

    const copy = cloneObject(context, subject);
    result.changes.push({ kind: 'object.create', object: copy });
    result.created.push(copy.uid);
    copies.push(
      item.kind === 'binding'
        ? { ...item, stage: ref(copy.uid) }
        : { ...item, subject: ref(copy.uid) },
    );
  }

  const pasted = pasteItemsToTargets(context, view, copies);
  result.changes.push(...pasted.changes);
  result.created.push(...pasted.created);

  return result;
}

function shift(point: Point): Point {
  return { x: point.x + 40, y: point.y + 40 };
}

// Pastes stage bindings at the end of the flow and policy bindings onto their original targets.
function pasteItemsToTargets(
  context: EditContext,
  view: string,
  items: readonly CopiedItem[],
): EditResult {
  const result: EditResult = { changes: [], created: [] };
  const stageItems = items.filter((item) => item.kind === 'binding');
  const pasted = pasteItems(context, view, stageItems);
  result.changes.push(...pasted.changes);
  result.created.push(...pasted.created);

  const slots = new Map<string, number>();
  for (const item of items) {
    if (item.kind !== 'policy') {
      continue;
    }

    const slot = slots.get(item.targetUid) ?? 0;
    slots.set(item.targetUid, slot + 1);
    const bound = bindSubject(
      context,
      view,
      item.targetUid,
      SUBJECT_MODELS[item.field],
      item.subject,
      item.settings,
      slot,
    );
    result.changes.push(...bound.changes);
    result.created.push(...bound.created);
  }

  return result;
}

/** Removes position changes that a later change in the list overrides for the same node. */
export function collapsePositions(changes: readonly Change[]): Change[] {
  const last = new Map<string, number>();
  changes.forEach((change, position) => {
    if (change.kind === 'position.set') {
      last.set(`${change.view}:${change.uid}`, position);
    }
  });

  return changes.filter(
    (change, position) =>
      change.kind !== 'position.set' || last.get(`${change.view}:${change.uid}`) === position,
  );
}
