/**
 * The smaller stages: deny, consent, email, the message and source stages authentik adds in
 * memory, and the "not simulated" stand-in for every stage type the simulator does not know.
 */
import { readConsentStage, readDenyStage, readEmailStage } from '../../../shared/model/stages.js';
import { PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { readContextUser } from '../context.js';
import { recordEvent, recordMessage, recordUserUpdated } from '../effects.js';
import type { ChallengeResponse, ExecutorResponse } from '../executor.js';
import { INPUT_KEYS, stageInputKey } from '../inputs.js';
import { plainValue } from '../project-index.js';
import { pendingUserOf } from '../request.js';
import type { Validation } from './base.js';
import { ChallengeStageView, StageView, missing } from './base.js';
import { asText } from '../json.js';

const YES = new Set(['yes', 'y', 'true', '1', 'pass', 'accept', 'continue']);

/** authentik/stages/deny/stage.py: denies at once with the stage's message. */
export class DenyStageView extends StageView {
  get(): Promise<ExecutorResponse> {
    const message = plainValue(readDenyStage(this.stageObject!).deny_message, '');

    return this.executor.stageInvalid(message);
  }
}

/**
 * authentik/stages/consent/stage.py: skipped when the user already consented to the
 * application (persona `consents`) and the mode remembers consent. Otherwise the input
 * `consent=yes|no` decides, and "no" is the Cancel button, which ends the flow.
 */
export class ConsentStageView extends ChallengeStageView {
  readonly component = 'ak-stage-consent';

  override async get(): Promise<ExecutorResponse> {
    const mode = plainValue(readConsentStage(this.stageObject!).mode, 'always_require');
    const application = this.state.application;
    const known =
      application !== undefined && (this.state.persona?.consents ?? []).includes(application);
    if (mode !== 'always_require' && known) {
      this.state.recorder.note(
        `The user already consented to ${application} (mode ${mode}), so the stage is skipped.`,
      );
      return this.executor.stageOk();
    }

    return super.get();
  }

  getChallenge(): Promise<JsonMap> {
    return Promise.resolve({
      header_text: this.context[PLAN_CONTEXT.consentHeader] ?? '',
      permissions: this.context[PLAN_CONTEXT.consentPermissions] ?? [],
    });
  }

  respond(): ChallengeResponse {
    const answer = this.state.inputs.take(INPUT_KEYS.consent);
    if (answer === undefined) {
      return missing([INPUT_KEYS.consent]);
    }

    return { data: { consent: YES.has(answer.value.toLowerCase()) }, inputs: [answer.use] };
  }

  validate(data: JsonMap): Promise<Validation> {
    return Promise.resolve({ kind: 'valid', data });
  }

  challengeValid(data: JsonMap): Promise<ExecutorResponse> {
    if (data.consent !== true) {
      // The Cancel link of the consent page drops the plan.
      this.state.recorder.note('The user pressed Cancel on the consent page.');
      return this.executor.stageInvalid('The user declined consent.');
    }

    const mode = plainValue(readConsentStage(this.stageObject!).mode, 'always_require');
    this.context[PLAN_CONTEXT.consent] = { mode, application: this.state.application ?? null };
    if (mode !== 'always_require') {
      this.state.recorder.note(`The consent is stored (mode ${mode}).`);
    }

    return Promise.resolve(this.executor.stageOk());
  }
}

/**
 * authentik/stages/email/stage.py: sends one email to the context `email` or the pending
 * user's address, then waits until the user opens the link, which restores the plan
 * (`--input email_link=open`). The email goes to the run's outbox.
 */
export class EmailStageView extends ChallengeStageView {
  readonly component = 'ak-stage-email';

  override async get(): Promise<ExecutorResponse> {
    const user = readContextUser(this.context[PLAN_CONTEXT.pendingUser], this.state.directory);
    if (user === undefined) {
      return this.executor.stageInvalid('No pending user');
    }

    if (this.context[PLAN_CONTEXT.emailSent] !== true) {
      const settings = readEmailStage(this.stageObject!);
      const to =
        typeof this.context[PLAN_CONTEXT.email] === 'string'
          ? (this.context[PLAN_CONTEXT.email] as string)
          : user.email;
      this.state.recorder.effects.emails.push({
        to: [to],
        subject: plainValue(settings.subject, 'authentik'),
        template: plainValue(settings.template, 'email/password_reset.html'),
        body: null,
        by: `email stage ${this.binding.ref.name}`,
      });
      this.context[PLAN_CONTEXT.emailSent] = true;
      this.state.recorder.note(`An email with a link to continue the flow is sent to ${to}.`);
    }

    return super.get();
  }

  getChallenge(): Promise<JsonMap> {
    return Promise.resolve({ title: 'Email sent.' });
  }

  respond(): ChallengeResponse {
    const link = this.state.inputs.take(INPUT_KEYS.emailLink);
    if (link === undefined) {
      return missing([INPUT_KEYS.emailLink]);
    }

    return { data: { email_link: link.value }, inputs: [link.use] };
  }

  validate(data: JsonMap): Promise<Validation> {
    if (!YES.has(asText(data.email_link).toLowerCase()) && data.email_link !== 'open') {
      return Promise.resolve({
        kind: 'errors',
        errors: { email_link: ['The link in the email was not opened.'] },
      });
    }

    return Promise.resolve({ kind: 'valid', data });
  }

  // Opening the link restores the plan with is_restored; the stage then completes.
  challengeValid(): Promise<ExecutorResponse> {
    this.context[PLAN_CONTEXT.isRestored] = 'flow_token';
    const settings = readEmailStage(this.stageObject!);
    const user = pendingUserOf(this.state, this.context);
    recordMessage(this.state, {
      level: 'success',
      text: 'Successfully verified Email.',
      by: `email stage ${this.binding.ref.name}`,
    });

    const stored = this.state.directory.userByPk(user?.pk ?? null);
    if (
      plainValue(settings.activate_user_on_success, false) &&
      stored !== undefined &&
      !stored.is_active
    ) {
      const activated = { ...stored, is_active: true };
      this.state.directory.saveUser(activated);
      recordUserUpdated(this.state, stored, activated, `email stage ${this.binding.ref.name}`);
    }

    return Promise.resolve(this.executor.stageOk());
  }
}

/** A stage type the simulator does not implement: the user passes or fails it explicitly. */
export class NotSimulatedStageView extends ChallengeStageView {
  get component(): string {
    return `not-simulated:${this.binding.ref.model}`;
  }

  override async get(): Promise<ExecutorResponse> {
    this.state.recorder.finding(
      'info',
      'stage-not-simulated',
      `Stage "${this.binding.ref.name}" (${this.binding.ref.model}) is not simulated; the run's input ${stageInputKey(this.binding.ref.name)}=pass|fail decides it.`,
    );

    return super.get();
  }

  getChallenge(): Promise<JsonMap> {
    return Promise.resolve({ model: this.binding.ref.model });
  }

  respond(): ChallengeResponse {
    const key = stageInputKey(this.binding.ref.name);
    const answer = this.state.inputs.take(key);
    if (answer === undefined) {
      return missing([key]);
    }

    return { data: { result: answer.value }, inputs: [answer.use] };
  }

  validate(data: JsonMap): Promise<Validation> {
    return Promise.resolve({ kind: 'valid', data });
  }

  challengeValid(data: JsonMap): Promise<ExecutorResponse> {
    if (YES.has(asText(data.result).toLowerCase())) {
      return Promise.resolve(this.executor.stageOk());
    }

    return this.executor.stageInvalid(
      `Stage ${this.binding.ref.name} failed (simulated by input).`,
    );
  }
}

/** The message stage authentik appends after a source login (MessageStage). */
export class MessageStageView extends StageView {
  get(): Promise<ExecutorResponse> {
    const text = asText(this.stageData.message);
    recordMessage(this.state, { level: 'success', text, by: this.binding.ref.name });

    return Promise.resolve(this.executor.stageOk());
  }
}

/**
 * PostSourceStage (authentik/core/sources/stage.py): saves the source connection for the
 * pending user and records `source_linked` when it is new.
 */
export class SourcePostStageView extends StageView {
  get(): Promise<ExecutorResponse> {
    const user = readContextUser(this.context[PLAN_CONTEXT.pendingUser], this.state.directory);
    const connection = this.context[PLAN_CONTEXT.sourcesConnection];
    if (
      user !== undefined &&
      typeof connection === 'object' &&
      connection !== null &&
      !Array.isArray(connection)
    ) {
      const isNew = connection.pk === null || connection.pk === undefined;
      connection.user = user.pk;
      if (isNew) {
        recordEvent(this.state, {
          action: 'source_linked',
          app: 'authentik.core.sources.stage',
          context: { source: connection.source ?? null },
          user: user.username,
        });
      }
      this.state.recorder.note(`The source connection is saved for ${user.username}.`);
    }

    return Promise.resolve(this.executor.stageOk());
  }
}
