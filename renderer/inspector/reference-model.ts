/**
 * The inspector's rules for many-to-many reference fields (a prompt stage's `fields`, an
 * identification stage's `sources`, ...): the chips of the current value in the order authentik
 * uses them, and the project's objects that can be added. Pure, so it is tested without a
 * browser.
 */
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { isRef, isTag } from '../../shared/model/values.js';
import { choiceTitle, modelTitle } from '../model/names.js';
import { fieldOrDefault } from '../model/project-index.js';

/** The order in which authentik uses the objects of a reference list. */
export type ChipOrder = 'list' | 'prompt-order' | 'name';

/** One item of a reference list as the picker shows it. */
export interface ReferenceChip {
  /** The item's position in the stored list. */
  index: number;
  value: Value;
  /** The uid of the object of the project the item points at, when it points at one. */
  uid: string | undefined;
  title: string;
  /** The model's readable name, or why the item is not resolved. */
  detail: string;
  /** True when the project has no object for the item (a `!Find`, a primary key, ...). */
  missing: boolean;
}

/** An object of the project that the picker offers. */
export interface ReferenceCandidate {
  uid: string;
  title: string;
  detail: string;
}

const PROMPT_STAGE = 'authentik_stages_prompt.promptstage';
const IDENTIFICATION_STAGE = 'authentik_stages_identification.identificationstage';

/**
 * Returns how authentik orders a reference list. A prompt stage shows its `fields` sorted by
 * each prompt's `order` (authentik/stages/prompt/stage.py) and an identification stage lists its
 * `sources` by name (authentik/stages/identification/stage.py). Other lists keep their order.
 */
export function chipOrderOf(model: string, field: string): ChipOrder {
  if (model === PROMPT_STAGE && field === 'fields') {
    return 'prompt-order';
  }

  return model === IDENTIFICATION_STAGE && field === 'sources' ? 'name' : 'list';
}

/** Describes an item the project cannot resolve, e.g. `!Find [authentik_core.source, [slug, x]]`. */
export function describeUnresolved(value: Value): string {
  if (isTag(value)) {
    return `!${value.$tag.replace(/^!/, '')} ${describeInline(value.value)}`;
  }

  if (isRef(value)) {
    return value.$ref;
  }

  return describeInline(value);
}

function describeInline(value: Value): string {
  if (Array.isArray(value)) {
    return `[${value.map(describeInline).join(', ')}]`;
  }

  if (isTag(value) || isRef(value)) {
    return describeUnresolved(value);
  }

  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function promptOrder(object: ModelObject | undefined): number {
  const order = object === undefined ? undefined : fieldOrDefault(object, 'order');

  return typeof order === 'number' ? order : 0;
}

/** Builds the chips of a reference list, sorted as authentik uses the list (`order`). */
export function referenceChips(
  list: readonly Value[],
  objects: ReadonlyMap<string, ModelObject>,
  order: ChipOrder,
): ReferenceChip[] {
  const chips = list.map((value, index): ReferenceChip => {
    const target = isRef(value) ? objects.get(value.$ref) : undefined;
    if (target === undefined) {
      return {
        index,
        value,
        uid: undefined,
        title: describeUnresolved(value),
        detail: 'not found in the project',
        missing: true,
      };
    }

    const detail =
      order === 'prompt-order'
        ? `${modelTitle(target.model)}, order ${promptOrder(target)}`
        : modelTitle(target.model);
    return {
      index,
      value,
      uid: target.uid,
      title: choiceTitle(target, objects),
      detail,
      missing: false,
    };
  });

  if (order === 'list') {
    return chips;
  }

  // Items the project cannot resolve have no order or name here, so they go last in list order.
  const rank = (chip: ReferenceChip): number => (chip.missing ? 1 : 0);
  return chips.sort((a, b) => {
    if (rank(a) !== rank(b)) {
      return rank(a) - rank(b);
    }
    if (a.missing) {
      return a.index - b.index;
    }
    if (order === 'prompt-order') {
      const byOrder =
        promptOrder(a.uid === undefined ? undefined : objects.get(a.uid)) -
        promptOrder(b.uid === undefined ? undefined : objects.get(b.uid));
      return byOrder !== 0 ? byOrder : a.index - b.index;
    }
    return a.title.localeCompare(b.title) || a.index - b.index;
  });
}

/**
 * Lists the objects of the target models that the list does not hold yet and whose name or
 * type contains `query` (case-insensitive), sorted by name.
 */
export function referenceCandidates(
  objects: ReadonlyMap<string, ModelObject>,
  targets: readonly string[],
  list: readonly Value[],
  query: string,
): ReferenceCandidate[] {
  const targetModels = new Set(targets);
  const chosen = new Set(list.filter(isRef).map((item) => item.$ref));
  const needle = query.trim().toLowerCase();
  const found: ReferenceCandidate[] = [];

  for (const object of objects.values()) {
    if (!targetModels.has(object.model) || chosen.has(object.uid)) {
      continue;
    }

    const title = choiceTitle(object, objects);
    const detail = modelTitle(object.model);
    if (needle === '' || `${title} ${detail}`.toLowerCase().includes(needle)) {
      found.push({ uid: object.uid, title, detail });
    }
  }

  return found.sort((a, b) => a.title.localeCompare(b.title));
}
