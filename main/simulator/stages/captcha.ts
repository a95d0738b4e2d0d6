/**
 * The captcha stage (authentik/stages/captcha/stage.py): the server verifies the browser's
 * token with the captcha provider. Offline, the persona (or `--input captcha=pass|fail`) decides
 * what the provider answers.
 */
import { PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import type { JsonValue } from '../../../shared/simulator/evaluation.js';
import type { ChallengeResponse, ExecutorResponse } from '../executor.js';
import { INPUT_KEYS } from '../inputs.js';
import type { RunState } from '../types.js';
import type { Validation } from './base.js';
import { ChallengeStageView, missing } from './base.js';

/** Tells whether the simulated captcha provider accepts a token (`pass` or `fail`). */
export function captchaPasses(state: RunState, token: JsonValue | undefined): boolean {
  const passes = token === 'pass';
  state.recorder.note(
    `The captcha provider ${passes ? 'accepts' : 'rejects'} the visitor (simulated).`,
  );

  return passes;
}

export class CaptchaStageView extends ChallengeStageView {
  readonly component = 'ak-stage-captcha';

  getChallenge(): Promise<JsonMap> {
    const data = this.stageData;

    return Promise.resolve({
      site_key: typeof data.public_key === 'string' ? data.public_key : '',
      interactive: data.interactive === true,
    });
  }

  respond(): ChallengeResponse {
    const captcha = this.state.inputs.take(INPUT_KEYS.captcha);
    if (captcha === undefined) {
      return missing([INPUT_KEYS.captcha]);
    }

    return { data: { token: captcha.value }, inputs: [captcha.use] };
  }

  validate(data: JsonMap): Promise<Validation> {
    if (!captchaPasses(this.state, data.token)) {
      // NOTE: the provider's own error text varies; this is the message for a failed check.
      return Promise.resolve({ kind: 'errors', errors: { token: ['Failed to validate token'] } });
    }

    return Promise.resolve({ kind: 'valid', data });
  }

  challengeValid(): Promise<ExecutorResponse> {
    // NOTE: the server stores the provider's verification response here; the simulation has none.
    this.context[PLAN_CONTEXT.captcha] = { success: true };

    return Promise.resolve(this.executor.stageOk());
  }
}
