/**
 * The form a stage shows, built from the stage's settings in the project: which fields authentik
 * renders and which simulator input key each field answers (`username`, `password`, a prompt
 * field's key, ...). The simulator's stages read the same keys, so a form value becomes the
 * run's input unchanged.
 */
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { isRef } from '../../shared/model/values.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type { StageRef } from '../../shared/simulator/trace.js';

/** The control a field is drawn with. */
export type FieldControl =
  | 'text'
  | 'textarea'
  | 'password'
  | 'email'
  | 'number'
  | 'checkbox'
  | 'select'
  | 'radio'
  | 'date'
  | 'datetime-local'
  | 'file'
  | 'readonly'
  | 'hidden'
  | 'static'
  | 'separator'
  | 'pass-fail';

/** One field of a stage form. */
export interface FormField {
  /** The simulator input key the field fills. */
  key: string;
  label: string;
  control: FieldControl;
  required: boolean;
  placeholder: string;
  initial: string;
  choices: string[];
  help: string;
}

/** A button that submits fixed values, e.g. consent's Continue and Deny. */
export interface FormButton {
  label: string;
  values: Record<string, string>;
}

/** The form of one stage. */
export interface StageForm {
  /** authentik's challenge component, e.g. `ak-stage-password`. */
  component: string;
  fields: FormField[];
  /** Buttons; the first submits the fields. */
  buttons: FormButton[];
  /** A line explaining a stage that shows no form. */
  note?: string;
}

const PROMPT_CONTROLS: Record<string, FieldControl> = {
  text: 'text',
  username: 'text',
  email: 'email',
  password: 'password',
  number: 'number',
  checkbox: 'checkbox',
  text_area: 'textarea',
  text_read_only: 'readonly',
  text_area_read_only: 'readonly',
  date: 'date',
  'date-time': 'datetime-local',
  file: 'file',
  separator: 'separator',
  hidden: 'hidden',
  static: 'static',
  'radio-button-group': 'radio',
  dropdown: 'select',
  'ak-locale': 'text',
};

function field(
  key: string,
  label: string,
  control: FieldControl,
  extra: Partial<FormField> = {},
): FormField {
  return {
    key,
    label,
    control,
    required: true,
    placeholder: '',
    initial: '',
    choices: [],
    help: '',
    ...extra,
  };
}

function text(value: Value | undefined, fallback = ''): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }

  return value === undefined || value === null ? fallback : JSON.stringify(value);
}

function refUid(value: Value | undefined): string | undefined {
  return isRef(value) ? value.$ref : undefined;
}

const USER_FIELD_LABELS: Record<string, string> = {
  username: 'Username',
  email: 'Email',
  upn: 'UPN',
};

function identificationForm(data: Record<string, Value>): StageForm {
  const userFields = Array.isArray(data.user_fields)
    ? data.user_fields.map((item) => text(item))
    : [];
  const label =
    userFields.length === 0
      ? 'Username'
      : userFields.map((name) => USER_FIELD_LABELS[name] ?? name).join(' or ');
  const fields = [field('username', label, 'text')];
  if (refUid(data.password_stage) !== undefined) {
    fields.push(field('password', 'Password', 'password'));
  }
  if (refUid(data.captcha_stage) !== undefined) {
    fields.push(field('captcha', 'Captcha result', 'pass-fail', { initial: 'pass' }));
  }

  return {
    component: 'ak-stage-identification',
    fields,
    buttons: [{ label: 'Log in', values: {} }],
  };
}

