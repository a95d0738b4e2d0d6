/**
 * The authenticator validation stage (authentik/stages/authenticator_validate/stage.py,
 * 2025.12). Devices come from the persona; `--input mfa=pass|fail` (or the persona's `mfa`)
 * decides whether the code or key is accepted, and `--input device=NAME` picks a device.
 */
import type { ModelObject } from '../../../shared/model/object.js';
import { readFlow } from '../../../shared/model/flows.js';
import { readAuthenticatorValidateStage } from '../../../shared/model/stages.js';
import { PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { SimDevice } from '../../../shared/simulator/evaluation.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { recordEvent } from '../effects.js';
import type { ChallengeResponse, ExecutorResponse } from '../executor.js';
import { INPUT_KEYS } from '../inputs.js';
import { objectLabel, plainValue, refUids } from '../project-index.js';
import { pendingUserOf } from '../request.js';
import type { Validation } from './base.js';
import { ChallengeStageView, missing } from './base.js';
import { timedeltaSeconds } from './timedelta.js';

export class AuthenticatorValidateStageView extends ChallengeStageView {
  readonly component = 'ak-stage-authenticator-validate';

  private get settings() {
    return readAuthenticatorValidateStage(this.stageObject!);
  }

  private devices(): SimDevice[] {
    const user = pendingUserOf(this.state, this.context);
    const stored = this.state.directory.userByPk(user?.pk ?? null);
    const classes = plainValue(this.settings.device_classes, []) as string[];

    // devices_for_user() returns confirmed devices only.
    return (stored?.devices ?? []).filter(
      (device) => device.confirmed !== false && classes.includes(device.type),
    );
  }

  override async get(): Promise<ExecutorResponse> {
    const state = this.state;
    const settings = this.settings;
    const user = pendingUserOf(state, this.context);
    const classes = plainValue(settings.device_classes, []) as string[];

    if (user === null || user.pk === null) {
      const designation = plainValue(readFlow(this.executor.flow).designation, 'authentication');
      if (designation !== 'authentication') {
        state.recorder.note(
          'No user yet and this is not an authentication flow, so the stage is skipped.',
        );
        return this.executor.stageOk();
      }
      if (!classes.includes('webauthn')) {
        state.recorder.note('No user yet and WebAuthn is not allowed, so the stage is skipped.');
        return this.executor.stageOk();
      }
      // NOTE: a passwordless WebAuthn login without a pending user is not simulated.
      state.recorder.note(
        'Passwordless WebAuthn without a known user is not simulated; the stage is skipped.',
      );
      return this.executor.stageOk();
    }

    if (timedeltaSeconds(plainValue(settings.last_auth_threshold, 'seconds=0')) > 0) {
      state.recorder.note(
        'last_auth_threshold is set, but a simulated browser has no MFA cookie, so validation runs.',
      );
    }

    if (this.devices().length > 0) {
      return super.get();
    }

    const action = plainValue(settings.not_configured_action, 'skip');
    if (action === 'skip') {
      state.recorder.note(
        `${user.username} has no device of an allowed class (${classes.join(', ')}); not_configured_action skip.`,
      );
      return this.executor.stageOk();
    }
    if (action === 'deny') {
      return this.executor.stageInvalid('No (allowed) MFA authenticator configured.');
    }

    return this.configure();
  }

  getChallenge(): Promise<JsonMap> {
    return Promise.resolve({
      device_challenges: this.devices().map((device) => ({
        device_class: device.type,
        device_uid: device.name ?? device.type,
      })),
    });
  }

  respond(challenge: JsonMap): ChallengeResponse {
    const devices = Array.isArray(challenge.device_challenges)
      ? (challenge.device_challenges as JsonMap[])
      : [];
    const used = [];
    const chosen = this.state.inputs.take(INPUT_KEYS.device);
    if (chosen !== undefined) {
      used.push(chosen.use);
    }

    const device = devices.find(
      (candidate) =>
        chosen === undefined ||
        candidate.device_uid === chosen.value ||
        candidate.device_class === chosen.value,
    );
    const result = this.state.inputs.take(INPUT_KEYS.mfa);
    if (result === undefined) {
      return missing([INPUT_KEYS.mfa], used);
    }
    used.push(result.use);

    return {
      data: { device: device?.device_uid ?? chosen?.value ?? null, result: result.value },
      inputs: used,
    };
  }

  validate(data: JsonMap): Promise<Validation> {
    const device = this.devices().find(
      (candidate) => (candidate.name ?? candidate.type) === data.device,
    );
    if (device === undefined) {
      return Promise.resolve({
        kind: 'errors',
        errors: { selected_challenge: ['invalid challenge selected'] },
      });
    }
    if (data.result !== 'pass') {
      // NOTE: the exact text differs per device class on the server.
      return Promise.resolve({ kind: 'errors', errors: { code: ['Invalid Token'] } });
    }

    this.context[PLAN_CONTEXT.authMethod] = this.context[PLAN_CONTEXT.authMethod] ?? 'auth_mfa';
    const args = this.context[PLAN_CONTEXT.authMethodArgs];
    const argsMap: JsonMap =
      typeof args === 'object' && args !== null && !Array.isArray(args) ? args : {};
    const devices = Array.isArray(argsMap.mfa_devices) ? argsMap.mfa_devices : [];
    argsMap.mfa_devices = [...devices, { type: device.type, name: device.name ?? device.type }];
    this.context[PLAN_CONTEXT.authMethodArgs] = argsMap;
    this.state.recorder.note(`Device ${device.name ?? device.type} (${device.type}) accepted.`);

    return Promise.resolve({ kind: 'valid', data });
  }

  challengeValid(): Promise<ExecutorResponse> {
    return Promise.resolve(this.executor.stageOk());
  }

  // not_configured_action configure: one configuration stage is inserted to run next; with
  // several, the user picks one (`--input configure_stage=NAME`).
  private async configure(): Promise<ExecutorResponse> {
    const stages = refUids(plainValue(this.settings.configuration_stages, []))
      .map((uid) => this.state.index.get(uid))
      .filter((stage): stage is ModelObject => stage !== undefined);
    if (stages.length === 0) {
      recordEvent(this.state, {
        action: 'configuration_error',
        app: 'authentik.stages.authenticator_validate',
        context: {
          message:
            'Authenticator validation stage is set to configure user but no configuration flow is set.',
        },
      });
      return this.executor.stageInvalid();
    }

    let stage = stages[0] as ModelObject;
    if (stages.length > 1) {
      const choice = this.state.inputs.take(INPUT_KEYS.configureStage);
      const picked = stages.find((candidate) => objectLabel(candidate) === choice?.value);
      if (choice === undefined || picked === undefined) {
        this.state.recorder.setStatus(
          'waiting',
          `pick a configuration stage with --input configure_stage=NAME (${stages.map(objectLabel).join(', ')})`,
        );
        return Promise.resolve({
          kind: 'challenge',
          component: this.component,
          challenge: { configuration_stages: stages.map(objectLabel) },
          stage: this.binding.ref,
          respond: () => missing([INPUT_KEYS.configureStage]),
        });
      }
      this.state.recorder.current().inputs.push(choice.use);
      stage = picked;
    }

    this.state.recorder.note(
      `Stage ${objectLabel(stage)} is inserted to run next, so the user sets up a device.`,
    );
    this.executor.insertStage({
      ref: { uid: stage.uid, name: objectLabel(stage), model: stage.model },
      stage,
      reEvaluate: false,
      invalidResponseAction: 'retry',
      policyEngineMode: 'any',
    });

    return this.executor.stageOk();
  }
}
