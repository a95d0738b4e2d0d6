/**
 * Applying a run's effects to the project's simulated directory, when the user asks for it:
 * users the run created become `authentik_core.user` objects, changed users and memberships
 * update those objects or the personas that describe them. Events, emails and messages are not
 * part of the directory and stay in the trace. One call is one undo step.
 */
import { randomUUID } from 'node:crypto';

import type { Change } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import { MASK } from '../../shared/simulator/mask.js';
import type { SimulationEffects } from '../../shared/simulator/trace.js';
import type { ProjectStore } from '../project/index.js';
import { loadPersonas, savePersona } from './personas.js';
import { GROUP_MODEL, USER_MODEL } from './project-index.js';

/** The changes made by applying effects, by username or persona name. */
export interface AppliedEffects {
  created: string[];
  updated: string[];
  personasUpdated: string[];
  /** Effects that have no place in the project, with the reason. */
  skipped: string[];
}

// Trace field names to persona user fields.
const PERSONA_FIELDS: Record<string, string> = {
  name: 'name',
  email: 'email',
  is_active: 'isActive',
  type: 'type',
  path: 'path',
  attributes: 'attributes',
};

function findByField(
  objects: ModelObject[],
  model: string,
  field: string,
  value: string,
): ModelObject | undefined {
  return objects.find(
    (object) => object.model === model && mergeEntryData(object)[field] === value,
  );
}

/** Applies the directory effects of a run to a project (writable store) in one undo step. */
export function applyEffectsToProject(
  store: ProjectStore,
  effects: SimulationEffects,
): AppliedEffects {
  const objects = store.listObjects();
  const personas = loadPersonas(store);
  const result: AppliedEffects = { created: [], updated: [], personasUpdated: [], skipped: [] };
  const changes: Change[] = [];

  for (const effect of effects.users) {
    const fields = effect.changes.filter((change) => change.field !== 'password');
    if (effect.changes.some((change) => change.field === 'password')) {
      result.skipped.push(
        `password of ${effect.username}: passwords are not stored in the project`,
      );
    }

    const existing = findByField(objects, USER_MODEL, 'username', effect.username);
    if (effect.action === 'created' && existing === undefined) {
      const attrs: Record<string, Value> = {};
      for (const change of fields) {
        if (change.field !== 'username' && change.after !== MASK) {
          attrs[change.field] = change.after;
        }
      }
      const object: ModelObject = {
        uid: randomUUID(),
        model: USER_MODEL,
        state: 'present',
        conditions: [],
        identifiers: { username: effect.username },
        attrs,
        permissions: [],
      };
      objects.push(object);
      changes.push({ kind: 'object.create', object });
      result.created.push(effect.username);
      continue;
    }

    if (existing !== undefined) {
      for (const change of fields.filter((candidate) => candidate.field !== 'username')) {
        changes.push({
          kind: 'field.set',
          uid: existing.uid,
          section: 'attrs',
          field: change.field,
          ...(existing.attrs[change.field] === undefined
            ? {}
            : { before: existing.attrs[change.field] }),
          after: change.after as Value,
        });
      }
      result.updated.push(effect.username);
      continue;
    }

    const persona = personas.find((candidate) => candidate.user.username === effect.username);
    if (persona === undefined) {
      result.skipped.push(
        `user ${effect.username}: neither an object of the project nor a persona`,
      );
      continue;
    }
    const user = persona.user as unknown as Record<string, JsonValue>;
    for (const change of fields) {
      const key = PERSONA_FIELDS[change.field];
      if (key !== undefined) {
        user[key] = change.after;
      }
    }
    savePersona(store, persona);
    result.personasUpdated.push(persona.name);
  }

  for (const membership of effects.memberships) {
    const user = findByField(objects, USER_MODEL, 'username', membership.username);
    if (user === undefined) {
      result.skipped.push(
        `groups of ${membership.username}: the user is not an object of the project`,
      );
      continue;
    }

    const refs: Value[] = [];
    for (const name of membership.after) {
      const group = findByField(objects, GROUP_MODEL, 'name', name);
      if (group === undefined) {
        result.skipped.push(
          `group ${name} of ${membership.username}: the group is not in the project`,
        );
      } else {
        refs.push({ $ref: group.uid });
      }
    }
    changes.push({
      kind: 'field.set',
      uid: user.uid,
      section: 'attrs',
      field: 'groups',
      ...(user.attrs.groups === undefined ? {} : { before: user.attrs.groups }),
      after: refs,
    });
  }

  store.apply(changes, { label: 'Apply simulated run to the directory' });
  return result;
}
