/**
 * The personas section of the simulator: the built-in and project personas with a search, the
 * chosen persona's form, and "New persona from recording".
 */
import { useEffect, useState } from 'react';

import type { PersonaSummary } from '../../shared/api/services.js';
import { useProject } from '../state/project-store.js';
import { RecordingDialog } from './PersonaDialogs.js';
import { PersonaForm } from './PersonaForm.js';
import { usePersonaEditor } from './persona-store.js';
import { useSimulator } from './simulator-store.js';

function matches(persona: PersonaSummary, query: string): boolean {
  const text = `${persona.name} ${persona.username} ${persona.description ?? ''}`;
  return text.toLowerCase().includes(query.trim().toLowerCase());
}

function PersonaList() {
  const personas = useSimulator((state) => state.personas);
  const selected = usePersonaEditor((state) => state.selected);
  const [query, setQuery] = useState('');
  const [importing, setImporting] = useState(false);
  const matching = personas.filter((persona) => matches(persona, query));

  return (
    <div className="persona-list">
      <input
        type="search"
        aria-label="Search personas"
        placeholder="Search personas"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <button type="button" onClick={() => setImporting(true)}>
        New persona from recording
      </button>
      <ul aria-label="Personas">
        {matching.map((persona) => (
          <li key={persona.name}>
            <button
              type="button"
              className={`persona-item ${persona.name === selected ? 'persona-item-active' : ''}`}
              aria-current={persona.name === selected ? 'true' : undefined}
              title={persona.description}
              onClick={() => void usePersonaEditor.getState().select(persona.name)}
            >
              <span className="persona-item-name">{persona.name}</span>
              {persona.builtIn === true ? (
                <span className="badge badge-muted">built in</span>
              ) : (
                <span className="badge">project</span>
              )}
              {persona.discord ? <span className="badge badge-muted">Discord</span> : null}
            </button>
          </li>
        ))}
      </ul>
      {matching.length === 0 ? <p className="hint">No persona matches “{query}”.</p> : null}
      {importing ? <RecordingDialog onClose={() => setImporting(false)} /> : null}
    </div>
  );
}

/** Renders the personas section. */
export function PersonasView() {
  const error = usePersonaEditor((state) => state.error);
  const path = useProject((state) => state.path);

  // Another project has other personas, so the choice of the previous one is dropped.
  useEffect(() => {
    if (usePersonaEditor.getState().project !== path) {
      usePersonaEditor.getState().reset(path);
    }
  }, [path]);

  return (
    <div className="personas-view" data-testid="personas-view">
      <PersonaList />
      <div className="persona-detail">
        {error === null ? null : (
          <p className="field-problem" role="alert" data-testid="persona-error">
            {error}
          </p>
        )}
        <PersonaForm />
      </div>
    </div>
  );
}
