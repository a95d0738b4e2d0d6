/**
 * Orders objects so that authentik can apply the entries top to bottom: its importer runs entries
 * in file order with no dependency sort, and `!KeyOf` only finds entries above it.
 */
import type { ModelObject } from '../model/object.js';
import { naturalKeyOf } from '../model/natural-key.js';
import { isRef, isTag } from '../model/values.js';
import type { Value } from '../model/values.js';

/** A reference the writer cannot order because it closes a cycle. */
export interface BrokenReference {
  /** The object holding the reference. */
  from: string;
  /** The referenced object, which is written later in the file. */
  to: string;
  /** Slash-separated path of the reference inside the entry, e.g. `attrs/enrollment_flow`. */
  path: string;
}

/** Objects in writing order and the references left pointing down the file. */
export interface OrderResult {
  ordered: ModelObject[];
  broken: BrokenReference[];
}

/** A reference found inside an object, with its path. */
export interface FoundReference {
  target: string;
  path: string;
}

/**
 * Sorts objects topologically over their references, so that a referenced object comes before
 * its users. Among objects that are ready, the first by authentik's usual order wins. That order
 * is blueprint dependencies, flows, prompts/policies/stages and other objects, stage bindings,
 * policy bindings, then brands, sources, providers and applications, and meta objects last.
 * Ties go by origin index, natural key and input position, so the result depends only on the
 * input.
 *
 * A cycle (a flow whose stage points back at it, a source whose enrollment flow names the source)
 * cannot be ordered. The object of the cycle that comes first by the order above is written first,
 * and its references into the cycle are returned as `broken`.
 */
export function orderObjects(objects: ModelObject[]): OrderResult {
  const position = new Map(objects.map((object, index) => [object.uid, index]));
  const dependencies = objects.map((object) => dependenciesOf(object, position));
  const dependents = objects.map((): number[] => []);
  const waitingFor = dependencies.map((deps) => new Set(deps.map((dep) => dep.index)).size);

  dependencies.forEach((deps, index) => {
    for (const dep of new Set(deps.map((found) => found.index))) {
      dependents[dep]?.push(index);
    }
  });

  const keys = objects.map((object, index) => sortKey(object, index));
  const ready = new MinHeap((left, right) => compareKeys(keys[left]!, keys[right]!));
  waitingFor.forEach((count, index) => {
    if (count === 0) {
      ready.push(index);
    }
  });

  const emitted = new Array<boolean>(objects.length).fill(false);
  const ordered: ModelObject[] = [];
  const broken: BrokenReference[] = [];

  const emit = (index: number): void => {
    emitted[index] = true;
    ordered.push(objects[index] as ModelObject);
    for (const dependent of dependents[index] ?? []) {
      waitingFor[dependent] = (waitingFor[dependent] ?? 0) - 1;
      if (waitingFor[dependent] === 0 && !emitted[dependent]) {
        ready.push(dependent);
      }
    }
  };

  while (ordered.length < objects.length) {
    const next = ready.pop();
    if (next !== undefined) {
      if (!emitted[next]) {
        emit(next);
      }
      continue;
    }

    const breaker = chooseCycleBreaker(dependencies, emitted, keys);
    for (const dep of dependencies[breaker] ?? []) {
      if (!emitted[dep.index]) {
        broken.push({ from: objects[breaker]!.uid, to: objects[dep.index]!.uid, path: dep.path });
      }
    }
    emit(breaker);
  }

  return { ordered, broken };
}

interface Dependency {
  index: number;
  path: string;
}

function dependenciesOf(object: ModelObject, position: Map<string, number>): Dependency[] {
  const found: FoundReference[] = [];
  collectReferencesOf(object, found);

  const result: Dependency[] = [];
  for (const reference of found) {
    const index = position.get(reference.target);
    // A reference to the object itself (`pk: !KeyOf` of its own entry) does not order anything.
    if (index !== undefined && reference.target !== object.uid) {
      result.push({ index, path: reference.path });
    }
  }

  return result;
}

/** Collects every reference inside an object's fields, with its path inside the entry. */
export function collectReferencesOf(object: ModelObject, found: FoundReference[]): void {
  const fields: Array<[string, Value | undefined]> = [
    ['model', object.modelTag],
    ['state', typeof object.state === 'string' ? undefined : object.state],
    ['conditions', object.conditions],
    ['identifiers', object.identifiers],
    ['attrs', object.attrs],
    ['permissions', object.permissions],
    ['', object.extraKeys],
  ];

  for (const [path, value] of fields) {
    if (value !== undefined) {
      collectReferences(value, path, found);
    }
  }
}

