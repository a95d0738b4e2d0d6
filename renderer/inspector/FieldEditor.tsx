/**
 * One field of the inspector form. The value is checked on every keystroke. A valid value is
 * sent as a `field.set` change after a short pause, and the keystrokes of one field become one
 * undo step.
 */
import { useEffect, useMemo, useRef, useState } from 'react';

import type { FieldSpec } from '../../shared/model/catalog.js';
import { valuesEqual } from '../../shared/model/equal.js';
import type { ModelFacts } from '../../shared/model/fields.js';
import { getReference, referenceTargets } from '../../shared/model/fields.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { isRef, ref } from '../../shared/model/values.js';
import { sendChanges } from '../canvas/actions.js';
import { setField } from '../model/edits.js';
import { choiceTitle } from '../model/names.js';
import { fieldValue } from '../model/project-index.js';
import { useProject } from '../state/project-store.js';
import type { FieldControl } from './field-model.js';
import { ListEditor } from './ListEditor.js';
import { writtenList } from './list-model.js';
import { chipOrderOf } from './reference-model.js';
import { ReferencePicker } from './ReferencePicker.js';
import './inspector.css';
import {
  controlFor,
  describeDefault,
  fieldProblems,
  formatDraft,
  parseDraft,
} from './field-model.js';

const COMMIT_DELAY = 350;

interface FieldEditorProps {
  object: ModelObject;
  field: string;
  spec: FieldSpec;
  facts: ModelFacts | undefined;
}

/**
 * Sends a field's new value. Typing merges into one undo step per field (`merge`). A discrete
 * action, such as adding a chip or checking a box, is a step of its own.
 */
function commit(object: ModelObject, field: string, value: Value | undefined, merge = true): void {
  const change = setField(object, field, value);
  if (change !== undefined) {
    const mergeKey = merge ? `field:${object.uid}:${field}` : undefined;
    void sendChanges([change], `Edit ${field}`, mergeKey);
  }
}

function ReferenceOptions(props: { targets: readonly string[] }) {
  const objects = useProject((state) => state.objects);
  const options = useMemo(() => {
    const wanted = new Set(props.targets);
    return [...objects.values()]
      .filter((object) => wanted.has(object.model))
      .map((object) => ({ uid: object.uid, title: choiceTitle(object, objects) }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [objects, props.targets]);

  return (
    <>
      {options.map((option) => (
        <option key={option.uid} value={option.uid}>
          {option.title}
        </option>
      ))}
    </>
  );
}

/** Renders the editor of one field. */
export function FieldEditor(props: FieldEditorProps) {
  const { object, field, spec, facts } = props;
  const value = fieldValue(object, field);
  const reference = getReference(object.model, field);
  const control: FieldControl = controlFor(field, spec, reference, value);
  const fallback = facts?.defaults[field];
  const [draft, setDraft] = useState(() => formatDraft(control, value));
  const [error, setError] = useState<string | null>(null);
  const committed = useRef<Value | undefined>(value);
  const timer = useRef<number | undefined>(undefined);
  const inputId = `field-${object.uid}-${field}`;

  // Take values changed elsewhere (undo, another field's edit), but not the echo of our own.
  useEffect(() => {
    if (!valuesEqual(committed.current, value)) {
      setDraft(formatDraft(control, value));
      setError(null);
    }
    committed.current = value;
  }, [value, control]);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const problems = error === null ? fieldProblems(field, spec, facts, value) : [error];

  const update = (text: string, immediate = false): void => {
    setDraft(text);
    const parsed = parseDraft(control, text);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }

    const issues =
      parsed.value === undefined ? [] : fieldProblems(field, spec, facts, parsed.value);
    const blocking = issues.filter((issue) => !issue.startsWith('Required'));
    setError(blocking.length > 0 ? (blocking[0] ?? null) : null);
    if (blocking.length > 0) {
      return;
    }

    window.clearTimeout(timer.current);
    const send = (): void => {
      committed.current = parsed.value;
      commit(object, field, parsed.value);
    };
    if (immediate) {
      send();
    } else {
      timer.current = window.setTimeout(send, COMMIT_DELAY);
    }
  };

  // The picker and the list editor send only valid lists. Typing in a row merges into one undo
  // step; the other changes of a list are steps of their own.
  const commitList = (items: readonly Value[], typing = false): void => {
    window.clearTimeout(timer.current);
    const next = writtenList(items, fallback);
    committed.current = next;
    setDraft(formatDraft(control, next));
    setError(null);
    commit(object, field, next, typing);
  };

  const label = spec.title ?? field;
  const help = spec.description;
  const placeholder = describeDefault(fallback);

  return (
    <div className={`field ${problems.length > 0 ? 'field-invalid' : ''}`}>
      <label htmlFor={inputId} className="field-label">
        {label} <code className="field-name">{field}</code>
      </label>
      {renderControl()}
      {help === undefined ? null : <p className="field-help">{help}</p>}
      {problems.map((problem) => (
        <p key={problem} className="field-problem" role="alert">
          {problem}
        </p>
      ))}
    </div>
  );

  function renderControl() {
    switch (control) {
      case 'tag':
        return (
          <div className="field-tag">
            <code id={inputId}>{formatDraft('tag', value)}</code>
            <button type="button" onClick={() => update('', true)}>
              Clear
            </button>
          </div>
        );
      case 'reference': {
        const current = isRef(value) ? value.$ref : '';
        const outside = value !== undefined && value !== null && !isRef(value);
        return (
          <select
            id={inputId}
            value={outside ? '__outside' : current}
            onChange={(event) => {
              const uid = event.target.value;
              const next = uid === '' ? undefined : ref(uid);
              committed.current = next;
              commit(object, field, next);
            }}
          >
            <option value="">(not set)</option>
            {outside ? <option value="__outside">{formatDraft('json', value)}</option> : null}
            <ReferenceOptions targets={referenceTargets(reference!)} />
          </select>
        );
      }
      case 'references':
        return (
          <ReferencePicker
            inputId={inputId}
            label={label}
            value={value}
            targets={referenceTargets(reference!)}
            order={chipOrderOf(object.model, field)}
            onChange={(items) => commitList(items)}
          />
        );
      case 'list':
        return (
          <ListEditor
            inputId={inputId}
            label={label}
            spec={spec}
            value={value}
            onChange={commitList}
            json={renderJson()}
          />
        );
      case 'choice':
        return (
          <select id={inputId} value={draft} onChange={(event) => update(event.target.value, true)}>
            <option value="">{placeholder === '' ? '(not set)' : `(${placeholder})`}</option>
            {(spec.enum ?? []).map((choice) => (
              <option key={String(choice)} value={String(choice)}>
                {String(choice)}
              </option>
            ))}
          </select>
        );
      case 'boolean':
        return (
          <select id={inputId} value={draft} onChange={(event) => update(event.target.value, true)}>
            <option value="">{placeholder === '' ? '(not set)' : `(${placeholder})`}</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        );
      case 'number':
        return (
          <input
            id={inputId}
            type="text"
            inputMode="numeric"
            value={draft}
            placeholder={placeholder}
            onChange={(event) => update(event.target.value)}
          />
        );
      case 'text':
        return (
          <input
            id={inputId}
            type="text"
            value={draft}
            placeholder={placeholder}
            onChange={(event) => update(event.target.value)}
          />
        );
      case 'long-text':
      case 'json':
        return renderJson();
    }
  }

  function renderJson() {
    return (
      <textarea
        id={inputId}
        value={draft}
        rows={control === 'long-text' ? 6 : 3}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(event) => update(event.target.value)}
      />
    );
  }
}
