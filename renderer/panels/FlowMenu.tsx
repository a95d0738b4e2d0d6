/**
 * The context menu of a flow in the flow list: open, duplicate, delete. It opens on a right
 * click, the context menu key or Shift+F10, and follows the WAI-ARIA menu pattern: arrow keys
 * move between items, Enter runs one, Escape closes the menu and focus returns to the flow.
 */
import type { KeyboardEvent } from 'react';
import { useEffect, useRef } from 'react';

import { focusMenuItem, handleMenuKey } from '../app/menu-keys.js';

/** One entry of the menu. */
export interface FlowMenuItem {
  label: string;
  run(): void;
  danger?: boolean;
}

/** The menu's position in page pixels, and the element that gets the focus back. */
export interface FlowMenuAnchor {
  x: number;
  y: number;
  returnFocus: HTMLElement | null;
}

/** Renders the menu at its anchor; `onClose` runs on Escape, a pick or a click elsewhere. */
export function FlowMenu(props: {
  label: string;
  anchor: FlowMenuAnchor;
  items: readonly FlowMenuItem[];
  onClose: () => void;
}) {
  const { anchor, items, onClose } = props;
  const menu = useRef<HTMLUListElement>(null);

  useEffect(() => {
    focusMenuItem(menu.current, 0);

    const closeOutside = (event: PointerEvent): void => {
      if (!(event.target instanceof Node) || menu.current?.contains(event.target) !== true) {
        onClose();
      }
    };
    document.addEventListener('pointerdown', closeOutside, true);
    return () => document.removeEventListener('pointerdown', closeOutside, true);
  }, [onClose]);

  const close = (): void => {
    onClose();
    anchor.returnFocus?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>): void => {
    handleMenuKey(event, menu.current, close);
  };

  return (
    <ul
      ref={menu}
      role="menu"
      aria-label={props.label}
      className="context-menu"
      style={{ left: anchor.x, top: anchor.y }}
      onKeyDown={onKeyDown}
    >
      {items.map((item) => (
        <li key={item.label} role="none">
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={item.danger === true ? 'context-menu-item danger-text' : 'context-menu-item'}
            onClick={() => {
              close();
              item.run();
            }}
          >
            {item.label}
          </button>
        </li>
      ))}
    </ul>
  );
}
