/**
 * Keyboard handling shared by the app's menus, following the WAI-ARIA menu pattern: the arrow
 * keys, Home and End move between the enabled items (wrapping around), and Escape or Tab closes
 * the menu.
 */
import type { KeyboardEvent } from 'react';

/** Returns the enabled items of a menu, in order. */
export function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]:not(:disabled)') ?? [])];
}

/** Focuses the item at `index`, wrapping around at both ends. */
export function focusMenuItem(menu: HTMLElement | null, index: number): void {
  const items = menuItems(menu);
  if (items.length > 0) {
    items[((index % items.length) + items.length) % items.length]?.focus();
  }
}

/** Handles one key of a menu: moves the focus, or calls `close` for Escape and Tab. */
export function handleMenuKey(
  event: KeyboardEvent<HTMLElement>,
  menu: HTMLElement | null,
  close: () => void,
): void {
  const items = menuItems(menu);
  const current = items.indexOf(document.activeElement as HTMLElement);
  const moves: Record<string, number> = {
    ArrowDown: current + 1,
    ArrowUp: current - 1,
    Home: 0,
    End: items.length - 1,
  };
  const target = moves[event.key];

  if (target !== undefined) {
    event.preventDefault();
    focusMenuItem(menu, target);
  } else if (event.key === 'Escape' || event.key === 'Tab') {
    // Stop here so the window's Escape shortcut does not clear the canvas selection too.
    event.preventDefault();
    event.stopPropagation();
    close();
  }
}
