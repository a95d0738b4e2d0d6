/**
 * The connection tab: edit a server profile (address, CA file, token variable), enter a token
 * for the secret store, and test the connection.
 */
import { useEffect, useState } from 'react';

import type { SecretStatus } from '../../shared/api/services.js';
import type { ServerIdentity, ServerProfileStatus } from '../../shared/server/types.js';
import { DEFAULT_TOKEN_VARIABLE } from '../../shared/server/types.js';
import { client } from '../state/client.js';
import { errorText } from './server-ui.js';

/** Properties of {@link ProfileForm}. */
export interface ProfileFormProps {
  /** The profile being edited, or null for a new one. */
  profile: ServerProfileStatus | null;
  /** Called with the saved list and the name to select after a save or removal. */
  onSaved(profiles: ServerProfileStatus[], selected: string | null): void;
}

const TOKEN_SOURCE_TEXT: Record<ServerProfileStatus['tokenSource'], string> = {
  'secret-store': 'a token is stored for this profile',
  environment: 'the token comes from the environment of the Stagecraft process',
  none: 'no token yet',
};

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

  const save = () =>
    run('Saving', async () => {
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
    });

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
      : storage.persistent
        ? 'The token is stored encrypted with the system key store.'
        : 'The token is kept in memory only and is gone when Stagecraft stops.';

  return (
    <form
      className="server-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label>
        Profile name
        <input
          value={name}
          disabled={profile !== null}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <label>
        Server address
        <input
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          placeholder="https://auth.example.com"
        />
      </label>
      <label>
        CA file (optional)
        <input
          value={caFile}
          onChange={(event) => setCaFile(event.target.value)}
          placeholder="/path/to/ca.pem, for a private or self-signed certificate"
        />
      </label>
      <label>
        Token variable (optional)
        <input
          value={tokenVariable}
          onChange={(event) => setTokenVariable(event.target.value)}
          placeholder={DEFAULT_TOKEN_VARIABLE}
        />
      </label>
      <label>
        API token
        <input
          type="password"
          autoComplete="off"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          placeholder={
            profile === null ? 'An API token of the server' : 'Leave empty to keep the current one'
          }
        />
      </label>
      <p className="hint">
        {profile === null ? '' : `Token: ${TOKEN_SOURCE_TEXT[profile.tokenSource]}. `}
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
