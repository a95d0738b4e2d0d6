/**
 * The identification stage (authentik/stages/identification/stage.py, 2025.12): finds the user
 * by the configured fields, optionally checks a captcha and a password inline, and writes
 * `pending_user`. An unknown identifier still becomes an unsaved pending user for later stages
 * and policies. The flow goes on with it only when `pretend_user_exists` is set and no password
 * stage is attached.
 */
import { readIdentificationStage, readPasswordStage } from '../../../shared/model/stages.js';
import { readFlow } from '../../../shared/model/flows.js';
import { PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { unsavedUserValue, userValue } from '../context.js';
import type { DirectoryUser } from '../directory.js';
import type { ChallengeResponse, ExecutorResponse } from '../executor.js';
import { INPUT_KEYS } from '../inputs.js';
import { objectLabel, plainValue, refUid, refUids } from '../project-index.js';
import { authenticate } from './authenticate.js';
import { captchaPasses } from './captcha.js';
import type { Validation } from './base.js';
import { ChallengeStageView, missing } from './base.js';
import { asText } from '../json.js';

const FAILED = 'Failed to authenticate.';

export class IdentificationStageView extends ChallengeStageView {
  readonly component = 'ak-stage-identification';
  private preUser: JsonMap | undefined;

  private get settings() {
    return readIdentificationStage(this.stageObject!);
  }

  private get passwordStage() {
    const stage = this.state.index.get(refUid(this.settings.password_stage));
    return stage === undefined ? undefined : { object: stage, view: readPasswordStage(stage) };
  }

  getChallenge(): Promise<JsonMap> {
    const settings = this.settings;
    const designation = plainValue(readFlow(this.executor.flow).designation, 'authentication');
    const sources = refUids(plainValue(settings.sources, []))
      .map((uid) => this.state.index.get(uid))
      .filter((source) => source !== undefined)
      .map((source) => objectLabel(source));

    return Promise.resolve({
      user_fields: plainValue(settings.user_fields, []) as string[],
      password_fields: this.passwordStage !== undefined,
      captcha_stage: refUid(settings.captcha_stage) === undefined ? null : 'captcha',
      flow_designation: designation,
      primary_action: designation === 'authentication' ? 'Log in' : 'Continue',
      sources,
    });
  }

  respond(challenge: JsonMap): ChallengeResponse {
    const inputs = this.state.inputs;
    const username = inputs.take(INPUT_KEYS.username);
    if (username === undefined) {
      return missing([INPUT_KEYS.username]);
    }

    const data: JsonMap = { uid_field: username.value };
    const used = [username.use];
    if (challenge.password_fields === true) {
      const password = inputs.take(INPUT_KEYS.password);
      if (password === undefined) {
        return missing([INPUT_KEYS.password], used);
      }
      data.password = password.value;
      used.push(password.use);
    }

    if (challenge.captcha_stage !== null) {
      const captcha = inputs.take(INPUT_KEYS.captcha);
      if (captcha === undefined) {
        return missing([INPUT_KEYS.captcha], used);
      }
      data.captcha_token = captcha.value;
      used.push(captcha.use);
    }

    return { data, inputs: used };
  }

  validate(data: JsonMap): Promise<Validation> {
    const settings = this.settings;
    const uid = typeof data.uid_field === 'string' ? data.uid_field : '';
    if (uid === '') {
      return Promise.resolve(errors('No identification data provided.'));
    }

    const user = this.findUser(uid);
    if (user === undefined) {
      // The unknown identifier becomes the pending user even when the response is rejected.
      this.context[PLAN_CONTEXT.pendingUser] = unsavedUserValue({ username: uid, email: uid });
      this.preUser = this.context[PLAN_CONTEXT.pendingUser] as JsonMap;
      if (!plainValue(settings.show_matched_user, true)) {
        this.context[PLAN_CONTEXT.pendingUserIdentifier] = uid;
      }
      this.note(
        `No user matches "${uid}"; the server waits 90 to 210 ms here, the simulation does not.`,
      );

      const pretend = plainValue(settings.pretend_user_exists, true);
      return Promise.resolve(
        pretend && this.passwordStage === undefined ? { kind: 'valid', data } : errors(FAILED),
      );
    }

    this.preUser = userValue(user);
    this.note(`Matched user ${user.username}.`);

    const captchaUid = refUid(settings.captcha_stage);
    if (captchaUid !== undefined && !captchaPasses(this.state, data.captcha_token)) {
      return Promise.resolve(errors(FAILED));
    }

    const passwordStage = this.passwordStage;
    if (passwordStage === undefined) {
      return Promise.resolve({ kind: 'valid', data });
    }

    const backends = plainValue(passwordStage.view.backends, []) as string[];
    const result = authenticate(
      this.state,
      this.context,
      backends,
      user.username,
      asText(data.password),
    );
    result.notes.forEach((line) => this.note(line));
    if (result.user === undefined) {
      return Promise.resolve(errors(FAILED));
    }

    this.preUser = userValue(result.user, result.backend);
    return Promise.resolve({ kind: 'valid', data });
  }

  challengeValid(data: JsonMap): Promise<ExecutorResponse> {
    if (this.preUser !== undefined) {
      this.context[PLAN_CONTEXT.pendingUser] = this.preUser;
    }
    if (!plainValue(this.settings.show_matched_user, true)) {
      this.context[PLAN_CONTEXT.pendingUserIdentifier] = data.uid_field ?? null;
    }

    return Promise.resolve(this.executor.stageOk());
  }

  // The lookup ORs the configured fields; `upn` is the `upn` attribute.
  private findUser(uid: string): DirectoryUser | undefined {
    const settings = this.settings;
    const fields = plainValue(settings.user_fields, []) as string[];
    const insensitive = plainValue(settings.case_insensitive_matching, true);
    const same = (value: unknown): boolean =>
      typeof value === 'string' &&
      (insensitive ? value.toLowerCase() === uid.toLowerCase() : value === uid);

    return this.state.directory.listUsers().find((user) =>
      fields.some((field) => {
        if (field === 'upn') {
          return same(user.attributes.upn);
        }
        return field === 'email' || field === 'username' ? same(user[field]) : false;
      }),
    );
  }

  private note(text: string): void {
    this.state.recorder.note(text);
  }
}

function errors(message: string): Validation {
  return { kind: 'errors', errors: { non_field_errors: [message] } };
}
