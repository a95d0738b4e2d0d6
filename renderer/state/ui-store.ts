/**
 * View state of the window: the open flow, the selection, search, theme and open dialogs.
 * The open flow and the theme choice are kept in localStorage, so a reload shows the same
 * canvas in the same theme.
 */
import { create } from 'zustand';

import type { CopiedItem } from '../model/clipboard.js';

/** The theme choice: follow the system, or force light or dark. */
export type ThemeChoice = 'system' | 'light' | 'dark';

/** A dialog or overlay over the main screen. */
export type Overlay =
  | 'none'
  | 'help'
  | 'export'
  | 'server'
  /** The web-mode dialog that requests the path of a project to open or create. */
  | 'project-open'
  | 'project-new';

interface UiState {
  activeFlow: string | null;
  /** The flow open before the current one, to go back to when an undo removes the current one. */
  previousFlow: string | null;
  selection: string[];
  search: string;
  theme: ThemeChoice;
  overlay: Overlay;
  clipboard: CopiedItem[];
  /** Bumped to ask the canvas to fit the view (after opening a flow, on `f`). */
  fitRequest: number;
  /** The node to move the view to and focus, e.g. after clicking a problem. */
  focusRequest: { uid: string; serial: number } | null;
  setActiveFlow(uid: string | null): void;
  setSelection(uids: string[]): void;
  setSearch(text: string): void;
  setTheme(theme: ThemeChoice): void;
  setOverlay(overlay: Overlay): void;
  setClipboard(items: CopiedItem[]): void;
  requestFit(): void;
  requestFocus(uid: string): void;
}

const STORAGE_KEYS = { flow: 'stagecraft.activeFlow', theme: 'stagecraft.theme' } as const;

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    // Storage is unavailable in some sandboxed pages; the defaults apply then.
    return null;
  }
}

function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) {
      window.localStorage.removeItem(key);
    } else {
      window.localStorage.setItem(key, value);
    }
  } catch {
    // Same as above: without storage the choice lasts until the page reloads.
  }
}

function storedTheme(): ThemeChoice {
  const value = readStorage(STORAGE_KEYS.theme);

  return value === 'light' || value === 'dark' ? value : 'system';
}

/** The UI store. */
export const useUi = create<UiState>()((set, get) => ({
  activeFlow: readStorage(STORAGE_KEYS.flow),
  previousFlow: null,
  selection: [],
  search: '',
  theme: storedTheme(),
  overlay: 'none',
  clipboard: [],
  fitRequest: 0,
  focusRequest: null,
  setActiveFlow(uid) {
    if (uid === get().activeFlow) {
      return;
    }
    writeStorage(STORAGE_KEYS.flow, uid);
    set({
      activeFlow: uid,
      previousFlow: get().activeFlow,
      selection: [],
      fitRequest: get().fitRequest + 1,
    });
  },
  setSelection(uids) {
    const current = get().selection;
    if (current.length === uids.length && current.every((uid, index) => uid === uids[index])) {
      return;
    }
    set({ selection: uids });
  },
  setSearch(text) {
    set({ search: text });
  },
  setTheme(theme) {
    writeStorage(STORAGE_KEYS.theme, theme === 'system' ? null : theme);
    set({ theme });
  },
  setOverlay(overlay) {
    set({ overlay });
  },
  setClipboard(items) {
    set({ clipboard: items });
  },
  requestFit() {
    set({ fitRequest: get().fitRequest + 1 });
  },
  requestFocus(uid) {
    set({ focusRequest: { uid, serial: (get().focusRequest?.serial ?? 0) + 1 } });
  },
}));

/** Returns the theme a choice resolves to under the system's `prefers-color-scheme`. */
export function resolveTheme(choice: ThemeChoice, systemDark: boolean): 'light' | 'dark' {
  if (choice === 'system') {
    return systemDark ? 'dark' : 'light';
  }

  return choice;
}
