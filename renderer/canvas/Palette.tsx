/**
 * The palette: stage and policy types to drag onto the canvas (or add with Enter), and the
 * stages and policies the project already has, to use them in this flow too.
 */
import type { DragEvent } from 'react';
import { useMemo, useState } from 'react';

import { modelTitle, objectTitle } from '../model/names.js';
import { isPolicySubjectModel, isStageModel } from '../model/project-index.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { addFromKeyboard } from './actions.js';
import { PALETTE_MIME, PROJECT_OBJECT_MIME, paletteSections } from './palette-data.js';

const EXISTING_LIMIT = 100;

function startDrag(event: DragEvent, type: string, value: string): void {
  event.dataTransfer.setData(type, value);
  event.dataTransfer.effectAllowed = 'copy';
}

function ExistingObjects(props: { filter: string }) {
  const objects = useProject((state) => state.objects);
  const matches = useMemo(() => {
    const query = props.filter.trim().toLowerCase();
    const found = [];
    for (const object of objects.values()) {
      if (!isStageModel(object.model) && !isPolicySubjectModel(object.model)) {
        continue;
      }
      const title = objectTitle(object);
      if (query === '' || title.toLowerCase().includes(query)) {
        found.push({ uid: object.uid, title, type: modelTitle(object.model) });
      }
    }
    return found.sort((a, b) => a.title.localeCompare(b.title));
  }, [objects, props.filter]);

  return (
    <section className="palette-section">
      <h3>In this project ({matches.length})</h3>
      <ul className="palette-list">
        {matches.slice(0, EXISTING_LIMIT).map((item) => (
          <li
            key={item.uid}
            className="palette-item palette-existing"
            draggable
            onDragStart={(event) => startDrag(event, PROJECT_OBJECT_MIME, item.uid)}
            title={`${item.type}: drag onto the canvas to use it in this flow`}
          >
            <span className="palette-title">{item.title}</span>
            <span className="palette-type">{item.type}</span>
          </li>
        ))}
      </ul>
      {matches.length > EXISTING_LIMIT ? (
        <p className="hint">Type to narrow the list; {EXISTING_LIMIT} are shown.</p>
      ) : null}
    </section>
  );
}

/** Renders the palette panel. */
export function Palette() {
  const [filter, setFilter] = useState('');
  const sections = useMemo(paletteSections, []);
  const query = filter.trim().toLowerCase();

  return (
    <aside className="palette" aria-label="Palette">
      <input
        className="palette-filter"
        type="search"
        placeholder="Filter types and objects"
        aria-label="Filter the palette"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      {sections.map((section) => {
        const shown = section.entries.filter((entry) => entry.title.toLowerCase().includes(query));
        if (shown.length === 0) {
          return null;
        }
        return (
          <section key={section.title} className="palette-section">
            <h3>{section.title}</h3>
            <ul className="palette-list">
              {shown.map((entry) => (
                <li key={entry.model}>
                  <button
                    type="button"
                    className="palette-item"
                    draggable
                    data-model={entry.model}
                    onDragStart={(event) => startDrag(event, PALETTE_MIME, entry.model)}
                    onClick={() => {
                      addFromKeyboard(entry.model).catch((error: unknown) =>
                        reportError(`Add ${entry.title}`, error),
                      );
                    }}
                    title="Drag onto the canvas, or press Enter to add it to the open flow"
                  >
                    {entry.title}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      <ExistingObjects filter={filter} />
    </aside>
  );
}
