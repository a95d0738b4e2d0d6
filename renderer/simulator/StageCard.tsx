/**
 * One step of the simulated login as the user sees it: the stage's form in an authentik-like
 * card, filled with the inputs the run used (the persona's or the admin's), with the stage's
 * messages and field errors; or the plan, the source login, or the final page.
 */
import { useEffect, useMemo, useState } from 'react';

import { MASK } from '../../shared/simulator/mask.js';
import type { SimulationTrace, TraceStep } from '../../shared/simulator/trace.js';
import { mergeEntryData } from '../../shared/model/view.js';
import { useProject } from '../state/project-store.js';
import { FinishCard } from './FinishCard.js';
import { SourceLoginView, TextWithUrls } from './SourceLoginView.js';
import type { FormField, StageForm } from './stage-forms.js';
import { stageForm } from './stage-forms.js';

// The trace masks secret inputs (a persona's password), so such a field starts empty with a
// placeholder and is sent only when the admin types a new value.
function initialValues(form: StageForm, step: TraceStep): Record<string, string> {
  const values: Record<string, string> = {};
  for (const item of form.fields) {
    const used = [...step.inputs].reverse().find((use) => use.key === item.key);
    const value = used?.value;
    const shown =
      used === undefined || value === MASK
        ? item.initial
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
    values[item.key] = shown;
  }
  return values;
}

function maskedKeys(step: TraceStep): Set<string> {
  return new Set(step.inputs.filter((use) => use.value === MASK).map((use) => use.key));
}

/** Returns the inputs the admin changed, which are the only ones a submit sends. */
export function changedValues(
  initial: Record<string, string>,
  current: Record<string, string>,
): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const [key, value] of Object.entries(current)) {
    if (value !== initial[key]) {
      changed[key] = value;
    }
  }
  return changed;
}

