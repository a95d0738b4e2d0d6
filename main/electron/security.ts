/**
 * Security settings of the desktop app's windows: the renderer runs sandboxed with context
 * isolation and no Node, may not navigate away or open windows, and only pages served from the
 * app's own `app://stagecraft/` origin may call the services.
 */
import type { IpcMainInvokeEvent, WebContents, WebPreferences } from 'electron';

/** The scheme and host the renderer is served from, by a protocol handler of the app. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'stagecraft';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The page every window loads. */
export const APP_PAGE = `${APP_ORIGIN}/index.html`;

/** Returns the web preferences of every window; `preload` is the compiled preload script. */
export function windowPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** Tells whether a URL belongs to the app's own pages. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Tells whether an IPC call comes from an app page in a window's main frame. Frames of other
 * origins (an injected iframe, a page reached by a navigation that slipped through) are refused.
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
): boolean {
  const frame = event.senderFrame;
  if (frame === null || frame === undefined) {
    return false;
  }

  return frame === event.sender.mainFrame && isAppUrl(frame.url);
}

/** A callback that receives the path of a blueprint file dropped on a window. */
export type DroppedFileHandler = (path: string) => void;

const BLUEPRINT_FILE = /\.(ya?ml|json|akflow)$/i;

/** Returns true for a link the system browser may open: an `https:` URL. */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Blocks every navigation away from the app page and every new window. A file dropped on a
 * window makes Chromium navigate to its `file://` URL; that navigation is blocked too, and the
 * file is handed to `onDroppedFile` when it looks like a blueprint. A new window for an `https:`
 * link (such as a provider's login page of a live simulator run) goes to `openExternal`, the
 * system browser, instead.
 */
export function lockDownContents(
  contents: WebContents,
  onDroppedFile: DroppedFileHandler,
  openExternal?: (url: string) => void,
): void {
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url) && url.startsWith(APP_PAGE)) {
      return;
    }

    event.preventDefault();
    if (url.startsWith('file://')) {
      const path = decodeURIComponent(new URL(url).pathname);
      if (BLUEPRINT_FILE.test(path)) {
        onDroppedFile(process.platform === 'win32' ? path.replace(/^\//, '') : path);
      }
    }
  });

  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) {
      event.preventDefault();
    }
  });

  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (openExternal !== undefined && isExternalLink(url)) {
      openExternal(url);
    }
    return { action: 'deny' };
  });
}
