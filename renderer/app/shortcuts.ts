/**
 * Keyboard shortcuts of the main screen. One table drives both the key handler and the help
 * overlay, so the overlay lists exactly what the keys do.
 */
import {
  autoLayout,
  copySelection,
  deleteSelection,
  duplicateActiveFlow,
  duplicateSelection,
  pasteClipboard,
  shiftSelection,
} from '../canvas/actions.js';
import { useAppInfo } from '../state/app-info.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';
import { startChoosingProject } from './project-actions.js';

/** One shortcut: the keys as shown, a matcher, and what it does. */
export interface Shortcut {
  keys: string;
  description: string;
  matches(event: KeyboardEvent): boolean;
  run(): void | Promise<void>;
}

function primary(event: KeyboardEvent): boolean {
  return event.ctrlKey || event.metaKey;
}

function plain(event: KeyboardEvent, key: string): boolean {
  return !primary(event) && !event.altKey && event.key === key;
}

/**
 * Returns true in web mode. The desktop app's File menu has Ctrl+N and Ctrl+O as accelerators
 * and handles them in the main process, so the page must not act on them a second time.
 */
function inWebMode(): boolean {
  return useAppInfo.getState().info?.mode === 'web';
}

function focusElement(selector: string): void {
  document.querySelector<HTMLElement>(selector)?.focus();
}

/** Cycles keyboard focus through the nodes of the canvas. */
function focusNextNode(): void {
  const nodes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')];
  const current = nodes.indexOf(document.activeElement as HTMLElement);
  nodes[(current + 1) % Math.max(nodes.length, 1)]?.focus();
}

