/**
 * The authentik server dialog: choose or add a server profile, test the connection, pull flows
 * from the server, and compare and push the project.
 */
import { useEffect, useState } from 'react';

import type { ServerProfileStatus } from '../../shared/server/types.js';
import { client } from '../state/client.js';
import { useUi } from '../state/ui-store.js';
import { ProfileForm } from './ProfileForm.js';
import { PullPanel } from './PullPanel.js';
import { PushPanel } from './PushPanel.js';
import { errorText } from './server-ui.js';
import './server.css';

type Tab = 'connection' | 'pull' | 'push';

const TAB_LABELS: Record<Tab, string> = {
  connection: 'Connection',
  pull: 'Pull',
  push: 'Compare and push',
};

/** Renders the server dialog. */
export function ServerDialog() {
  const [profiles, setProfiles] = useState<ServerProfileStatus[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('connection');
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    client()
      .server.listProfiles({})
      .then((listed) => {
        setProfiles(listed);
        setSelected(listed[0]?.name ?? null);
      })
      .catch((error: unknown) => setFailure(errorText(error)));
  }, []);

  const profile = profiles.find((candidate) => candidate.name === selected) ?? null;

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="server-title">
      <div className="dialog dialog-wide">
        <header className="dialog-header">
          <h2 id="server-title">authentik servers</h2>
          <button type="button" onClick={() => useUi.getState().setOverlay('none')}>
            Close
          </button>
        </header>
        <div className="server-picker">
          <label>
            Server
            <select
              value={selected ?? ''}
              onChange={(event) => {
                setSelected(event.target.value === '' ? null : event.target.value);
                setTab('connection');
              }}
            >
              {profiles.map((candidate) => (
                <option key={candidate.name} value={candidate.name}>
                  {candidate.name} ({candidate.url})
                </option>
              ))}
              <option value="">New profile…</option>
            </select>
          </label>
        </div>
        {failure === null ? null : (
          <p className="field-problem" role="alert">
            {failure}
          </p>
        )}
        <div className="tabs" role="tablist">
          {(['connection', 'pull', 'push'] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              disabled={name !== 'connection' && profile === null}
              className={tab === name ? 'tab tab-active' : 'tab'}
              onClick={() => setTab(name)}
            >
              {TAB_LABELS[name]}
            </button>
          ))}
        </div>
        <div className="server-body" role="tabpanel">
          {tab === 'connection' ? (
            <ProfileForm
              key={profile?.name ?? 'new'}
              profile={profile}
              onSaved={(saved, name) => {
                setProfiles(saved);
                setSelected(name);
              }}
            />
          ) : null}
          {tab === 'pull' && profile !== null ? <PullPanel profile={profile.name} /> : null}
          {tab === 'push' && profile !== null ? <PushPanel profile={profile.name} /> : null}
        </div>
      </div>
    </div>
  );
}
