/**
 * The fields of the chosen persona as a form. Each field is checked as it is typed and a
 * rejected value shows its message under the field. Valid values are saved into the project.
 * Built-in personas are shown read-only with "Duplicate to edit".
 */
import { useState } from 'react';

import type { JsonValue } from '../../shared/api/services.js';
import { DuplicateDialog } from './PersonaDialogs.js';
import type { FieldSection, FieldSpec, PersonaJson } from './persona-form.js';
import { newGuild, newMember, sectionsOf, textOf, unusedGuildId, valueAt } from './persona-form.js';
import { usePersonaEditor } from './persona-store.js';

function FieldInput(props: { spec: FieldSpec; initial: JsonValue | undefined; readOnly: boolean }) {
  const { spec, readOnly } = props;
  const [text, setText] = useState(() => textOf(spec.kind, props.initial));
  const error = usePersonaEditor((state) => state.fieldErrors[spec.path]);
  const id = `persona-field-${spec.path}`;
  const change = (value: string) => {
    setText(value);
    usePersonaEditor.getState().editField(spec.path, spec.kind, value);
  };

  let input;
  if (spec.kind === 'boolean') {
    input = (
      <input
        id={id}
        type="checkbox"
        disabled={readOnly}
        checked={text === 'true'}
        onChange={(event) => change(String(event.target.checked))}
      />
    );
  } else if (spec.kind === 'json') {
    input = (
      <textarea
        id={id}
        rows={text === '' ? 1 : Math.min(text.split('\n').length, 8)}
        readOnly={readOnly}
        spellCheck={false}
        value={text}
        placeholder="none"
        onChange={(event) => change(event.target.value)}
      />
    );
  } else {
    input = (
      <input
        id={id}
        type="text"
        readOnly={readOnly}
        value={text}
        aria-invalid={error !== undefined}
        onChange={(event) => change(event.target.value)}
      />
    );
  }

  return (
    <div className={`field persona-field ${error === undefined ? '' : 'field-invalid'}`}>
      <label className="field-label" htmlFor={id}>
        {spec.label} <span className="field-name">{spec.path}</span>
      </label>
      {input}
      {error === undefined ? null : (
        <p className="field-problem" role="alert" data-field={spec.path}>
          {error}
        </p>
      )}
      {spec.help === undefined ? null : <p className="field-help">{spec.help}</p>}
    </div>
  );
}

function GuildActions(props: { section: FieldSection }) {
  const guild = props.section.guild!;
  const edit = (path: string, value: JsonValue | undefined) =>
    usePersonaEditor.getState().editStructure(path, value);

  return (
    <div className="persona-actions">
      {guild.member ? (
        <button type="button" onClick={() => edit(`discord.members.${guild.id}`, undefined)}>
          Remove member object (not a member)
        </button>
      ) : (
        <button type="button" onClick={() => edit(`discord.members.${guild.id}`, newMember())}>
          Add member object
        </button>
      )}
      <button type="button" onClick={() => edit(`discord.guilds.${guild.index}`, undefined)}>
        Remove guild
      </button>
    </div>
  );
}

function PasswordField(props: { hasPassword: boolean }) {
  const [password, setPassword] = useState('');

  return (
    <section className="inspector-section" aria-label="Password">
      <h3>Directory user password</h3>
      <p className="field-help" data-testid="password-state">
        {props.hasPassword
          ? 'A password is set. It is stored as a hash and cannot be shown.'
          : 'No password is set.'}
      </p>
      <div className="persona-actions">
        <input
          type="password"
          aria-label="New password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button
          type="button"
          disabled={password === ''}
          onClick={() => {
            void usePersonaEditor.getState().setPassword(password);
            setPassword('');
          }}
        >
          Set password
        </button>
      </div>
    </section>
  );
}

function Sections(props: { draft: PersonaJson; readOnly: boolean }) {
  const { draft, readOnly } = props;
  const discord = 'discord' in draft;

  return (
    <>
      {sectionsOf(draft).map((section) => (
        <section key={section.title} className="inspector-section" aria-label={section.title}>
          <h3>{section.title}</h3>
          {section.fields.map((spec) => (
            <FieldInput
              key={spec.path}
              spec={spec}
              initial={valueAt(draft, spec.path)}
              readOnly={readOnly}
            />
          ))}
          {section.guild === undefined || readOnly ? null : <GuildActions section={section} />}
        </section>
      ))}
      {!discord || readOnly ? null : (
        <div className="persona-actions">
          <button
            type="button"
            onClick={() =>
              usePersonaEditor
                .getState()
                .editStructure(
                  `discord.guilds.${countGuilds(draft)}`,
                  newGuild(unusedGuildId(draft)),
                )
            }
          >
            Add guild
          </button>
        </div>
      )}
    </>
  );
}

function countGuilds(draft: PersonaJson): number {
  const guilds = valueAt(draft, 'discord.guilds');
  return Array.isArray(guilds) ? guilds.length : 0;
}

/** Renders the chosen persona's form, or a hint when none is chosen. */
export function PersonaForm() {
  const selected = usePersonaEditor((state) => state.selected);
  const details = usePersonaEditor((state) => state.details);
  const draft = usePersonaEditor((state) => state.draft);
  const layout = usePersonaEditor((state) => state.layout);
  const saving = usePersonaEditor((state) => state.saving);
  const [duplicating, setDuplicating] = useState(false);

  if (selected === null || details === null || draft === null) {
    return <p className="hint">Choose a persona to see its fields.</p>;
  }

  const readOnly = details.builtIn;
  return (
    <div className="persona-form" data-testid="persona-form">
      <header className="persona-form-header">
        <strong>{selected}</strong>
        {readOnly ? (
          <>
            <span className="badge badge-muted">built in, read-only</span>
            <button type="button" className="primary" onClick={() => setDuplicating(true)}>
              Duplicate to edit
            </button>
          </>
        ) : (
          <>
            <span className="muted" data-testid="persona-save-state">
              {saving ? 'saving…' : 'saved in the project'}
            </span>
            <button type="button" onClick={() => setDuplicating(true)}>
              Duplicate
            </button>
            <button
              type="button"
              onClick={() => {
                if (window.confirm(`Delete persona “${selected}” from the project?`)) {
                  void usePersonaEditor.getState().remove();
                }
              }}
            >
              Delete
            </button>
          </>
        )}
      </header>
      <div key={layout}>
        <Sections draft={draft} readOnly={readOnly} />
        {readOnly ? null : <PasswordField hasPassword={details.hasPassword} />}
      </div>
      {duplicating ? (
        <DuplicateDialog source={selected} onClose={() => setDuplicating(false)} />
      ) : null}
    </div>
  );
}
