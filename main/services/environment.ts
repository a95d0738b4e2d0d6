/**
 * The state that all windows of one app process share: the app data folder, the recent list, the last
 * exports, the secret store and the native dialogs (which only the desktop app has).
 */
import type { AppInfo } from '../../shared/api/services.js';
import { appVersion, assetPath } from './app-root.js';
import { ExportHistory } from './export-history.js';
import { AppHome } from './home.js';
import { RecentProjects } from './recent.js';
import { SecretStore } from './secrets.js';
import type { SecretCipher } from './secrets.js';

/** Native file dialogs of the desktop app. Each returns null when the user cancels. */
export interface NativeDialogs {
  chooseProject(purpose: 'open' | 'create'): Promise<string | null>;
  chooseExportPath(defaultName: string): Promise<string | null>;
}

/** The shared state of one app process. */
export interface AppEnvironment {
  mode: AppInfo['mode'];
  home: AppHome;
  recent: RecentProjects;
  exports: ExportHistory;
  secrets: SecretStore;
  /** The blueprint imported into a new sample project. */
  sampleBlueprint: string;
  /** The folder the app was started in, for project paths given without a folder. */
  startFolder: string;
}

/** Options of {@link createAppEnvironment}. */
export interface AppEnvironmentOptions {
  mode: AppInfo['mode'];
  /** The app data folder; by default from STAGECRAFT_HOME or the OS convention. */
  home?: AppHome;
  /** Encryption for secrets at rest; without it secrets stay in memory. */
  cipher?: SecretCipher;
  sampleBlueprint?: string;
  /** By default npm's `INIT_CWD` (the folder `npm start` ran in), else the working folder. */
  startFolder?: string;
}

/**
 * Returns the folder the user started the app in. `npm start` runs in the package folder and
 * passes the user's folder as `INIT_CWD`.
 */
export function defaultStartFolder(): string {
  const initial = process.env.INIT_CWD;

  return initial !== undefined && initial !== '' ? initial : process.cwd();
}

/** Creates the shared state. Nothing is written until a service needs to. */
export function createAppEnvironment(options: AppEnvironmentOptions): AppEnvironment {
  const home = options.home ?? AppHome.fromEnvironment();

  return {
    mode: options.mode,
    home,
    recent: new RecentProjects(home.recentFile),
    exports: new ExportHistory(home.exportsFolder),
    secrets: new SecretStore(home.secretsFile, options.cipher),
    sampleBlueprint: options.sampleBlueprint ?? assetPath('sample', 'sample-flows.yaml'),
    startFolder: options.startFolder ?? defaultStartFolder(),
  };
}

/** Returns the AppInfo of an environment. */
export function describeApp(environment: AppEnvironment): AppInfo {
  return {
    mode: environment.mode,
    version: appVersion(),
    dataFolder: environment.home.folder,
    platform: process.platform,
    startFolder: environment.startFolder,
  };
}
