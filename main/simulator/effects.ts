/**
 * Effects of a run: what the server would have written. Writes go to the run's own copy of the
 * directory, so later stages see them as they would see the database, and are listed in the
 * trace. Nothing reaches the project unless `applyEffectsToProject` is called.
 */
import type { Effect, JsonValue, SimEvent } from '../../shared/simulator/evaluation.js';
import { MASK } from '../../shared/simulator/mask.js';
import type { FlowMessage, JsonMap, UserEffect } from '../../shared/simulator/trace.js';
import type { DirectoryUser } from './directory.js';
import { asText, isJsonMap } from './json.js';
import type { PlanBinding } from './planner.js';
import type { PolicyRunOutput } from './policies.js';
import { objectLabel } from './project-index.js';
import type { RunState } from './types.js';

// Fields of a user that the trace lists when they change.
const USER_FIELDS = [
  'username',
  'name',
  'email',
  'is_active',
  'type',
  'path',
  'attributes',
] as const;

/** Records an event the server would create, e.g. `login` or `user_write`. */
export function recordEvent(state: RunState, event: SimEvent): void {
  state.recorder.effects.events.push(event);
}

/** Records a message the server would flash to the browser. */
export function recordMessage(state: RunState, message: FlowMessage): void {
  state.recorder.effects.messages.push(message);
  state.recorder.current().messages.push(message.text);
}

/** Records the creation of a user, with every field set. */
export function recordUserCreated(state: RunState, user: DirectoryUser, by: string): void {
  const changes: UserEffect['changes'] = USER_FIELDS.map((field) => ({
    field,
    before: null,
    after: structuredClone(user[field]),
  }));
  if (user.passwordHash !== undefined) {
    changes.push({ field: 'password', before: null, after: MASK });
  }

  state.recorder.effects.users.push({
    action: 'created',
    username: user.username,
    pk: user.pk,
    changes,
    by,
  });
}

/** Records the fields that differ between two states of a user. */
export function recordUserUpdated(
  state: RunState,
  before: DirectoryUser,
  after: DirectoryUser,
  by: string,
): void {
  const changes: UserEffect['changes'] = [];
  for (const field of USER_FIELDS) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes.push({
        field,
        before: structuredClone(before[field]),
        after: structuredClone(after[field]),
      });
    }
  }
  if (before.passwordHash !== after.passwordHash) {
    changes.push({ field: 'password', before: MASK, after: MASK });
  }

  if (changes.length > 0) {
    state.recorder.effects.users.push({
      action: 'updated',
      username: after.username,
      pk: after.pk,
      changes,
      by,
    });
  }
}

/** Records a change of a user's direct groups, by group name. */
export function recordMembership(
  state: RunState,
  user: DirectoryUser,
  before: readonly string[],
  by: string,
): void {
  const names = (pks: readonly string[]): string[] => state.directory.groupNames(pks).sort();
  if (JSON.stringify(names(before)) === JSON.stringify(names(user.groups))) {
    return;
  }

  state.recorder.effects.memberships.push({
    username: user.username,
    before: names(before),
    after: names(user.groups),
    by,
  });
}

/**
 * Records what an expression did: events, emails and saved objects. Saved users and their
 * group changes are applied to the run's directory.
 */
export function recordEvaluatorEffects(state: RunState, output: PolicyRunOutput, by: string): void {
  state.recorder.effects.events.push(...output.events);

  for (const effect of output.effects) {
    applyEvaluatorEffect(state, effect, by);
  }
}

function applyEvaluatorEffect(state: RunState, effect: Effect, by: string): void {
  switch (effect.kind) {
    case 'event':
    case 'message':
    case 'policy_called':
      // Events arrive in `events` too; messages are the policy's own result messages.
      return;
    case 'email':
      state.recorder.effects.emails.push({
        to: effect.to,
        subject: effect.subject,
        template: effect.template,
        body: effect.body,
        by,
      });
      return;
    case 'object_saved':
      if (effect.model === 'authentik_core.user' && typeof effect.pk === 'number') {
        saveUserFromExpression(state, effect.pk, effect.after, by);
        return;
      }
      break;
    case 'membership_changed':
      if (effect.relation === 'user.groups' && typeof effect.pk === 'number') {
        const user = state.directory.userByPk(effect.pk);
        if (user !== undefined) {
          const before = [...user.groups];
          user.groups = effect.after.map(String);
          state.directory.saveUser(user);
          recordMembership(state, user, before, by);
          return;
        }
      }
      break;
    case 'plan_changed':
      applyPlanChange(state, effect, by);
      return;
    case 'object_deleted':
    case 'jwt_issued':
      break;
  }

  state.recorder.effects.other.push({ ...(effect as unknown as JsonMap), by });
}

/**
 * Applies `flow_plan.insert_stage()`, `append_stage()` or `redirect()` of an expression to the
 * running plan: inserted stages run right after the stage being evaluated, as on the server.
 * Stages are found in the project by name; a redirect becomes an in-memory redirect stage.
 */
function applyPlanChange(
  state: RunState,
  effect: Extract<Effect, { kind: 'plan_changed' }>,
  by: string,
): void {
  const plan = state.sessionPlan;
  const data = isJsonMap(effect.stage) ? effect.stage : {};
  const binding = planBindingForStage(state, data, effect.action);
  if (plan === null || binding === undefined) {
    state.recorder.finding(
      'warning',
      'plan-change-not-applied',
      `${by} called flow_plan.${effect.action}() while planning or with a stage that is not in the project; the simulation ignores it.`,
    );
    return;
  }

  if (effect.action === 'append_stage') {
    plan.bindings.push(binding);
  } else {
    plan.bindings.splice(1, 0, binding);
  }
  state.recorder.note(
    `${by} ${effect.action === 'append_stage' ? 'appended' : 'inserted'} stage ${binding.ref.name}.`,
  );
}

function planBindingForStage(
  state: RunState,
  data: JsonMap,
  action: string,
): PlanBinding | undefined {
  const common = {
    reEvaluate: false,
    invalidResponseAction: 'retry',
    policyEngineMode: 'any',
  } as const;
  if (action === 'redirect') {
    const destination = asText(data.target_static, '/');
    return {
      ...common,
      ref: { name: 'RedirectStage', model: 'in-memory:RedirectStage' },
      stage: { kind: 'in-memory', name: 'RedirectStage', view: 'redirect', data: { destination } },
    };
  }

  const name = asText(data.name);
  const stage = state.index.objects.find(
    (object) => object.model === data.$model && objectLabel(object) === name,
  );
  return stage === undefined
    ? undefined
    : { ...common, ref: { uid: stage.uid, name, model: stage.model }, stage };
}

function saveUserFromExpression(state: RunState, pk: number, after: JsonMap, by: string): void {
  const before = state.directory.userByPk(pk);
  if (before === undefined) {
    state.recorder.effects.other.push({
      kind: 'object_saved',
      model: 'authentik_core.user',
      pk,
      after,
      by,
    });
    return;
  }

  const next: DirectoryUser = structuredClone(before);
  for (const field of USER_FIELDS) {
    if (field in after) {
      (next as unknown as JsonMap)[field] = structuredClone(after[field]) as JsonValue;
    }
  }
  state.directory.saveUser(next);
  recordUserUpdated(state, before, next, by);
}
