/**
 * The password stage (authentik/stages/password/stage.py, 2025.12): authenticates the pending
 * user's username with the typed password against the stage's backends. A wrong password
 * counts in the session; at `failed_attempts_before_cancel` the stage denies access.
 */
import { readPasswordStage } from '../../../shared/model/stages.js';
import { PLAN_CONTEXT, SESSION_KEY_INVALID_TRIES } from '../../../shared/simulator/context-keys.js';
import { ruleFor } from '../../../shared/simulator/rules.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { readContextUser, userValue } from '../context.js';
import type { ChallengeResponse, ExecutorResponse } from '../executor.js';
import { INPUT_KEYS } from '../inputs.js';
import { plainValue } from '../project-index.js';
import { authenticate } from './authenticate.js';
import type { Validation } from './base.js';
import { ChallengeStageView, missing } from './base.js';
import { asText } from '../json.js';

export class PasswordStageView extends ChallengeStageView {
  readonly component = 'ak-stage-password';

  private get settings() {
    return readPasswordStage(this.stageObject!);
  }

  getChallenge(): Promise<JsonMap> {
    const pending = readContextUser(this.context[PLAN_CONTEXT.pendingUser], this.state.directory);

    return Promise.resolve({
      pending_user: pending?.username ?? '',
      allow_show_password: plainValue(this.settings.allow_show_password, false),
    });
  }

  respond(): ChallengeResponse {
    const password = this.state.inputs.take(INPUT_KEYS.password);
    if (password === undefined) {
      return missing([INPUT_KEYS.password]);
    }

    return { data: { password: password.value }, inputs: [password.use] };
  }

  validate(data: JsonMap): Promise<Validation> {
    if (!('password' in data)) {
      return Promise.resolve(fieldError('This field is required.'));
    }
    const password = asText(data.password);
    if (password === '') {
      return Promise.resolve(fieldError('This field may not be blank.'));
    }

    const pending = readContextUser(this.context[PLAN_CONTEXT.pendingUser], this.state.directory);
    if (pending === undefined) {
      return Promise.resolve({ kind: 'stage-invalid', message: 'No pending user' });
    }

    const backends = plainValue(this.settings.backends, []) as string[];
    const result = authenticate(this.state, this.context, backends, pending.username, password);
    result.notes.forEach((line) => this.state.recorder.note(line));
    if (result.user === undefined) {
      return Promise.resolve(fieldError('Invalid password'));
    }

    this.context[PLAN_CONTEXT.pendingUser] = userValue(result.user, result.backend);
    this.context[PLAN_CONTEXT.authenticationBackend] = result.backend ?? null;
    return Promise.resolve({ kind: 'valid', data: {} });
  }

  override async challengeInvalid(errors: Record<string, string[]>): Promise<ExecutorResponse> {
    const session = this.state.session.data;
    const tries =
      (typeof session[SESSION_KEY_INVALID_TRIES] === 'number'
        ? session[SESSION_KEY_INVALID_TRIES]
        : 0) + 1;
    session[SESSION_KEY_INVALID_TRIES] = tries;

    const limit = plainValue(this.settings.failed_attempts_before_cancel, 5);
    const rule = ruleFor('passwordAttempts', this.state.version);
    this.state.recorder.useRule(rule);
    const exceeded = rule.tag === 'before-2023.10' ? tries > limit : tries >= limit;
    this.state.recorder.note(
      `Wrong password ${tries} of ${limit} allowed in this session (${rule.id}).`,
    );

    if (exceeded) {
      delete session[SESSION_KEY_INVALID_TRIES];
      this.state.recorder.current().responseErrors = errors;
      return this.executor.stageInvalid(
        rule.tag === 'before-2023.10' ? undefined : 'Invalid password',
      );
    }

    return super.challengeInvalid(errors);
  }

  challengeValid(): Promise<ExecutorResponse> {
    if (this.context[PLAN_CONTEXT.pendingUser] === undefined) {
      return this.executor.stageInvalid();
    }

    return Promise.resolve(this.executor.stageOk());
  }
}

function fieldError(message: string): Validation {
  return { kind: 'errors', errors: { password: [message] } };
}