function Control(props: {
  item: FormField;
  value: string;
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  const { item, value, disabled, onChange } = props;
  const id = `stage-field-${item.key}`;

  switch (item.control) {
    case 'separator':
      return <hr className="stage-separator" />;
    case 'static':
      return <p className="stage-static">{item.initial}</p>;
    case 'hidden':
      return null;
    case 'checkbox':
      return (
        <label className="stage-check">
          <input
            id={id}
            type="checkbox"
            checked={['true', '1', 'yes', 'on'].includes(value.toLowerCase())}
            disabled={disabled}
            onChange={(event) => onChange(event.target.checked ? 'true' : 'false')}
          />
          {item.label}
        </label>
      );
    case 'pass-fail':
    case 'select':
    case 'radio': {
      const choices = item.control === 'pass-fail' ? ['pass', 'fail'] : item.choices;
      return (
        <select
          id={id}
          value={value}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value)}
        >
          {item.control === 'pass-fail' ? null : <option value="">(choose)</option>}
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
    }
    case 'textarea':
      return (
        <textarea
          id={id}
          value={value}
          disabled={disabled}
          placeholder={item.placeholder}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    case 'readonly':
      return <input id={id} type="text" value={item.initial} readOnly />;
    case 'date':
    case 'datetime-local':
    case 'email':
    case 'file':
    case 'number':
    case 'password':
    case 'text':
      return (
        <input
          id={id}
          type={item.control === 'file' ? 'text' : item.control}
          value={value}
          disabled={disabled}
          placeholder={item.placeholder}
          autoComplete="off"
          onChange={(event) => onChange(event.target.value)}
        />
      );
  }
}

// Reads the flow's title (the heading authentik shows on its pages) and its name.
function flowLabels(slug: string): { title: string; name: string } {
  const objects = useProject.getState().objects;
  for (const object of objects.values()) {
    if (object.model !== 'authentik_flows.flow') {
      continue;
    }
    const data = mergeEntryData(object);
    if (data.slug === slug) {
      return {
        title: typeof data.title === 'string' && data.title !== '' ? data.title : slug,
        name: typeof data.name === 'string' && data.name !== '' ? data.name : slug,
      };
    }
  }
  return { title: slug, name: slug };
}

function StageFormCard(props: {
  step: TraceStep;
  onSubmit: (values: Record<string, string>) => void;
  busy: boolean;
}) {
  const { step } = props;
  const objects = useProject((state) => state.objects);
  const form = useMemo(() => stageForm(step.stage!, step.component, objects), [step, objects]);
  const initial = useMemo(() => initialValues(form, step), [form, step]);
  const masked = useMemo(() => maskedKeys(step), [step]);
  const [values, setValues] = useState(initial);

  useEffect(() => {
    setValues(initial);
  }, [initial]);

  const submit = (extra: Record<string, string>): void => {
    props.onSubmit({ ...changedValues(initial, values), ...extra });
  };

  const errors = step.responseErrors ?? {};
  const visible = form.fields.filter((item) => item.control !== 'hidden');

  return (
    <form
      className="stage-form"
      aria-label={`Stage ${step.stage!.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        submit(form.buttons[0]?.values ?? {});
      }}
    >
      {form.note === undefined ? null : <p className="hint">{form.note}</p>}
      {visible.map((item) => (
        <div key={item.key} className="stage-field">
          {item.control === 'checkbox' ||
          item.control === 'separator' ||
          item.control === 'static' ? null : (
            <label htmlFor={`stage-field-${item.key}`}>
              {item.label}
              {item.required ? '' : ' (optional)'}
            </label>
          )}
          <Control
            item={
              masked.has(item.key)
                ? { ...item, placeholder: '(the persona’s answer, hidden)' }
                : item
            }
            value={values[item.key] ?? ''}
            disabled={props.busy}
            onChange={(value) => setValues({ ...values, [item.key]: value })}
          />
          {item.help === '' ? null : <p className="field-help">{item.help}</p>}
          {(errors[item.key] ?? []).map((error) => (
            <p key={error} className="field-problem">
              {error}
            </p>
          ))}
        </div>
      ))}
      {(errors.non_field_errors ?? []).map((error) => (
        <p key={error} className="field-problem">
          {error}
        </p>
      ))}
      <div className="stage-buttons">
        {form.buttons.map((button, index) => (
          <button
            key={button.label}
            type={index === 0 ? 'submit' : 'button'}
            className={index === 0 ? 'primary' : ''}
            disabled={props.busy}
            onClick={
              index === 0 ? undefined : () => props.onSubmit({ ...values, ...button.values })
            }
          >
            {button.label}
          </button>
        ))}
      </div>
    </form>
  );
}

/** Renders a step as the user would see it. */
export function StageCard(props: {
  trace: SimulationTrace;
  index: number;
  busy: boolean;
  onSubmit: (values: Record<string, string>) => void;
}) {
  const step = props.trace.steps[props.index];
  if (step === undefined) {
    return null;
  }

  const flow = flowLabels(step.flow);
  let body;
  if (step.kind === 'finish') {
    body = <FinishCard trace={props.trace} />;
  } else if (step.kind === 'plan') {
    body = (
      <div className="stage-result">
        <strong>{step.title}</strong>
        <ol className="plan-list">
          {(step.plan?.bindings ?? []).map((binding, index) => (
            <li key={index} className={`plan-${binding.decision}`}>
              {binding.stage.name} <span className="muted">({binding.decision})</span>
              {binding.why === undefined ? null : <span className="muted"> — {binding.why}</span>}
            </li>
          ))}
        </ol>
      </div>
    );
  } else if (step.kind === 'source' || step.stage === undefined) {
    const login = props.trace.source;
    body = (
      <div className="stage-result">
        <strong>{step.title}</strong>
        {step.kind === 'source' && login !== undefined ? <SourceLoginView login={login} /> : null}
        {step.notes.map((note, index) => (
          <p key={index} className="muted">
            <TextWithUrls text={note} />
          </p>
        ))}
      </div>
    );
  } else {
    body = <StageFormCard step={step} onSubmit={props.onSubmit} busy={props.busy} />;
  }

  return (
    <section
      className="stage-card"
      aria-label="Login page"
      data-testid="stage-card"
      data-status={step.status}
    >
      {step.kind === 'stage' && step.stage !== undefined ? (
        <header className="stage-card-header">
          <div className="stage-card-title">{flow.title}</div>
          <div className="stage-card-sub">
            {step.stage.name}
            {step.component === undefined ? null : <code className="muted"> {step.component}</code>}
          </div>
        </header>
      ) : (
        // Plan, source and finish cards carry their own headline, so the header only names the
        // flow. A flow's title is written for its stage pages ("Pick a username"), so the name
        // is used instead.
        <header className="stage-card-header stage-card-header-small">
          <span className="stage-card-flow" data-testid="stage-card-flow">
            Flow: {flow.name}
          </span>
        </header>
      )}
      {step.messages.length === 0 ? null : (
        <ul className="stage-messages" data-testid="stage-messages">
          {step.messages.map((message, index) => (
            <li key={index}>{message}</li>
          ))}
        </ul>
      )}
      {body}
      {step.why === undefined || step.kind === 'finish' ? null : (
        <p className={`stage-why status-${step.status}`} data-testid="stage-why">
          {step.status}: {step.why}
        </p>
      )}
    </section>
  );
}
