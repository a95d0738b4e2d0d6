/**
 * Notices: toasts for recoverable errors and results, and the progress of long work.
 */
import { create } from 'zustand';

import { isStagecraftError } from '../../shared/errors.js';

/** A toast shown in the corner until dismissed or timed out. */
export interface Toast {
  id: number;
  tone: 'info' | 'error';
  message: string;
  /** The error code, shown so that a report names it. */
  code?: string;
}

/** One piece of long work in progress. */
export interface ProgressItem {
  id: string;
  title: string;
  detail: string;
  done: number;
  total: number | null;
}

interface NoticeState {
  toasts: Toast[];
  progress: ProgressItem[];
  showToast(toast: Omit<Toast, 'id'>): void;
  dismissToast(id: number): void;
  setProgress(item: ProgressItem, finished: boolean): void;
}

let nextToastId = 1;
const TOAST_MILLISECONDS = 6000;

/** The notice store. */
export const useNotices = create<NoticeState>()((set, get) => ({
  toasts: [],
  progress: [],
  showToast(toast) {
    const id = nextToastId;
    nextToastId += 1;
    set({ toasts: [...get().toasts.slice(-4), { ...toast, id }] });

    // Errors stay until dismissed, because their code is what a bug report needs.
    if (toast.tone === 'info') {
      setTimeout(() => get().dismissToast(id), TOAST_MILLISECONDS);
    }
  },
  dismissToast(id) {
    set({ toasts: get().toasts.filter((toast) => toast.id !== id) });
  },
  setProgress(item, finished) {
    const others = get().progress.filter((entry) => entry.id !== item.id);
    set({ progress: finished ? others : [...others, item] });
  },
}));

/** Shows an error as a toast with its code. `action` names what failed, e.g. "Import". */
export function reportError(action: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const code = isStagecraftError(error) ? error.code : 'internal';

  useNotices.getState().showToast({ tone: 'error', message: `${action} failed: ${message}`, code });
}

/** Shows a short result as a toast. */
export function reportInfo(message: string): void {
  useNotices.getState().showToast({ tone: 'info', message });
}

/**
 * Runs long work with a progress entry of its own, for work whose backend sends no progress
 * events. The entry disappears when the work ends either way.
 */
export async function withProgress<T>(title: string, work: () => Promise<T>): Promise<T> {
  const id = `local-${nextToastId++}`;
  const notices = useNotices.getState();
  notices.setProgress({ id, title, detail: '', done: 0, total: null }, false);

  try {
    return await work();
  } finally {
    useNotices.getState().setProgress({ id, title, detail: '', done: 1, total: 1 }, true);
  }
}
