/**
 * Facts about the running app (its mode, the folder it started in), read once from the backend.
 * Project actions need the mode to choose between native dialogs and the in-page dialog.
 */
import { create } from 'zustand';

import type { AppInfo } from '../../shared/api/services.js';
import { client } from './client.js';

interface AppInfoState {
  /** The app facts, or null until the first `loadAppInfo` resolves. */
  info: AppInfo | null;
}

/** The app facts store. */
export const useAppInfo = create<AppInfoState>()(() => ({ info: null }));

let loading: Promise<AppInfo> | undefined;

/** Returns the app facts, asking the backend on the first call only. */
export function loadAppInfo(): Promise<AppInfo> {
  loading ??= client()
    .app.info({})
    .then((info) => {
      useAppInfo.setState({ info });
      return info;
    })
    .catch((error: unknown) => {
      // A later call requests it again instead of keeping the failure.
      loading = undefined;
      throw error;
    });

  return loading;
}