function promptForm(
  data: Record<string, Value>,
  objects: ReadonlyMap<string, ModelObject>,
): StageForm {
  const list = Array.isArray(data.fields) ? data.fields : [];
  const prompts = list
    .map((item) => objects.get(refUid(item) ?? ''))
    .filter((object): object is ModelObject => object !== undefined)
    .map((object) => mergeEntryData(object))
    .sort((a, b) => Number(a.order ?? 0) - Number(b.order ?? 0));

  const fields = prompts.map((prompt) => {
    const type = text(prompt.type, 'text');
    const control = PROMPT_CONTROLS[type] ?? 'text';
    const placeholder = text(prompt.placeholder);
    const choices = control === 'radio' || control === 'select' ? [placeholder] : [];
    return field(text(prompt.field_key), text(prompt.label, text(prompt.field_key)), control, {
      required: prompt.required !== false,
      placeholder: choices.length > 0 ? '' : placeholder,
      initial: text(prompt.initial_value),
      choices,
      help: text(prompt.sub_text),
    });
  });

  return { component: 'ak-stage-prompt', fields, buttons: [{ label: 'Continue', values: {} }] };
}

/** Builds the form of the stage a step ran. */
export function stageForm(
  stage: StageRef,
  component: string | undefined,
  objects: ReadonlyMap<string, ModelObject>,
): StageForm {
  const object = stage.uid === undefined ? undefined : objects.get(stage.uid);
  const data = object === undefined ? {} : mergeEntryData(object);

  if (component?.startsWith('not-simulated:') === true) {
    return {
      component,
      fields: [
        field(`stage:${stage.name}`, `Result of stage ${stage.name}`, 'pass-fail', {
          initial: 'pass',
        }),
      ],
      buttons: [{ label: 'Continue', values: {} }],
      note: 'Stagecraft does not simulate this stage type; choose whether it passes.',
    };
  }

  switch (stage.model) {
    case 'authentik_stages_identification.identificationstage':
      return identificationForm(data);
    case 'authentik_stages_password.passwordstage':
      return {
        component: 'ak-stage-password',
        fields: [field('password', 'Password', 'password')],
        buttons: [{ label: 'Continue', values: {} }],
      };
    case 'authentik_stages_prompt.promptstage':
      return promptForm(data, objects);
    case 'authentik_stages_consent.consentstage':
      return {
        component: 'ak-stage-consent',
        fields: [],
        buttons: [
          { label: 'Continue', values: { consent: 'yes' } },
          { label: 'Deny', values: { consent: 'no' } },
        ],
      };
    case 'authentik_stages_captcha.captchastage':
      return {
        component: 'ak-stage-captcha',
        fields: [field('captcha', 'Captcha result', 'pass-fail', { initial: 'pass' })],
        buttons: [{ label: 'Continue', values: {} }],
      };
    case 'authentik_stages_authenticator_validate.authenticatorvalidatestage':
      return {
        component: 'ak-stage-authenticator-validate',
        fields: [
          field('device', 'Device', 'text', {
            required: false,
            help: 'Type of the device, e.g. totp',
          }),
          field('mfa', 'Code accepted', 'pass-fail', { initial: 'pass' }),
        ],
        buttons: [{ label: 'Continue', values: {} }],
      };
    case 'authentik_stages_email.emailstage':
      return {
        component: 'ak-stage-email',
        fields: [],
        buttons: [{ label: 'Open the link in the email', values: { email_link: 'open' } }],
        note: 'The stage sends an email and waits until its link is opened.',
      };
    case 'authentik_stages_user_login.userloginstage': {
      const offset = text(data.remember_me_offset, 'seconds=0');
      if (!/^(?:\w+=0;?)+$/.test(offset.replace(/\s/g, ''))) {
        return {
          component: 'ak-stage-user-login',
          fields: [field('remember_me', 'Stay signed in', 'checkbox', { required: false })],
          buttons: [{ label: 'Continue', values: {} }],
        };
      }
      return {
        component: 'ak-stage-user-login',
        fields: [],
        buttons: [],
        note: 'Signs the user in; no form.',
      };
    }
    default:
      return {
        component: component ?? '',
        fields: [],
        buttons: [],
        note: 'This stage runs on the server and shows no form.',
      };
  }
}
