/**
 * The editor of a many-to-many reference field: the chosen objects as chips, and a combobox that
 * filters the project's objects of the target models as you type (WAI-ARIA combobox with a
 * listbox popup). Arrow keys move through the matches, Enter adds one, Escape closes the list,
 * Backspace in the empty box removes the last chip. Items the project cannot resolve (a `!Find`
 * of an object on the server, a primary key) stay in the list as "not found in the project".
 */
import type { KeyboardEvent } from 'react';
import { useMemo, useRef, useState } from 'react';

import type { Value } from '../../shared/model/values.js';
import { ref } from '../../shared/model/values.js';
import { useProject } from '../state/project-store.js';
import type { ChipOrder, ReferenceChip } from './reference-model.js';
import { referenceCandidates, referenceChips } from './reference-model.js';

// The list shows at most this many matches, with a hint to type more.
const MATCH_LIMIT = 50;

const ORDER_HINTS: Record<ChipOrder, string | null> = {
  list: null,
  'prompt-order': 'authentik shows the fields sorted by each prompt’s order, as listed here.',
  name: 'authentik lists the sources by name, as here.',
};

interface ReferencePickerProps {
  inputId: string;
  label: string;
  value: Value | undefined;
  targets: readonly string[];
  order: ChipOrder;
  onChange: (next: Value[]) => void;
}

/** Renders the chips and the combobox of a reference list. */
export function ReferencePicker(props: ReferencePickerProps) {
  const { inputId, label, value, targets, order, onChange } = props;
  const objects = useProject((state) => state.objects);
  const list = useMemo(() => (Array.isArray(value) ? value : []), [value]);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = `${inputId}-matches`;

  const chips = useMemo(() => referenceChips(list, objects, order), [list, objects, order]);
  const matches = useMemo(
    () => referenceCandidates(objects, targets, list, query),
    [objects, targets, list, query],
  );
  const visibleMatches = matches.slice(0, MATCH_LIMIT);
  const activeMatch = open
    ? visibleMatches[Math.min(active, visibleMatches.length - 1)]
    : undefined;

  const add = (uid: string): void => {
    onChange([...list, ref(uid)]);
    setQuery('');
    setActive(0);
    input.current?.focus();
  };

  const remove = (chip: ReferenceChip): void => {
    onChange(list.filter((_item, position) => position !== chip.index));
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        if (!open) {
          setOpen(true);
          setActive(step === 1 ? 0 : visibleMatches.length - 1);
          return;
        }
        setActive(
          (current) =>
            (current + step + visibleMatches.length) % Math.max(visibleMatches.length, 1),
        );
        return;
      }
      case 'Enter':
        if (activeMatch !== undefined) {
          event.preventDefault();
          add(activeMatch.uid);
        }
        return;
      case 'Escape':
        if (open) {
          event.preventDefault();
          setOpen(false);
        }
        return;
      case 'Backspace': {
        const last = chips.at(-1);
        if (query === '' && last !== undefined) {
          event.preventDefault();
          remove(last);
        }
        return;
      }
      default:
        return;
    }
  };

  const hint = ORDER_HINTS[order];

  return (
    <div className="picker">
      {chips.length === 0 ? (
        <p className="picker-empty">None chosen.</p>
      ) : (
        <ul className="chips" aria-label={`${label}: chosen`}>
          {chips.map((chip) => (
            <li
              key={`${chip.index}:${chip.uid ?? chip.title}`}
              className={chip.missing ? 'chip chip-missing' : 'chip'}
              title={chip.missing ? `${chip.title}: not found in the project; kept as written` : ''}
            >
              <span className="chip-title">{chip.title}</span>
              <span className="chip-detail">{chip.detail}</span>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${chip.title}`}
                onClick={() => remove(chip)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        ref={input}
        id={inputId}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={
          activeMatch === undefined ? undefined : `${listId}-${activeMatch.uid}`
        }
        autoComplete="off"
        placeholder="Type to find an object to add"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onClick={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {open ? (
        <ul id={listId} role="listbox" aria-label={`${label}: matches`} className="picker-matches">
          {visibleMatches.length === 0 ? (
            <li className="picker-none" role="presentation">
              {query.trim() === ''
                ? 'No more objects of this type in the project.'
                : `No object matches "${query.trim()}".`}
            </li>
          ) : null}
          {visibleMatches.map((match) => (
            <li
              key={match.uid}
              id={`${listId}-${match.uid}`}
              role="option"
              aria-selected={match === activeMatch}
              className={
                match === activeMatch ? 'picker-match picker-match-active' : 'picker-match'
              }
              // Keep the focus in the box, so the list does not close before the click.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => add(match.uid)}
            >
              <span className="chip-title">{match.title}</span>
              <span className="chip-detail">{match.detail}</span>
            </li>
          ))}
          {matches.length > MATCH_LIMIT ? (
            <li className="picker-none" role="presentation">
              {matches.length - MATCH_LIMIT} more: type to narrow the list.
            </li>
          ) : null}
        </ul>
      ) : null}
      {hint === null || chips.length < 2 ? null : <p className="field-help">{hint}</p>}
    </div>
  );
}
