/**
 * The view that fills the centre of the window (the canvas, the policy editor or the simulator)
 * and the expression the editor shows. It is kept apart from the UI store, so switching views
 * re-renders only the centre.
 */
import { create } from 'zustand';

/** A view of the centre area. */
export type WorkbenchView = 'canvas' | 'editor' | 'simulator';

interface WorkbenchState {
  view: WorkbenchView;
  /** Uid of the expression policy or property mapping open in the editor. */
  editing: string | null;
  setView(view: WorkbenchView): void;
  /** Opens an expression in the editor view. */
  openExpression(uid: string): void;
}

/** The workbench store. */
export const useWorkbench = create<WorkbenchState>()((set) => ({
  view: 'canvas',
  editing: null,
  setView(view) {
    set({ view });
  },
  openExpression(uid) {
    set({ view: 'editor', editing: uid });
  },
}));