/** The shortcuts, in the order the help overlay lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  {
    keys: '?',
    description: 'Show or hide this list',
    matches: (event) => event.key === '?' && !primary(event),
    run: () => {
      const ui = useUi.getState();
      ui.setOverlay(ui.overlay === 'help' ? 'none' : 'help');
    },
  },
  {
    keys: 'Ctrl+Z',
    description: 'Undo',
    matches: (event) => primary(event) && !event.shiftKey && event.key.toLowerCase() === 'z',
    run: () => useProject.getState().undo(),
  },
  {
    keys: 'Ctrl+Shift+Z or Ctrl+Y',
    description: 'Redo',
    matches: (event) =>
      primary(event) &&
      ((event.shiftKey && event.key.toLowerCase() === 'z') || event.key.toLowerCase() === 'y'),
    run: () => useProject.getState().redo(),
  },
  {
    keys: 'Delete or Backspace',
    description: 'Delete the selected nodes (a stage binding keeps its stage as a loose node)',
    matches: (event) => plain(event, 'Delete') || plain(event, 'Backspace'),
    run: deleteSelection,
  },
  {
    keys: 'Ctrl+C',
    description: 'Copy the selected nodes',
    // Text selected on the page (the export preview) is copied as text instead.
    matches: (event) =>
      primary(event) &&
      event.key.toLowerCase() === 'c' &&
      window.getSelection()?.isCollapsed !== false,
    run: copySelection,
  },
  {
    keys: 'Ctrl+V',
    description: 'Paste into the open flow (policies onto the selected stage binding)',
    matches: (event) => primary(event) && event.key.toLowerCase() === 'v',
    run: pasteClipboard,
  },
  {
    keys: 'Ctrl+D',
    description:
      'Duplicate the selected nodes with copies of their stages and policies (the flow node: the flow)',
    matches: (event) => primary(event) && !event.shiftKey && event.key.toLowerCase() === 'd',
    run: duplicateSelection,
  },
  {
    keys: 'Ctrl+Shift+D',
    description: 'Duplicate the open flow with its bindings (stages and policies stay shared)',
    matches: (event) => primary(event) && event.shiftKey && event.key.toLowerCase() === 'd',
    run: duplicateActiveFlow,
  },
  {
    keys: 'Alt+↑ / Alt+↓',
    description: 'Move the selected stage binding earlier or later in the flow',
    matches: (event) =>
      event.altKey && !primary(event) && (event.key === 'ArrowUp' || event.key === 'ArrowDown'),
    run: () => undefined,
  },
  {
    keys: 'Arrow keys',
    description: 'Move the focused node (Shift: further)',
    matches: () => false,
    run: () => undefined,
  },
  {
    keys: 'n',
    description: 'Focus the next node of the canvas (Tab also walks through them)',
    matches: (event) => plain(event, 'n'),
    run: focusNextNode,
  },
  {
    keys: 'Enter or Space',
    description: 'Select the focused node',
    matches: () => false,
    run: () => undefined,
  },
  {
    keys: 'p',
    description: 'Focus the palette (Enter adds the type to the open flow)',
    matches: (event) => plain(event, 'p'),
    run: () => focusElement('.palette .palette-item'),
  },
  {
    keys: 'i',
    description: 'Focus the inspector of the selected node',
    matches: (event) => plain(event, 'i'),
    run: () => focusElement('#inspector input, #inspector select, #inspector textarea'),
  },
  {
    keys: '/ or Ctrl+F',
    description: 'Search the canvas',
    matches: (event) => plain(event, '/') || (primary(event) && event.key.toLowerCase() === 'f'),
    run: () => focusElement('#canvas-search'),
  },
  {
    keys: 'l',
    description: 'Lay out the flow automatically',
    matches: (event) => plain(event, 'l'),
    run: autoLayout,
  },
  {
    keys: 'f',
    description: 'Zoom to fit the flow',
    matches: (event) => plain(event, 'f'),
    run: () => useUi.getState().requestFit(),
  },
  {
    keys: 'Ctrl+E',
    description: 'Export',
    matches: (event) => primary(event) && event.key.toLowerCase() === 'e',
    run: () => useUi.getState().setOverlay('export'),
  },
  // NOTE: browsers reserve Ctrl+N for a new window in an ordinary tab, so the page may not
  // receive it there. The project menu offers the same action.
  {
    keys: 'Ctrl+N',
    description: 'New project (in a browser tab Chromium may keep Ctrl+N for a new window)',
    matches: (event) =>
      inWebMode() && primary(event) && !event.shiftKey && event.key.toLowerCase() === 'n',
    run: () => startChoosingProject('create'),
  },
  {
    keys: 'Ctrl+O',
    description: 'Open a project',
    matches: (event) =>
      inWebMode() && primary(event) && !event.shiftKey && event.key.toLowerCase() === 'o',
    run: () => startChoosingProject('open'),
  },
  {
    keys: 'Escape',
    description: 'Close the dialog, or clear the selection',
    matches: (event) => event.key === 'Escape',
    run: () => {
      const ui = useUi.getState();
      if (ui.overlay !== 'none') {
        ui.setOverlay('none');
      } else {
        ui.setSelection([]);
      }
    },
  },
];

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }

  return (
    target.isContentEditable ||
    target.tagName === 'INPUT' ||
    target.tagName === 'TEXTAREA' ||
    target.tagName === 'SELECT'
  );
}

/** Handles a key press of the window: runs the first matching shortcut. */
export function handleShortcut(event: KeyboardEvent): void {
  // The code editor handles every key itself, Escape included (it closes its suggestions).
  if (event.target instanceof Element && event.target.closest('.monaco-editor') !== null) {
    return;
  }

  // An open menu handles its own keys (arrows, Enter, Escape), and Escape in a combobox with
  // its list open only closes the list.
  if (event.target instanceof Element && event.target.closest('[role="menu"]') !== null) {
    return;
  }
  if (
    event.key === 'Escape' &&
    event.target instanceof Element &&
    event.target.getAttribute('role') === 'combobox' &&
    event.target.getAttribute('aria-expanded') === 'true'
  ) {
    return;
  }

  // In a text field only Escape counts, so typing never triggers a shortcut.
  if (isTyping(event.target) && event.key !== 'Escape') {
    return;
  }

  if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
    event.preventDefault();
    event.stopPropagation();
    shiftSelection(event.key === 'ArrowUp' ? -1 : 1).catch((error: unknown) =>
      reportError('Reorder stages', error),
    );
    return;
  }

  const shortcut = SHORTCUTS.find((candidate) => candidate.matches(event));
  if (shortcut === undefined) {
    return;
  }

  event.preventDefault();
  Promise.resolve(shortcut.run()).catch((error: unknown) =>
    reportError(shortcut.description, error),
  );
}
