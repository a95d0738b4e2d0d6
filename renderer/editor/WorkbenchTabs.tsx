/** The tabs that switch the centre of the window between the canvas, the editor and the simulator. */
import { useWorkbench } from './workbench-store.js';
import type { WorkbenchView } from './workbench-store.js';

const TABS: [WorkbenchView, string][] = [
  ['canvas', 'Canvas'],
  ['editor', 'Policy editor'],
  ['simulator', 'Simulator'],
];

/** Renders the tabs. */
export function WorkbenchTabs() {
  const view = useWorkbench((state) => state.view);

  return (
    <div className="workbench-tabs" role="tablist" aria-label="View">
      {TABS.map(([id, label]) => (
        <button
          key={id}
          type="button"
          role="tab"
          aria-selected={view === id}
          className={view === id ? 'tab-active' : ''}
          onClick={() => useWorkbench.getState().setView(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
