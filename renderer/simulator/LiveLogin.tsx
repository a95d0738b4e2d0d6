/**
 * The live login settings of the simulator panel: the redirect URI to register at the provider,
 * the client secret (set or missing, and a field to store it), the redirect port and the name of
 * the recording to save. While a live run waits, a banner links to the provider's login page.
 */
import { useEffect, useState } from 'react';

import { client } from '../state/client.js';
import { useSimulator } from './simulator-store.js';

/** Follows the backend's `simulator-login` events while the panel is open. */
export function useLoginEvents(): void {
  useEffect(
    () =>
      client().events.subscribe((event) => {
        if (event.type === 'simulator-login') {
          useSimulator.getState().showLogin(event);
        }
      }),
    [],
  );
}

/** Renders the settings of a live login; nothing unless live responses are chosen. */
export function LiveSettings() {
  const sim = useSimulator();
  const [secret, setSecret] = useState('');

  useEffect(() => {
    void useSimulator.getState().loadLiveSetup();
  }, [sim.live, sim.viaSource, sim.livePort]);

  if (sim.live === '' || sim.viaSource === '') {
    return null;
  }

  const setup = sim.liveSetup;
  return (
    <section className="sim-live" aria-label="Live login">
      <label>
        Redirect port{' '}
        <input
          type="number"
          min={0}
          max={65535}
          aria-label="Redirect port"
          value={sim.livePort}
          onChange={(event) => {
            const port = Number(event.target.value);
            if (Number.isInteger(port) && port >= 0 && port <= 65535) {
              sim.configure({ livePort: port });
            }
          }}
        />
      </label>
      {sim.live === 'record' ? (
        <label>
          Recording name{' '}
          <input
            type="text"
            aria-label="Recording name"
            value={sim.recordAs}
            onChange={(event) => sim.configure({ recordAs: event.target.value })}
          />
        </label>
      ) : null}
      {setup === null ? null : (
        <p className="hint" data-testid="live-redirect">
          Register this redirect URI at the provider:{' '}
          <code>
            {sim.livePort === 0
              ? 'http://127.0.0.1:<free port, shown when the login starts>' +
                setup.redirectUri.replace(/^http:\/\/127\.0\.0\.1:0/, '')
              : setup.redirectUri}
          </code>
        </p>
      )}
      {setup?.problem === undefined ? null : (
        <div className="field-problem" role="alert" data-testid="live-problem">
          <p>{setup.problem}</p>
          <label>
            Secret {setup.secretName}{' '}
            <input
              type="password"
              aria-label={`Secret ${setup.secretName}`}
              autoComplete="off"
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
            />
          </label>
          <button
            type="button"
            disabled={secret === ''}
            onClick={() => {
              void sim.storeSecret(setup.secretName, secret);
              setSecret('');
            }}
          >
            Store secret
          </button>
        </div>
      )}
      {setup !== null && setup.problem === undefined ? (
        <p className="hint">Client secret: set ({setup.secretName}).</p>
      ) : null}
    </section>
  );
}

/** Renders the banner of a live run that waits for the admin to log in at the provider. */
export function LoginBanner() {
  const login = useSimulator((state) => state.login);
  const running = useSimulator((state) => state.running);
  if (login === null || !running) {
    return null;
  }

  return (
    <p className="notice-inline" role="status" data-testid="live-login">
      Log in at the provider:{' '}
      <a href={login.authorizeUrl} target="_blank" rel="noopener noreferrer">
        open the login page
      </a>
      . Stagecraft waits for the redirect to <code>{login.redirectUri}</code>.{' '}
      <button type="button" onClick={() => void useSimulator.getState().cancelLogin()}>
        Cancel login
      </button>
    </p>
  );
}
