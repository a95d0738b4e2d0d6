/**
 * The editor of a list field of plain items. It shows checkboxes when the catalogue lists the
 * item choices, else rows to add, remove and reorder, each checked as you type. The raw JSON text
 * is the fallback for values the other two cannot show, such as a tag (`!Env`).
 */
import type { ReactNode } from 'react';
import { useEffect, useRef, useState } from 'react';

import type { FieldSpec } from '../../shared/model/catalog.js';
import { valuesEqual } from '../../shared/model/equal.js';
import type { Value } from '../../shared/model/values.js';
import { moveItem } from '../model/order.js';
import type { ListItem, ListMode } from './list-model.js';
import {
  differsFromChoiceOrder,
  itemChoices,
  itemText,
  listModes,
  parseItem,
  scalarItems,
  toggleChoice,
} from './list-model.js';

const COMMIT_DELAY = 350;
// With more choices than this (a GeoIP policy's 249 countries), a filter box narrows them.
const FILTER_THRESHOLD = 12;

const MODE_TITLES: Record<ListMode, string> = {
  choices: 'Checkboxes',
  rows: 'List',
  json: 'JSON',
};

interface ListEditorProps {
  inputId: string;
  label: string;
  spec: FieldSpec;
  value: Value | undefined;
  /** Receives a valid list; `typing` is true for text typed in a row. */
  onChange: (next: ListItem[], typing: boolean) => void;
  /** The JSON text editor of the field, shown in the JSON mode. */
  json: ReactNode;
}

/** Renders the list editor with its mode switch. */
export function ListEditor(props: ListEditorProps) {
  const { spec, value } = props;
  const modes = listModes(spec, value);
  const [chosen, setChosen] = useState<ListMode | null>(null);
  const mode = chosen !== null && modes.includes(chosen) ? chosen : (modes[0] ?? 'json');

  return (
    <div className="list-editor">
      {modes.length > 1 ? (
        <div className="list-modes" role="group" aria-label={`${props.label}: editor`}>
          {modes.map((candidate) => (
            <button
              key={candidate}
              type="button"
              aria-pressed={candidate === mode}
              className={candidate === mode ? 'list-mode list-mode-active' : 'list-mode'}
              onClick={() => setChosen(candidate)}
            >
              {MODE_TITLES[candidate]}
            </button>
          ))}
        </div>
      ) : (
        <p className="field-help">
          This value does not fit the list editor (it holds a tag or a nested value), so it is
          edited as JSON.
        </p>
      )}
      {mode === 'choices' ? <ChoiceList {...props} /> : null}
      {mode === 'rows' ? <RowList {...props} /> : null}
      {mode === 'json' ? props.json : null}
    </div>
  );
}

function ChoiceList(props: ListEditorProps) {
  const { inputId, label, spec, value, onChange } = props;
  const items = scalarItems(value) ?? [];
  const choices = itemChoices(spec) ?? [];
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const visibleChoices = choices.filter(
    (choice) => needle === '' || itemText(choice).toLowerCase().includes(needle),
  );

  return (
    <div id={inputId} role="group" aria-label={label} className="choice-list">
      {choices.length > FILTER_THRESHOLD ? (
        <input
          type="search"
          className="choice-filter"
          placeholder={`Filter ${choices.length} choices`}
          aria-label={`Filter the choices of ${label}`}
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      ) : null}
      <div className={choices.length > FILTER_THRESHOLD ? 'choices choices-many' : 'choices'}>
        {visibleChoices.map((choice) => {
          const text = itemText(choice);
          return (
            <label key={text} className="choice">
              <input
                type="checkbox"
                checked={items.includes(choice)}
                onChange={(event) =>
                  onChange(toggleChoice(items, choice, event.target.checked), false)
                }
              />
              <code>{text}</code>
            </label>
          );
        })}
      </div>
      {items.length > 1 && differsFromChoiceOrder(items, choices) ? (
        <p className="field-help">
          Stored in this order: {items.map(itemText).join(', ')}. Use the List editor to change the
          order.
        </p>
      ) : null}
    </div>
  );
}

