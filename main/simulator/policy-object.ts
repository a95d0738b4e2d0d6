/**
 * `request.obj` of a policy request: the object the policy engine runs for. authentik's
 * PolicyEngine sets it to the binding target it was made with (authentik/policies/engine.py):
 * the flow when a flow is planned, the flow-stage binding for its policies, the source for a
 * source's policies and the prompt stage for its validation policies.
 */
import { isRef, isTag } from '../../shared/model/values.js';
import type { Value } from '../../shared/model/values.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import type { JsonMap } from '../../shared/simulator/trace.js';
import type { ProjectIndex } from './project-index.js';

// Referenced objects are given with their own plain fields, one level deep, so that
// `request.obj.stage.name` and `request.obj.target.slug` work.
const MAX_DEPTH = 1;

function plainField(value: Value): JsonValue | undefined {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    return value as JsonValue;
  }

  return undefined;
}

// Maps by index and uid. A run's index and its objects do not change while the run lasts, and
// every policy of a binding gets the same target, so each map is built once per run.
const built = new WeakMap<ProjectIndex, Map<string, JsonMap | undefined>>();

/** Returns the object with this uid as a `$model` map, or undefined when the project lacks it. */
export function policyObject(index: ProjectIndex, uid: string): JsonMap | undefined {
  let maps = built.get(index);
  if (maps === undefined) {
    maps = new Map();
    built.set(index, maps);
  }
  if (!maps.has(uid)) {
    maps.set(uid, buildPolicyObject(index, uid, 0));
  }

  return maps.get(uid);
}

function buildPolicyObject(index: ProjectIndex, uid: string, depth: number): JsonMap | undefined {
  const object = index.get(uid);
  if (object === undefined) {
    return undefined;
  }

  const map: JsonMap = { $model: object.model, pk: object.uid };
  for (const [key, value] of Object.entries(mergeEntryData(object))) {
    if (isTag(value)) {
      continue;
    }
    if (isRef(value)) {
      const target =
        depth < MAX_DEPTH ? buildPolicyObject(index, value.$ref, depth + 1) : undefined;
      if (target !== undefined) {
        map[key] = target;
      }
      continue;
    }

    const plain = plainField(value);
    if (plain !== undefined) {
      map[key] = plain;
    }
  }

  return map;
}
