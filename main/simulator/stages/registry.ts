/** Picks the view that runs a stage, by model; unknown models get the "not simulated" view. */
import type { FlowExecutor } from '../executor.js';
import { GroupUpdateStageView } from '../oauth/group-update.js';
import type { PlanBinding } from '../planner.js';
import { AuthenticatorValidateStageView } from './authenticator-validate.js';
import type { StageView } from './base.js';
import { CaptchaStageView } from './captcha.js';
import { IdentificationStageView } from './identification.js';
import {
  ConsentStageView,
  DenyStageView,
  EmailStageView,
  MessageStageView,
  NotSimulatedStageView,
  SourcePostStageView,
} from './other.js';
import { PasswordStageView } from './password.js';
import { PromptStageView } from './prompt.js';
import { RedirectStageView } from './redirect.js';
import { UserLoginStageView, UserLogoutStageView } from './session.js';
import { UserWriteStageView } from './user-write.js';

type StageViewClass = new (executor: FlowExecutor, binding: PlanBinding) => StageView;

/** Stage models the simulator implements, with their views. */
export const SIMULATED_STAGES: Readonly<Record<string, StageViewClass>> = {
  'authentik_stages_identification.identificationstage': IdentificationStageView,
  'authentik_stages_password.passwordstage': PasswordStageView,
  'authentik_stages_prompt.promptstage': PromptStageView,
  'authentik_stages_user_write.userwritestage': UserWriteStageView,
  'authentik_stages_user_login.userloginstage': UserLoginStageView,
  'authentik_stages_user_logout.userlogoutstage': UserLogoutStageView,
  'authentik_stages_deny.denystage': DenyStageView,
  'authentik_stages_consent.consentstage': ConsentStageView,
  'authentik_stages_email.emailstage': EmailStageView,
  'authentik_stages_captcha.captchastage': CaptchaStageView,
  'authentik_stages_redirect.redirectstage': RedirectStageView,
  'authentik_stages_authenticator_validate.authenticatorvalidatestage':
    AuthenticatorValidateStageView,
};

/** Creates the view of the plan's current stage. */
export function createStageView(executor: FlowExecutor, binding: PlanBinding): StageView {
  const stage = binding.stage;
  if ('kind' in stage) {
    switch (stage.view) {
      case 'redirect':
        return new RedirectStageView(executor, binding);
      case 'message':
        return new MessageStageView(executor, binding);
      case 'source-post':
        return new SourcePostStageView(executor, binding);
      case 'group-update':
        return new GroupUpdateStageView(executor, binding);
    }
  }

  const View = SIMULATED_STAGES[binding.ref.model] ?? NotSimulatedStageView;
  return new View(executor, binding);
}
