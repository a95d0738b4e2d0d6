/**
 * The dialogs of the persona editor: naming a copy of a persona, and building a new persona from
 * one of the project's recordings. Each keeps the backend's error message in the dialog.
 */
import { useState } from 'react';
import type { ReactNode } from 'react';

import { nameInUse, usePersonaEditor } from './persona-store.js';
import { useSimulator } from './simulator-store.js';

function Dialog(props: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label={props.title}>
      <div className="dialog">
        <header className="dialog-header">
          <h2>{props.title}</h2>
        </header>
        <div className="persona-dialog-body">{props.children}</div>
        <footer className="dialog-footer">{props.footer}</footer>
      </div>
    </div>
  );
}

function nameProblem(name: string): string | null {
  if (name.trim() === '') {
    return 'Name the new persona.';
  }
  return nameInUse(name) ? `A persona named “${name}” already exists. Choose another name.` : null;
}

/** Asks for the name of a copy of `source` and stores the copy in the project. */
export function DuplicateDialog(props: { source: string; onClose: () => void }) {
  const [name, setName] = useState(`${props.source}-copy`);
  const [failure, setFailure] = useState<string | null>(null);
  const problem = nameProblem(name);

  const submit = async () => {
    const done = await usePersonaEditor.getState().duplicate(name);
    if (done) {
      props.onClose();
    } else {
      setFailure(usePersonaEditor.getState().error);
    }
  };

  return (
    <Dialog
      title="Duplicate persona"
      footer={
        <>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={problem !== null}
            onClick={() => void submit()}
          >
            Save copy
          </button>
        </>
      }
    >
      <p className="field-help">The copy is stored in the project, where it can be edited.</p>
      <label className="field-label">
        Name of the copy{' '}
        <input
          type="text"
          aria-label="Name of the copy"
          value={name}
          autoFocus
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      {problem === null ? null : <p className="field-problem">{problem}</p>}
      {failure === null ? null : (
        <p className="field-problem" role="alert">
          {failure}
        </p>
      )}
    </Dialog>
  );
}

/** Picks a recording of the project and a name, and builds a Discord persona from them. */
export function RecordingDialog(props: { onClose: () => void }) {
  const recordings = useSimulator((state) => state.recordings);
  const [recording, setRecording] = useState(recordings[0]?.id ?? '');
  const [name, setName] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problem = nameProblem(name);

  const submit = async () => {
    setBusy(true);
    const error = await usePersonaEditor.getState().fromRecording(recording, name.trim());
    setBusy(false);
    if (error === null) {
      props.onClose();
    } else {
      setFailure(error);
    }
  };

  return (
    <Dialog
      title="New persona from recording"
      footer={
        <>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || recording === '' || problem !== null}
            onClick={() => void submit()}
          >
            Create persona
          </button>
        </>
      }
    >
      {recordings.length === 0 ? (
        <p className="field-help">
          The project has no recordings. Record one with a live run (“live, and save a recording”)
          or `stagecraft record --name`.
        </p>
      ) : null}
      <label className="field-label">
        Recording{' '}
        <select
          aria-label="Recording"
          value={recording}
          onChange={(event) => setRecording(event.target.value)}
        >
          {recordings.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field-label">
        Persona name{' '}
        <input
          type="text"
          aria-label="Persona name"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      {name === '' || problem === null ? null : <p className="field-problem">{problem}</p>}
      {failure === null ? null : (
        <p className="field-problem" role="alert" data-testid="recording-error">
          {failure}
        </p>
      )}
    </Dialog>
  );
}
