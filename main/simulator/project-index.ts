/**
 * Lookups over a project's objects that the simulator needs on every request: flows by slug,
 * stage bindings of a flow in order, policy bindings of a target in order, objects by uid.
 */
import { StagecraftError } from '../../shared/errors.js';
import type { Field } from '../../shared/model/view.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { isRef, isTag } from '../../shared/model/values.js';
import { mergeEntryData } from '../../shared/model/view.js';

export const FLOW_MODEL = 'authentik_flows.flow';
export const STAGE_BINDING_MODEL = 'authentik_flows.flowstagebinding';
export const POLICY_BINDING_MODEL = 'authentik_policies.policybinding';
export const USER_MODEL = 'authentik_core.user';
export const GROUP_MODEL = 'authentik_core.group';

/**
 * Returns a field's value, or `fallback` when it is absent or a tag that only the server can
 * resolve (`!Env`, `!Context`, a `!Find` outside the project).
 */
export function plainValue<T>(value: Field<T> | undefined | null, fallback: T): T {
  if (value === undefined || value === null || isTag(value as Value)) {
    return fallback;
  }

  return value as T;
}

/** Returns the uid a reference points at, or undefined for tags, keys and null. */
export function refUid(value: unknown): string | undefined {
  return isRef(value as Value) ? (value as { $ref: string }).$ref : undefined;
}

/** Returns the uids of a list of references; tags and raw keys are left out. */
export function refUids(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }

  return value.map(refUid).filter((uid): uid is string => uid !== undefined);
}

/** Returns a model object's display name: name, slug, username, field key or uid. */
export function objectLabel(object: ModelObject): string {
  const data = mergeEntryData(object);

  for (const key of ['name', 'slug', 'username', 'field_key']) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') {
      return value;
    }
  }

  return object.uid;
}

function orderOf(object: ModelObject): number {
  const value = mergeEntryData(object).order;

  return typeof value === 'number' ? value : 0;
}

/** Indexes of a project's objects. Objects with `state: absent` are left out. */
export class ProjectIndex {
  private readonly byUid = new Map<string, ModelObject>();
  private readonly flowsBySlug = new Map<string, ModelObject>();
  private readonly stageBindings = new Map<string, ModelObject[]>();
  private readonly policyBindings = new Map<string, ModelObject[]>();

  constructor(readonly objects: readonly ModelObject[]) {
    for (const object of objects) {
      if (object.state === 'absent') {
        continue;
      }

      this.byUid.set(object.uid, object);
      const data = mergeEntryData(object);

      if (object.model === FLOW_MODEL && typeof data.slug === 'string') {
        if (!this.flowsBySlug.has(data.slug)) {
          this.flowsBySlug.set(data.slug, object);
        }
      } else if (object.model === STAGE_BINDING_MODEL) {
        pushTo(this.stageBindings, refUid(data.target), object);
      } else if (object.model === POLICY_BINDING_MODEL) {
        pushTo(this.policyBindings, refUid(data.target), object);
      }
    }

    // Django's order_by("order") leaves ties unordered; the stable sort keeps file order.
    for (const list of [...this.stageBindings.values(), ...this.policyBindings.values()]) {
      list.sort((a, b) => orderOf(a) - orderOf(b));
    }
  }

  /** Returns the object with this uid, or undefined. */
  get(uid: string | undefined): ModelObject | undefined {
    return uid === undefined ? undefined : this.byUid.get(uid);
  }

  /** Returns the flow with this slug, or throws `flow-not-found` listing the slugs there are. */
  flow(slug: string): ModelObject {
    const flow = this.flowsBySlug.get(slug);
    if (flow !== undefined) {
      return flow;
    }

    const known = [...this.flowsBySlug.keys()].sort();
    throw new StagecraftError(
      'flow-not-found',
      `no flow with slug "${slug}"; the project has: ${known.length > 0 ? known.join(', ') : 'none'}`,
      { slug, known },
    );
  }

  /** Returns the flow with this slug, or undefined. */
  findFlow(slug: string): ModelObject | undefined {
    return this.flowsBySlug.get(slug);
  }

  /** Returns the stage bindings of a flow, ordered by `order`. */
  stageBindingsOf(flowUid: string): ModelObject[] {
    return this.stageBindings.get(flowUid) ?? [];
  }

  /** Returns the policy bindings of a flow, stage binding or source, ordered by `order`. */
  policyBindingsOf(targetUid: string): ModelObject[] {
    return this.policyBindings.get(targetUid) ?? [];
  }

  /** Returns every object of a model. */
  ofModel(model: string): ModelObject[] {
    return [...this.byUid.values()].filter((object) => object.model === model);
  }
}

function pushTo(
  map: Map<string, ModelObject[]>,
  key: string | undefined,
  object: ModelObject,
): void {
  if (key === undefined) {
    return;
  }

  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [object]);
  } else {
    list.push(object);
  }
}
