/**
 * The project dialog of web mode, which has no native file dialogs: a path field for the project
 * to open or create, and the recent projects to open with one click. Errors of the backend stay
 * in the dialog next to the path, so the path can be corrected.
 */
import { useEffect, useRef, useState } from 'react';

import type { RecentProject } from '../../shared/api/services.js';
import { useAppInfo, loadAppInfo } from '../state/app-info.js';
import { useUi } from '../state/ui-store.js';
import type { ProjectPurpose } from './project-actions.js';
import { listRecentProjects, openProjectFile } from './project-actions.js';
import { resolveProjectPath } from './project-path.js';
import './project.css';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Renders the dialog for opening (`open`) or creating (`create`) a project. */
export function ProjectDialog(props: { purpose: ProjectPurpose }) {
  const { purpose } = props;
  const info = useAppInfo((state) => state.info);
  const [path, setPath] = useState('');
  const [recent, setRecent] = useState<RecentProject[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    loadAppInfo().catch((error: unknown) => setFailure(messageOf(error)));
    listRecentProjects()
      .then(setRecent)
      .catch((error: unknown) => setFailure(messageOf(error)));
  }, []);

  const close = (): void => useUi.getState().setOverlay('none');

  const open = async (file: string, how: ProjectPurpose): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      await openProjectFile(file, how);
      close();
    } catch (error) {
      setFailure(messageOf(error));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const submit = (): void => {
    if (info === null) {
      return;
    }

    const file = resolveProjectPath(path, {
      startFolder: info.startFolder ?? '',
      platform: info.platform,
      create: purpose === 'create',
    });
    if (file === null) {
      setFailure('Enter the path of a project file.');
      input.current?.focus();
      return;
    }

    void open(file, purpose);
  };

  const title = purpose === 'create' ? 'New project' : 'Open project';

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="project-title">
      <div className="dialog project-dialog">
        <header className="dialog-header">
          <h2 id="project-title">{title}</h2>
          <button type="button" onClick={close}>
            Close
          </button>
        </header>
        <form
          className="project-form"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <label htmlFor="project-path">Project file (required)</label>
          <input
            ref={input}
            id="project-path"
            value={path}
            required
            aria-invalid={failure !== null}
            aria-describedby="project-path-hint project-path-problem"
            placeholder={purpose === 'create' ? 'discord.stagecraft' : 'login.stagecraft'}
            onChange={(event) => setPath(event.target.value)}
          />
          <p className="hint" id="project-path-hint">
            A full path, or a path relative to{' '}
            <code data-testid="start-folder">{info?.startFolder ?? '…'}</code>, the folder
            Stagecraft was started in.
            {purpose === 'create'
              ? ' A name without an extension gets .stagecraft. A project that already exists ' +
                'at that path is opened, not replaced.'
              : ''}
          </p>
          {failure === null ? null : (
            <p className="field-problem" id="project-path-problem" role="alert">
              {failure}
            </p>
          )}
          <div className="dialog-actions">
            <button type="submit" className="primary" disabled={busy || info === null}>
              {purpose === 'create' ? 'Create' : 'Open'}
            </button>
            <button type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
        <h3 className="project-recent-title">Recent projects</h3>
        {recent.length === 0 ? <p className="hint">No recent projects.</p> : null}
        <ul className="project-recent" aria-label="Recent projects">
          {recent.map((project) => (
            <li key={project.path}>
              <button
                type="button"
                disabled={busy}
                title={project.path}
                onClick={() => void open(project.path, 'open')}
              >
                <strong>{project.name}</strong> <span className="hint">{project.path}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
