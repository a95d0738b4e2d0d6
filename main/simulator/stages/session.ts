/**
 * The stages that change the browser session: user login (authentik/stages/user_login/stage.py)
 * and user logout (authentik/stages/user_logout/stage.py), 2025.12.
 */
import { readUserLoginStage } from '../../../shared/model/stages.js';
import { BACKEND_INBUILT, PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { readContextUser } from '../context.js';
import { recordEvent, recordMessage } from '../effects.js';
import type { ChallengeResponse, ExecutorResponse } from '../executor.js';
import { INPUT_KEYS } from '../inputs.js';
import { plainValue } from '../project-index.js';
import type { Validation } from './base.js';
import { ChallengeStageView, StageView } from './base.js';
import { timedeltaSeconds } from './timedelta.js';
import { asText } from '../json.js';

export class UserLoginStageView extends ChallengeStageView {
  readonly component = 'ak-stage-user-login';

  private get settings() {
    return readUserLoginStage(this.stageObject!);
  }

  // The stage shows a "remember me" challenge only when remember_me_offset is positive.
  override async get(): Promise<ExecutorResponse> {
    if (timedeltaSeconds(plainValue(this.settings.remember_me_offset, 'seconds=0')) > 0) {
      return super.get();
    }

    return this.doLogin(false);
  }

  getChallenge(): Promise<JsonMap> {
    return Promise.resolve({});
  }

  respond(): ChallengeResponse {
    const remember = this.state.inputs.take(INPUT_KEYS.rememberMe);
    const value =
      remember === undefined
        ? false
        : ['1', 'true', 'yes', 'on'].includes(remember.value.toLowerCase());

    return { data: { remember_me: value }, inputs: remember === undefined ? [] : [remember.use] };
  }

  validate(data: JsonMap): Promise<Validation> {
    return Promise.resolve(
      typeof data.remember_me === 'boolean'
        ? { kind: 'valid', data }
        : { kind: 'errors', errors: { remember_me: ['This field is required.'] } },
    );
  }

  challengeValid(data: JsonMap): Promise<ExecutorResponse> {
    return this.doLogin(data.remember_me === true);
  }

  private doLogin(remember: boolean): Promise<ExecutorResponse> {
    const state = this.state;
    const user = readContextUser(this.context[PLAN_CONTEXT.pendingUser], state.directory);
    if (user === undefined) {
      return this.executor.stageInvalid('No Pending user to login.');
    }

    const backend = this.context[PLAN_CONTEXT.authenticationBackend] ?? BACKEND_INBUILT;
    if (!user.is_active) {
      state.recorder.note('The user is inactive; authentik only logs a warning and logs them in.');
    }

    let seconds = timedeltaSeconds(plainValue(this.settings.session_duration, 'seconds=0'));
    if (remember) {
      seconds += timedeltaSeconds(plainValue(this.settings.remember_me_offset, 'seconds=0'));
    }

    // NOTE: Django's login() needs a saved user; an unsaved pending user would fail on the server.
    state.session.userPk = user.pk;
    const by = `user_login stage ${this.binding.ref.name}`;
    state.recorder.effects.sessions.push({
      action: 'login',
      username: user.username,
      durationSeconds: seconds,
      by,
    });
    state.recorder.note(
      `Logged in ${user.username} with backend ${asText(backend)}; session ${seconds === 0 ? 'ends when the browser closes' : `lasts ${seconds} s`}.`,
    );
    recordEvent(state, {
      action: 'login',
      app: 'authentik.events.signals',
      context: { auth_method: this.context[PLAN_CONTEXT.authMethod] ?? null },
      user: user.username,
    });

    const directoryUser = state.directory.userByPk(user.pk);
    if (directoryUser !== undefined) {
      directoryUser.last_login = new Date().toISOString();
      state.directory.saveUser(directoryUser);
    }

    // Sources show their own success message.
    const source = this.context[PLAN_CONTEXT.source];
    if (source === undefined || source === null) {
      recordMessage(state, { level: 'success', text: 'Successfully logged in!', by });
    }
    if (plainValue(this.settings.terminate_other_sessions, false)) {
      state.recorder.note('Other sessions of the user are terminated.');
    }

    return Promise.resolve(this.executor.stageOk());
  }
}

export class UserLogoutStageView extends StageView {
  get(): Promise<ExecutorResponse> {
    const state = this.state;
    const user = state.directory.userByPk(state.session.userPk);
    state.session.userPk = null;
    state.recorder.effects.sessions.push({
      action: 'logout',
      username: user?.username ?? null,
      by: `user_logout stage ${this.binding.ref.name}`,
    });
    if (user !== undefined) {
      recordEvent(state, {
        action: 'logout',
        app: 'authentik.events.signals',
        context: {},
        user: user.username,
      });
    }

    return Promise.resolve(this.executor.stageOk());
  }
}
