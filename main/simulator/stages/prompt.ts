/**
 * The prompt stage (authentik/stages/prompt/stage.py, 2025.12). It shows the fields in `order`
 * and validates each value like the REST framework field of its type. Two password fields must
 * match. Then the stage's `validation_policies` run (engine mode `all`, no cache, context
 * `{"prompt_data": values}`), and the valid values are merged into `prompt_data`.
 */
import type { ModelObject } from '../../../shared/model/object.js';
import { readPrompt, readPromptStage } from '../../../shared/model/prompts.js';
import { PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonMap, InputUse } from '../../../shared/simulator/trace.js';
import { implicitBinding } from '../bindings.js';
import { recordMessage } from '../effects.js';
import { runEngine } from '../engine.js';
import type { ChallengeResponse, ExecutorResponse } from '../executor.js';
import { objectLabel, plainValue, refUids } from '../project-index.js';
import { pendingUserOf } from '../request.js';
import type { Validation } from './base.js';
import { ChallengeStageView, missing } from './base.js';
import type { ResolvedField } from './prompt-fields.js';
import { FIXED_TYPES, resolveField, validateField } from './prompt-fields.js';
import { asText } from '../json.js';

export class PromptStageView extends ChallengeStageView {
  readonly component = 'ak-stage-prompt';

  private get promptData(): JsonMap {
    const data = this.context[PLAN_CONTEXT.prompt];
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {};
  }

  private prompts(): ModelObject[] {
    const stage = readPromptStage(this.stageObject!);
    const prompts = refUids(plainValue(stage.fields, []))
      .map((uid) => this.state.index.get(uid))
      .filter((prompt): prompt is ModelObject => prompt !== undefined);

    for (const prompt of prompts) {
      if (readPrompt(prompt).type === undefined) {
        this.state.recorder.finding(
          'warning',
          'prompt-type-missing',
          `Prompt "${objectLabel(prompt)}" has no valid \`type\`, so the server rejects it; the simulation treats it as text.`,
        );
      }
    }

    return prompts;
  }

  private async fields(): Promise<ResolvedField[]> {
    const user = pendingUserOf(this.state, this.context);
    const resolved = await Promise.all(
      this.prompts().map((prompt) => resolveField(this.state, prompt, this.promptData, user)),
    );

    return resolved.sort((a, b) => a.order - b.order);
  }

  async getChallenge(): Promise<JsonMap> {
    const fields = await this.fields();

    return {
      fields: fields.map((field) => ({
        field_key: field.fieldKey,
        label: field.label,
        type: field.type,
        required: field.required,
        placeholder: field.placeholder,
        initial_value: field.initial,
        order: field.order,
        choices: field.choices,
      })),
    };
  }

  // The simulated user fills the editable fields from the inputs. A pre-filled field keeps its
  // initial value, and an optional empty field is left out.
  respond(challenge: JsonMap): ChallengeResponse {
    const data: JsonMap = {};
    const used: InputUse[] = [];
    const needed: string[] = [];
    const fields = Array.isArray(challenge.fields) ? (challenge.fields as JsonMap[]) : [];

    for (const field of fields) {
      const key = asText(field.field_key);
      const type = asText(field.type);
      if (FIXED_TYPES.has(type) || type === 'separator') {
        continue;
      }

      const answer = this.state.inputs.take(key);
      if (answer !== undefined) {
        data[key] = answer.value;
        used.push(answer.use);
      } else if (field.initial_value !== '' && field.initial_value !== null) {
        data[key] = field.initial_value ?? '';
      } else if (type === 'checkbox') {
        // The form always sends a checkbox, unchecked unless an input checks it.
        data[key] = false;
      } else if (field.required === true) {
        needed.push(key);
      }
    }

    return needed.length > 0 ? missing(needed, used) : { data, inputs: used };
  }

  async validate(data: JsonMap): Promise<Validation> {
    const fields = await this.fields();
    const attrs: JsonMap = {};
    const errors: Record<string, string[]> = {};

    for (const field of fields) {
      if (FIXED_TYPES.has(field.type)) {
        continue;
      }

      const result = validateField(field, data);
      if ('errors' in result) {
        errors[field.fieldKey] = result.errors;
      } else if ('value' in result) {
        attrs[field.fieldKey] = result.value;
      }
    }

    const usernameError = this.checkUsernames(fields, attrs);
    Object.assign(errors, usernameError);
    if (Object.keys(errors).length > 0) {
      return { kind: 'errors', errors };
    }

    // Static, hidden and read-only fields always hold their default, whatever was sent.
    for (const field of fields.filter((candidate) => FIXED_TYPES.has(candidate.type))) {
      attrs[field.fieldKey] = field.default ?? '';
    }
    attrs.component = this.component;

    const passwords = fields.filter((field) => field.type === 'password');
    if (
      passwords.length === 2 &&
      new Set(passwords.map((field) => JSON.stringify(data[field.fieldKey]))).size > 1
    ) {
      return { kind: 'errors', errors: { non_field_errors: ["Passwords don't match."] } };
    }

    return this.runValidationPolicies(attrs);
  }

  challengeValid(data: JsonMap): Promise<ExecutorResponse> {
    this.context[PLAN_CONTEXT.prompt] = { ...this.promptData, ...data };

    return Promise.resolve(this.executor.stageOk());
  }

  // The username type rejects names other users have; the pending user may keep their own.
  private checkUsernames(fields: ResolvedField[], attrs: JsonMap): Record<string, string[]> {
    const errors: Record<string, string[]> = {};
    const pending = pendingUserOf(this.state, this.context);

    for (const field of fields.filter((candidate) => candidate.type === 'username')) {
      const value = attrs[field.fieldKey];
      if (typeof value !== 'string') {
        continue;
      }

      const taken = this.state.directory
        .listUsers()
        .some(
          (user) =>
            user.username === value &&
            !(
              pending?.pk !== null &&
              pending?.pk !== undefined &&
              user.username === pending.username
            ),
        );
      if (taken) {
        errors[field.fieldKey] = ['Username is already taken.'];
      }
    }

    return errors;
  }

  private async runValidationPolicies(attrs: JsonMap): Promise<Validation> {
    const stage = readPromptStage(this.stageObject!);
    const policies = refUids(plainValue(stage.validation_policies, []))
      .map((uid) => this.state.index.get(uid))
      .filter((policy): policy is ModelObject => policy !== undefined);
    if (policies.length === 0) {
      return { kind: 'valid', data: attrs };
    }

    const engine = await runEngine(this.state, {
      purpose: 'prompt-validation',
      target: {
        kind: 'prompt-stage',
        uid: this.binding.ref.uid ?? '',
        label: this.binding.ref.name,
      },
      mode: 'all',
      bindings: policies.map((policy, order) => implicitBinding(policy, order)),
      user: pendingUserOf(this.state, this.context),
      context: { [PLAN_CONTEXT.prompt]: attrs },
      useCache: false,
    });
    this.state.recorder.current().engines.push(engine.run);

    if (!engine.passing) {
      return { kind: 'errors', errors: { non_field_errors: engine.messages } };
    }

    for (const text of engine.messages) {
      recordMessage(this.state, {
        level: 'info',
        text,
        by: `prompt stage ${this.binding.ref.name}`,
      });
    }
    return { kind: 'valid', data: attrs };
  }
}
