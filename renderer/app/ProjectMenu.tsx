/**
 * The project menu of the toolbar: new, open, the recent projects (each with "Forget") and the
 * sample. It follows the WAI-ARIA menu button pattern: arrow keys move between items, Escape
 * closes the menu and returns the focus to its button.
 */
import type { KeyboardEvent } from 'react';
import { useEffect, useRef, useState } from 'react';

import type { RecentProject } from '../../shared/api/services.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { focusMenuItem, handleMenuKey } from './menu-keys.js';
import {
  forgetRecentProject,
  listRecentProjects,
  openProjectFile,
  openSampleProject,
  startChoosingProject,
} from './project-actions.js';
import './project.css';

/** Renders the menu button and, while open, the menu. */
export function ProjectMenu() {
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<RecentProject[]>([]);
  const openPath = useProject((state) => state.path);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) {
      return;
    }

    listRecentProjects()
      .then(setRecent)
      .catch((error: unknown) => reportError('List the recent projects', error));
    focusMenuItem(menu.current, 0);

    const closeOutside = (event: PointerEvent): void => {
      const target = event.target;
      const inside =
        target instanceof Node &&
        (menu.current?.contains(target) === true || button.current?.contains(target) === true);
      if (!inside) {
        setOpen(false);
      }
    };
    // Escape also closes the menu when the focus left it, e.g. after the focused entry was
    // forgotten and removed.
    const closeOnEscape = (event: globalThis.KeyboardEvent): void => {
      if (event.key === 'Escape' && menu.current?.contains(document.activeElement) !== true) {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
      }
    };
    document.addEventListener('pointerdown', closeOutside, true);
    document.addEventListener('keydown', closeOnEscape, true);
    return () => {
      document.removeEventListener('pointerdown', closeOutside, true);
      document.removeEventListener('keydown', closeOnEscape, true);
    };
  }, [open]);

  const close = (): void => {
    setOpen(false);
    button.current?.focus();
  };

  const run = (action: string, work: () => Promise<void> | void): void => {
    close();
    Promise.resolve()
      .then(work)
      .catch((error: unknown) => reportError(action, error));
  };

  const forget = (path: string): void => {
    forgetRecentProject(path)
      .then((projects) => {
        setRecent(projects);
        // Keep the focus in the menu, since the forgotten entry and its button are gone.
        requestAnimationFrame(() => focusMenuItem(menu.current, 0));
      })
      .catch((error: unknown) => reportError('Forget the recent project', error));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    handleMenuKey(event, menu.current, close);
  };

  return (
    <div className="project-menu">
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        title="New, open and recent projects (Ctrl+N, Ctrl+O)"
      >
        Project ▾
      </button>
      {open ? (
        <div
          ref={menu}
          role="menu"
          aria-label="Project"
          className="context-menu project-menu-list"
          onKeyDown={onKeyDown}
        >
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="context-menu-item"
            onClick={() => run('New project', () => startChoosingProject('create'))}
          >
            New project…
          </button>
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="context-menu-item"
            onClick={() => run('Open project', () => startChoosingProject('open'))}
          >
            Open project…
          </button>
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="context-menu-item"
            onClick={() => run('Open the sample project', openSampleProject)}
          >
            Open the sample
          </button>
          <div role="separator" className="menu-separator" />
          <div className="menu-heading" role="presentation">
            Open recent
          </div>
          {recent.length === 0 ? (
            <div className="menu-empty" role="presentation">
              No recent projects
            </div>
          ) : null}
          {recent.map((project) => (
            <div key={project.path} className="recent-row" role="presentation">
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                className="context-menu-item recent-open"
                title={project.path}
                disabled={project.path === openPath}
                onClick={() =>
                  run(`Open ${project.path}`, () => openProjectFile(project.path, 'open'))
                }
              >
                {project.name}
                {project.path === openPath ? ' (open)' : ''}
              </button>
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                className="context-menu-item recent-forget"
                aria-label={`Forget ${project.name} (${project.path})`}
                title="Remove from this list; the file stays"
                onClick={() => forget(project.path)}
              >
                Forget
              </button>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