function collectReferences(value: Value, path: string, found: FoundReference[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectReferences(item, joinPath(path, String(index)), found));
    return;
  }

  if (typeof value !== 'object' || value === null) {
    return;
  }

  if (isRef(value)) {
    found.push({ target: value.$ref, path });
    return;
  }

  if (isTag(value)) {
    collectReferences(value.value, path, found);
    return;
  }

  for (const [key, inner] of Object.entries(value)) {
    collectReferences(inner, joinPath(path, key), found);
  }
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}/${key}`;
}

/**
 * Picks the object to write first when every remaining object waits for another: the first by
 * sort key among objects whose strongly connected component waits for nothing outside itself, so
 * that only references inside a cycle are broken.
 */
function chooseCycleBreaker(
  dependencies: Dependency[][],
  emitted: boolean[],
  keys: SortKey[],
): number {
  const components = stronglyConnectedComponents(dependencies, emitted);
  let best: number | undefined;

  for (const component of components) {
    const members = new Set(component);
    const closed = component.every((index) =>
      (dependencies[index] ?? []).every((dep) => emitted[dep.index] || members.has(dep.index)),
    );
    if (!closed) {
      continue;
    }
    for (const index of component) {
      if (best === undefined || compareKeys(keys[index]!, keys[best]!) < 0) {
        best = index;
      }
    }
  }

  // A closed component always exists among the remaining objects; the fallback is defensive.
  return best ?? emitted.findIndex((done) => !done);
}

/** Tarjan's algorithm over the objects not yet emitted, written iteratively for deep graphs. */
function stronglyConnectedComponents(dependencies: Dependency[][], emitted: boolean[]): number[][] {
  const indexOf = new Array<number>(dependencies.length).fill(-1);
  const lowLink = new Array<number>(dependencies.length).fill(0);
  const onStack = new Array<boolean>(dependencies.length).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (let start = 0; start < dependencies.length; start += 1) {
    if (emitted[start] || indexOf[start] !== -1) {
      continue;
    }

    const work: Array<{ node: number; next: number }> = [{ node: start, next: 0 }];
    indexOf[start] = lowLink[start] = counter++;
    stack.push(start);
    onStack[start] = true;

    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const deps = dependencies[frame.node] ?? [];

      if (frame.next < deps.length) {
        const target = deps[frame.next]!.index;
        frame.next += 1;
        if (emitted[target]) {
          continue;
        }
        if (indexOf[target] === -1) {
          indexOf[target] = lowLink[target] = counter++;
          stack.push(target);
          onStack[target] = true;
          work.push({ node: target, next: 0 });
        } else if (onStack[target]) {
          lowLink[frame.node] = Math.min(lowLink[frame.node]!, indexOf[target]!);
        }
        continue;
      }

      work.pop();
      const parent = work[work.length - 1];
      if (parent) {
        lowLink[parent.node] = Math.min(lowLink[parent.node]!, lowLink[frame.node]!);
      }

      if (lowLink[frame.node] === indexOf[frame.node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = false;
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }

  return components;
}

type SortKey = [rank: number, originIndex: number, naturalKey: string, position: number];

function sortKey(object: ModelObject, position: number): SortKey {
  const key = naturalKeyOf(object);
  return [
    modelRank(object.model),
    object.origin?.index ?? Number.MAX_SAFE_INTEGER,
    key ? String(key.value) : '',
    position,
  ];
}

function compareKeys(left: SortKey, right: SortKey): number {
  for (let index = 0; index < left.length; index += 1) {
    const a = left[index]!;
    const b = right[index]!;
    if (a < b) {
      return -1;
    }
    if (a > b) {
      return 1;
    }
  }

  return 0;
}

/** Returns the usual place of a model in an authentik blueprint, smallest first. */
function modelRank(model: string): number {
  const [app = '', name = ''] = model.split('.');

  if (model === 'authentik_blueprints.metaapplyblueprint') {
    return 0;
  }
  if (model === 'authentik_flows.flow') {
    return 1;
  }
  if (model === 'authentik_flows.flowstagebinding') {
    return 3;
  }
  if (model === 'authentik_policies.policybinding') {
    return 4;
  }
  if (
    model === 'authentik_brands.brand' ||
    model === 'authentik_core.application' ||
    (app.startsWith('authentik_sources_') && name.endsWith('source')) ||
    (app.startsWith('authentik_providers_') && name.endsWith('provider'))
  ) {
    return 5;
  }
  if (app === 'authentik_blueprints' && name.startsWith('meta')) {
    return 6;
  }

  // Prompts, policies, stages and everything else they may need (groups, mappings, keys).
  return 2;
}

/** A binary heap of indexes ordered by a comparison function. */
class MinHeap {
  private readonly items: number[] = [];

  constructor(private readonly compare: (left: number, right: number) => number) {}

  push(item: number): void {
    const items = this.items;
    items.push(item);

    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.compare(items[child]!, items[parent]!) >= 0) {
        break;
      }
      [items[child], items[parent]] = [items[parent]!, items[child]!];
      child = parent;
    }
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) {
      return top;
    }

    items[0] = last;
    let parent = 0;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < items.length && this.compare(items[left]!, items[smallest]!) < 0) {
        smallest = left;
      }
      if (right < items.length && this.compare(items[right]!, items[smallest]!) < 0) {
        smallest = right;
      }
      if (smallest === parent) {
        return top;
      }
      [items[parent], items[smallest]] = [items[smallest]!, items[parent]!];
      parent = smallest;
    }
  }
}