function RowList(props: ListEditorProps) {
  const { inputId, label, spec, value, onChange } = props;
  const items = scalarItems(value) ?? [];
  const choices = itemChoices(spec);
  const [rows, setRows] = useState<string[]>(() => items.map(itemText));
  const committed = useRef<Value | undefined>(value);
  const timer = useRef<number | undefined>(undefined);
  const rowsRef = useRef<HTMLOListElement>(null);

  // Take values changed elsewhere (undo, the other editors), but not the echo of our own.
  useEffect(() => {
    if (!valuesEqual(committed.current, value)) {
      setRows((scalarItems(value) ?? []).map(itemText));
    }
    committed.current = value;
  }, [value]);

  // Switching to another editor unmounts the rows: send a typed change that still waits.
  const pending = useRef<(() => void) | null>(null);
  useEffect(
    () => () => {
      window.clearTimeout(timer.current);
      pending.current?.();
    },
    [],
  );

  const parsed = rows.map((text) => parseItem(text, spec.items));

  const update = (next: string[], immediate: boolean): void => {
    setRows(next);
    const results = next.map((text) => parseItem(text, spec.items));
    window.clearTimeout(timer.current);
    pending.current = null;
    const valid: ListItem[] = [];
    for (const result of results) {
      if (!result.ok) {
        // An invalid row keeps the stored list as it was until the row is fixed or removed.
        return;
      }
      valid.push(result.item);
    }

    const send = (): void => {
      pending.current = null;
      committed.current = valid;
      onChange(valid, !immediate);
    };
    if (immediate) {
      send();
    } else {
      pending.current = send;
      timer.current = window.setTimeout(send, COMMIT_DELAY);
    }
  };

  const focusRow = (position: number): void => {
    window.requestAnimationFrame(() => {
      const inputs = rowsRef.current?.querySelectorAll<HTMLElement>('.list-row-input');
      inputs?.[position]?.focus();
    });
  };

  const replace = (position: number, text: string): string[] =>
    rows.map((row, index) => (index === position ? text : row));

  return (
    <div className="row-list">
      <ol ref={rowsRef} className="list-rows" aria-label={label}>
        {rows.map((text, position) => {
          const result = parsed[position];
          const error = result !== undefined && !result.ok ? result.error : null;
          const rowLabel = `${label} item ${position + 1}`;
          const errorId = `${inputId}-row-${position}-error`;
          const common = {
            id: position === 0 ? inputId : undefined,
            className: 'list-row-input',
            'aria-label': rowLabel,
            'aria-invalid': error !== null,
            'aria-describedby': error === null ? undefined : errorId,
          };
          return (
            <li key={position} className={error === null ? 'list-row' : 'list-row field-invalid'}>
              <div className="list-row-controls">
                {choices === undefined ? (
                  <input
                    {...common}
                    type="text"
                    inputMode={spec.items?.type.includes('string') === true ? undefined : 'numeric'}
                    value={text}
                    onChange={(event) => update(replace(position, event.target.value), false)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter') {
                        event.preventDefault();
                        update(
                          [...rows.slice(0, position + 1), '', ...rows.slice(position + 1)],
                          true,
                        );
                        focusRow(position + 1);
                      }
                    }}
                  />
                ) : (
                  <select
                    {...common}
                    value={text}
                    onChange={(event) => update(replace(position, event.target.value), true)}
                  >
                    {choices.some((choice) => itemText(choice) === text) ? null : (
                      <option value={text}>{text === '' ? '(choose)' : text}</option>
                    )}
                    {choices.map((choice) => (
                      <option key={itemText(choice)} value={itemText(choice)}>
                        {itemText(choice)}
                      </option>
                    ))}
                  </select>
                )}
                <button
                  type="button"
                  aria-label={`Move ${rowLabel} up`}
                  disabled={position === 0}
                  onClick={() => {
                    update(moveItem(rows, position, position - 1), true);
                    focusRow(position - 1);
                  }}
                >
                  ↑
                </button>
                <button
                  type="button"
                  aria-label={`Move ${rowLabel} down`}
                  disabled={position === rows.length - 1}
                  onClick={() => {
                    update(moveItem(rows, position, position + 1), true);
                    focusRow(position + 1);
                  }}
                >
                  ↓
                </button>
                <button
                  type="button"
                  aria-label={`Remove ${rowLabel}`}
                  onClick={() => {
                    update(
                      rows.filter((_row, index) => index !== position),
                      true,
                    );
                    focusRow(Math.max(0, position - 1));
                  }}
                >
                  ×
                </button>
              </div>
              {error === null ? null : (
                <p id={errorId} className="field-problem" role="alert">
                  {error}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        onClick={() => {
          update([...rows, ''], true);
          focusRow(rows.length);
        }}
      >
        + Add item
      </button>
    </div>
  );
}
