/**
 * Policy bindings as the engine reads them: what they bind, with authentik's defaults
 * (authentik/policies/models.py: enabled, negate false, timeout 30 s, failure_result false).
 */
import type { ModelObject } from '../../shared/model/object.js';
import { policyBindingKind, readPolicyBinding } from '../../shared/model/policies.js';
import type { BindingRef } from '../../shared/simulator/trace.js';
import type { ProjectIndex } from './project-index.js';
import { objectLabel, plainValue, refUid } from './project-index.js';

/** A policy binding ready for the engine. */
export interface BindingSpec {
  ref: BindingRef;
  enabled: boolean;
  /** The bound policy object, for policy bindings. */
  policy?: ModelObject;
  /** Project uid of the bound group or user, for static bindings. */
  targetUid?: string;
  /** Set when the bound object is not in the project (a `!Find` tag or a raw key). */
  unresolved?: string;
}

/** Reads a policy binding object. */
export function bindingSpec(object: ModelObject, index: ProjectIndex): BindingSpec {
  const binding = readPolicyBinding(object);
  const kind = policyBindingKind(binding);
  let reference = binding.user;
  if (kind === 'policy') {
    reference = binding.policy;
  } else if (kind === 'group') {
    reference = binding.group;
  }
  const targetUid = refUid(reference);
  const target = index.get(targetUid);

  const ref: BindingRef = {
    uid: object.uid,
    order: plainValue(binding.order, 0),
    kind,
    negate: plainValue(binding.negate, false),
    failureResult: plainValue(binding.failure_result, false),
    timeout: plainValue(binding.timeout, 30),
    label: target === undefined ? describeMissing(reference) : objectLabel(target),
    ...(kind === 'policy' && target !== undefined ? { policyModel: target.model } : {}),
  };

  const spec: BindingSpec = { ref, enabled: plainValue(binding.enabled, true) };
  if (kind === 'policy' && target !== undefined) {
    spec.policy = target;
  } else if (targetUid !== undefined) {
    spec.targetUid = targetUid;
  }
  if (kind !== 'invalid' && target === undefined) {
    spec.unresolved = ref.label;
  }

  return spec;
}

/**
 * Returns a binding for a policy attached without a binding object, as the prompt stage's
 * `validation_policies` are (authentik builds `PolicyBinding(policy=policy)` with defaults).
 */
export function implicitBinding(policy: ModelObject, order: number): BindingSpec {
  return {
    ref: {
      uid: `${policy.uid}#implicit`,
      order,
      kind: 'policy',
      negate: false,
      failureResult: false,
      timeout: 30,
      label: objectLabel(policy),
      policyModel: policy.model,
    },
    enabled: true,
    policy,
  };
}

function describeMissing(reference: unknown): string {
  if (reference === undefined || reference === null) {
    return '(nothing bound)';
  }

  return `(not in the project: ${JSON.stringify(reference)})`;
}
