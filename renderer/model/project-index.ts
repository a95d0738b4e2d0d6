/**
 * An index of the project's objects for the canvas: flows, the stage bindings of each flow in
 * order, the policy bindings of each target, and how often each stage or policy is bound.
 */
import { getModelFacts } from '../../shared/model/fields.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { isRef } from '../../shared/model/values.js';
import { objectTitle } from './names.js';

export const FLOW_MODEL = 'authentik_flows.flow';
export const STAGE_BINDING_MODEL = 'authentik_flows.flowstagebinding';
export const POLICY_BINDING_MODEL = 'authentik_policies.policybinding';
export const GROUP_MODEL = 'authentik_core.group';
export const USER_MODEL = 'authentik_core.user';

/** The fields of a policy binding that name what it binds, in the order authentik checks them. */
export const POLICY_SUBJECT_FIELDS = ['policy', 'group', 'user'] as const;

/** The field of a policy binding that names what it binds. */
export type PolicySubjectField = (typeof POLICY_SUBJECT_FIELDS)[number];

/** The project's objects arranged for drawing. */
export interface ProjectIndex {
  objects: ReadonlyMap<string, ModelObject>;
  /** Flows sorted by name. */
  flows: ModelObject[];
  /** Stage bindings of each flow (by flow uid), sorted by order, ties in project order. */
  stageBindings: ReadonlyMap<string, ModelObject[]>;
  /** Policy bindings of each target (flow or stage binding uid), sorted by order. */
  policyBindings: ReadonlyMap<string, ModelObject[]>;
  /** Number of bindings that name each stage, policy, group or user. */
  uses: ReadonlyMap<string, number>;
}

/**
 * Returns a field's value as authentik would write it: the identifier when set, else the
 * attribute. Merging of nested maps does not matter for the fields the canvas reads.
 */
export function fieldValue(object: ModelObject, field: string): Value | undefined {
  if (Object.hasOwn(object.identifiers, field)) {
    return object.identifiers[field];
  }

  return Object.hasOwn(object.attrs, field) ? object.attrs[field] : undefined;
}

/** Returns a field's value, or the model default when the object does not set it. */
export function fieldOrDefault(object: ModelObject, field: string): Value | undefined {
  return fieldValue(object, field) ?? getModelFacts(object.model)?.defaults[field];
}

/** Returns the uid a reference field points at, or undefined for tags, keys and empty fields. */
export function referencedUid(object: ModelObject, field: string): string | undefined {
  const value = fieldValue(object, field);

  return isRef(value) ? value.$ref : undefined;
}

/** Returns a binding's order as a number; tags and missing values sort as 0. */
export function orderOf(binding: ModelObject): number {
  const value = fieldValue(binding, 'order');

  return typeof value === 'number' ? value : 0;
}

/** Tells whether a model is a stage type. */
export function isStageModel(model: string): boolean {
  return (
    (model.startsWith('authentik_stages_') && model.endsWith('stage')) ||
    model === 'authentik_endpoints.endpointstage'
  );
}

/** Tells whether a model is a policy type. */
export function isPolicyModel(model: string): boolean {
  return model.startsWith('authentik_policies_') && model.endsWith('policy');
}

/** Tells whether objects of a model can be the subject of a policy binding. */
export function isPolicySubjectModel(model: string): boolean {
  return isPolicyModel(model) || model === GROUP_MODEL || model === USER_MODEL;
}

/** Returns the policy binding field that binds an object of `model`. */
export function subjectFieldFor(model: string): PolicySubjectField {
  if (model === GROUP_MODEL) {
    return 'group';
  }

  return model === USER_MODEL ? 'user' : 'policy';
}

function pushTo(map: Map<string, ModelObject[]>, key: string, object: ModelObject): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [object]);
  } else {
    list.push(object);
  }
}

function countUse(uses: Map<string, number>, uid: string | undefined): void {
  if (uid !== undefined) {
    uses.set(uid, (uses.get(uid) ?? 0) + 1);
  }
}

/** Builds the index of a project's objects. Sorting is stable, so equal orders keep file order. */
export function indexProject(objects: ReadonlyMap<string, ModelObject>): ProjectIndex {
  const flows: ModelObject[] = [];
  const stageBindings = new Map<string, ModelObject[]>();
  const policyBindings = new Map<string, ModelObject[]>();
  const uses = new Map<string, number>();

  for (const object of objects.values()) {
    if (object.model === FLOW_MODEL) {
      flows.push(object);
      continue;
    }

    if (object.model === STAGE_BINDING_MODEL) {
      const target = referencedUid(object, 'target');
      if (target !== undefined) {
        pushTo(stageBindings, target, object);
      }
      countUse(uses, referencedUid(object, 'stage'));
      continue;
    }

    if (object.model === POLICY_BINDING_MODEL) {
      const target = referencedUid(object, 'target');
      if (target !== undefined) {
        pushTo(policyBindings, target, object);
      }
      for (const field of POLICY_SUBJECT_FIELDS) {
        countUse(uses, referencedUid(object, field));
      }
    }
  }

  flows.sort((a, b) => objectTitle(a).localeCompare(objectTitle(b)));
  for (const list of stageBindings.values()) {
    list.sort((a, b) => orderOf(a) - orderOf(b));
  }
  for (const list of policyBindings.values()) {
    list.sort((a, b) => orderOf(a) - orderOf(b));
  }

  return { objects, flows, stageBindings, policyBindings, uses };
}

/** Returns the field of a policy binding that names its subject, or undefined when none is set. */
export function subjectFieldOf(binding: ModelObject): PolicySubjectField | undefined {
  return POLICY_SUBJECT_FIELDS.find((field) => {
    const value = fieldValue(binding, field);
    return value !== undefined && value !== null;
  });
}
