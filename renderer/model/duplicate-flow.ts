/**
 * Duplicating a whole flow: a copy of the flow with copies of its stage bindings, of the policy
 * bindings on the flow and on each stage binding, and of its canvas positions.
 *
 * The stages, policies, groups and users stay shared: the copied bindings bind the same objects
 * as the original ones. authentik has no flow duplicate to follow. Its flow API
 * (authentik/flows/api/flows.py) offers import, export, diagram, background and execute, and its
 * flow list (web/src/admin/flows/FlowListPage.ts) offers edit, execute and export. In authentik a
 * stage or policy can be bound any number of times, so sharing is the plain reading of a copy.
 * To change a stage of the copy alone, duplicate its node on the canvas (Ctrl+D), which copies the
 * stage itself.
 */
import type { Change } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { ref } from '../../shared/model/values.js';
import type { EditContext, EditResult } from './edits.js';
import { uniqueName } from './edits.js';
import { objectTitle } from './names.js';
import { FLOW_MODEL, fieldValue } from './project-index.js';
import type { ProjectIndex } from './project-index.js';

/** The changes that duplicate a flow, and the uid of the copy. */
export interface FlowDuplicate extends EditResult {
  flowUid: string;
}

// `login-copy` and `login-copy-3` are copies of `login`, so copying them again numbers on from
// `login-copy` instead of growing `login-copy-copy`.
const SLUG_COPY_SUFFIX = /-copy(?:-\d+)?$/;
const NAME_COPY_SUFFIX = / \(copy(?: \d+)?\)$/;

/** Returns a slug for a copy of the flow `slug`: `<slug>-copy`, else `-copy-2`, `-copy-3`, ... */
export function copySlug(index: ProjectIndex, slug: string): string {
  const base = slug.replace(SLUG_COPY_SUFFIX, '');

  return uniqueName(index, `${base === '' ? 'flow' : base}-copy`);
}

/** Returns a flow name for a copy: `<name> (copy)`, else `(copy 2)`, ... unused by any flow. */
export function copyFlowName(index: ProjectIndex, name: string): string {
  const used = new Set<string>();
  for (const flow of index.flows) {
    const flowName = fieldValue(flow, 'name');
    if (typeof flowName === 'string') {
      used.add(flowName);
    }
  }
  const base = name.replace(NAME_COPY_SUFFIX, '');
  let candidate = `${base} (copy)`;
  let counter = 2;
  while (used.has(candidate)) {
    candidate = `${base} (copy ${counter})`;
    counter += 1;
  }

  return candidate;
}

/** Sets a field where the object has it (identifiers or attrs), else in `fallback`. */
function writeField(
  object: ModelObject,
  field: string,
  value: Value,
  fallback: 'identifiers' | 'attrs',
): void {
  if (Object.hasOwn(object.identifiers, field)) {
    object.identifiers[field] = value;
  } else if (Object.hasOwn(object.attrs, field)) {
    object.attrs[field] = value;
  } else {
    object[fallback][field] = value;
  }
}

/**
 * Clones an object under a new uid. The entry id, origin and comments belong to the original's
 * place in a blueprint file, so the copy has none.
 */
function cloneUnder(object: ModelObject, uid: string): ModelObject {
  const copy = structuredClone(object);
  copy.uid = uid;
  delete copy.id;
  delete copy.origin;
  delete copy.comments;

  return copy;
}

/**
 * Returns the changes that duplicate the flow `flowUid`, as one undo step. Bindings whose target
 * is a tag rather than a reference to the flow (a `!Find` by slug) are not indexed under the flow
 * and are not copied: they would still find the original by its slug.
 */
export function buildFlowDuplicate(
  context: EditContext,
  flowUid: string,
): FlowDuplicate | undefined {
  const { index } = context;
  const flow = index.objects.get(flowUid);
  if (flow?.model !== FLOW_MODEL) {
    return undefined;
  }

  const copy = cloneUnder(flow, context.newUid());
  const slug = fieldValue(flow, 'slug');
  const name = fieldValue(flow, 'name');
  writeField(
    copy,
    'slug',
    copySlug(index, typeof slug === 'string' ? slug : 'flow'),
    'identifiers',
  );
  writeField(
    copy,
    'name',
    copyFlowName(index, typeof name === 'string' ? name : objectTitle(flow)),
    'attrs',
  );

  const changes: Change[] = [{ kind: 'object.create', object: copy }];
  // Uids of the original's bindings and of the flow itself, mapped to their copies.
  const copies = new Map<string, string>([[flowUid, copy.uid]]);

  const copyBinding = (binding: ModelObject, targetUid: string): string => {
    const bindingCopy = cloneUnder(binding, context.newUid());
    writeField(bindingCopy, 'target', ref(targetUid), 'identifiers');
    changes.push({ kind: 'object.create', object: bindingCopy });
    copies.set(binding.uid, bindingCopy.uid);
    return bindingCopy.uid;
  };

  for (const policyBinding of index.policyBindings.get(flowUid) ?? []) {
    copyBinding(policyBinding, copy.uid);
  }
  for (const stageBinding of index.stageBindings.get(flowUid) ?? []) {
    const stageBindingCopy = copyBinding(stageBinding, copy.uid);
    for (const policyBinding of index.policyBindings.get(stageBinding.uid) ?? []) {
      copyBinding(policyBinding, stageBindingCopy);
    }
  }

  // Nodes without a stored position are laid out automatically, and the layout of the copy
  // matches the original's, so only stored positions need copying. Loose nodes draw shared
  // objects and keep their uid.
  for (const [uid, point] of context.positions.get(flowUid) ?? []) {
    const target = copies.get(uid) ?? uid;
    if (copies.has(uid) || index.objects.has(uid)) {
      changes.push({
        kind: 'position.set',
        view: copy.uid,
        uid: target,
        before: null,
        after: point,
      });
    }
  }

  return { changes, created: [...copies.values()], flowUid: copy.uid };
}
