/** The list of keyboard shortcuts, opened with `?`. */
import { useEffect, useRef } from 'react';

import { useUi } from '../state/ui-store.js';
import { SHORTCUTS } from './shortcuts.js';

/** Renders the help overlay. */
export function HelpOverlay() {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
      <div className="dialog">
        <header className="dialog-header">
          <h2 id="help-title">Keyboard shortcuts</h2>
          <button ref={close} type="button" onClick={() => useUi.getState().setOverlay('none')}>
            Close
          </button>
        </header>
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((shortcut) => (
              <tr key={shortcut.keys}>
                <th scope="row">
                  <kbd>{shortcut.keys}</kbd>
                </th>
                <td>{shortcut.description}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">
                <kbd>Tab</kbd>
              </th>
              <td>Move between the toolbar, flows, palette, canvas nodes and inspector</td>
            </tr>
          </tbody>
        </table>
        <p className="hint">
          Drag a type from the palette onto the canvas, then drag from its dot to the flow (a stage)
          or to a stage binding (a policy, group or user) to bind it. Dropping it on the flow or a
          stage binding binds it at once.
        </p>
      </div>
    </div>
  );
}
