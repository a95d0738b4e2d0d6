/**
 * The connection tab: edit a server profile (address, CA file, token variable), enter a token
 * for the secret store, and test the connection.
 */
import type { ReactNode } from 'react';
import { useEffect, useRef, useState } from 'react';

import type { SecretStatus } from '../../shared/api/services.js';
import type { ServerIdentity, ServerProfileStatus } from '../../shared/server/types.js';
import { DEFAULT_TOKEN_VARIABLE } from '../../shared/server/types.js';
import { client } from '../state/client.js';
import type { FieldProblems, ProfileField } from './profile-form.js';
import { checkProfileForm, describeTokenStorage, fieldProblemOf } from './profile-form.js';
import { errorText } from './server-ui.js';

/** Properties of {@link ProfileForm}. */
export interface ProfileFormProps {
  /** The profile being edited, or null for a new one. */
  profile: ServerProfileStatus | null;
  /** Called with the saved list and the name to select after a save or removal. */
  onSaved(profiles: ServerProfileStatus[], selected: string | null): void;
}

const FIELD_ORDER: readonly ProfileField[] = ['name', 'url', 'caFile', 'tokenVariable', 'token'];

/** Renders one labelled input with its problem below it, linked for screen readers. */
function Field(props: {
  field: ProfileField;
  label: string;
  required?: boolean;
  problem: string | undefined;
  children: (attributes: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
    'aria-required': boolean;
  }) => ReactNode;
}) {
  const id = `profile-${props.field}`;
  const problemId = `${id}-problem`;

  return (
    <div className={props.problem === undefined ? 'server-field' : 'server-field field-invalid'}>
      <label htmlFor={id}>
        {props.label}
        {props.required === true ? (
          <span className="required-mark" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {props.children({
        id,
        'aria-invalid': props.problem !== undefined,
        'aria-describedby': props.problem === undefined ? undefined : problemId,
        'aria-required': props.required === true,
      })}
      {props.problem === undefined ? null : (
        <p className="field-problem" id={problemId}>
          {props.problem}
        </p>
      )}
    </div>
  );
}

/** Renders the profile form with the connection test. */
export function ProfileForm(props: ProfileFormProps) {
  const { profile } = props;
  const [name, setName] = useState(profile?.name ?? '');
  const [url, setUrl] = useState(profile?.url ?? 'https://');
  const [caFile, setCaFile] = useState(profile?.caFile ?? '');
  const [tokenVariable, setTokenVariable] = useState(profile?.tokenVariable ?? '');
  const [token, setToken] = useState('');
  const [storage, setStorage] = useState<SecretStatus | null>(null);
  const [identity, setIdentity] = useState<ServerIdentity | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [problems, setProblems] = useState<FieldProblems>({});
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    client()
      .secrets.status({})
      .then(setStorage)
      .catch((error: unknown) => setFailure(errorText(error)));
  }, []);

  const run = async (label: string, work: () => Promise<void>): Promise<void> => {
    setBusy(label);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      setFailure(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  const showProblems = (found: FieldProblems): void => {
    setProblems(found);
    const first = FIELD_ORDER.find((field) => found[field] !== undefined);
    if (first !== undefined) {
      requestAnimationFrame(() =>
        form.current?.querySelector<HTMLElement>(`#profile-${first}`)?.focus(),
      );
    }
  };

  const save = async (): Promise<void> => {
    const found = checkProfileForm({ name, url, caFile, tokenVariable, token });
    showProblems(found);
    if (Object.keys(found).length > 0) {
      setFailure(null);
      return;
    }

    setBusy('Saving');
    setFailure(null);
    try {
      const saved = await client().server.saveProfile({
        profile: {
          name: name.trim(),
          url: url.trim(),
          ...(caFile.trim() === '' ? {} : { caFile: caFile.trim() }),
          ...(tokenVariable.trim() === '' ? {} : { tokenVariable: tokenVariable.trim() }),
        },
        ...(token === '' ? {} : { token }),
      });
      setToken('');
      props.onSaved(saved, name.trim());
    } catch (error) {
      const fieldProblems = fieldProblemOf(error);
      if (fieldProblems === undefined) {
        setFailure(errorText(error));
      } else {
        showProblems(fieldProblems);
      }
    } finally {
      setBusy(null);
    }
  };

  const remove = () =>
    run('Removing', async () => {
      props.onSaved(await client().server.removeProfile({ name: profile!.name }), null);
    });

  const test = () =>
    run('Testing the connection', async () => {
      setIdentity(null);
      setIdentity(await client().server.testConnection({ profile: profile!.name }));
    });

  const storageText =
    storage === null
      ? ''
      : describeTokenStorage(profile, storage.persistent, DEFAULT_TOKEN_VARIABLE);

  return (
    <form
      ref={form}
      noValidate
      className="server-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <p className="hint">Fields marked * are required.</p>
      <Field field="name" label="Profile name" required problem={problems.name}>
        {(attributes) => (
          <input
            {...attributes}
            value={name}
            disabled={profile !== null}
            onChange={(event) => setName(event.target.value)}
            placeholder="production"
          />
        )}
      </Field>
      <Field field="url" label="Server address" required problem={problems.url}>
        {(attributes) => (
          <input
            {...attributes}
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            placeholder="https://auth.example.com"
          />
        )}
      </Field>
      <Field field="caFile" label="CA file (optional)" problem={problems.caFile}>
        {(attributes) => (
          <input
            {...attributes}
            value={caFile}
            onChange={(event) => setCaFile(event.target.value)}
            placeholder="/path/to/ca.pem, for a private or self-signed certificate"
          />
        )}
      </Field>
      <Field
        field="tokenVariable"
        label="Token variable (optional)"
        problem={problems.tokenVariable}
      >
        {(attributes) => (
          <input
            {...attributes}
            value={tokenVariable}
            onChange={(event) => setTokenVariable(event.target.value)}
            placeholder={DEFAULT_TOKEN_VARIABLE}
          />
        )}
      </Field>
      <Field field="token" label="API token" problem={problems.token}>
        {(attributes) => (
          <input
            {...attributes}
            type="password"
            autoComplete="off"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            placeholder={
              profile === null
                ? 'An API token of the server'
                : 'Leave empty to keep the current one'
            }
          />
        )}
      </Field>
      <p className="hint" data-testid="token-storage">
        {storageText}
      </p>
      <div className="server-actions">
        <button type="submit" className="primary" disabled={busy !== null}>
          Save profile
        </button>
        <button
          type="button"
          disabled={profile === null || busy !== null}
          onClick={() => void test()}
        >
          Test connection
        </button>
        <button
          type="button"
          disabled={profile === null || busy !== null}
          onClick={() => void remove()}
        >
          Remove
        </button>
      </div>
      {busy === null ? null : <p className="hint">{busy}…</p>}
      {failure === null ? null : (
        <p className="field-problem" role="alert">
          {failure}
        </p>
      )}
      {identity === null ? null : (
        <p className="server-identity" role="status">
          Connected: authentik {identity.version ?? '(release unknown)'}, token of{' '}
          <strong>{identity.user.username}</strong>
          {identity.user.isSuperuser ? ' (superuser)' : ''}.
        </p>
      )}
    </form>
  );
}
