/**
 * The server service: saved authentik servers, and pull, diff and push for the open project.
 * It follows the rules of every service contract (one object argument, coded errors), and is
 * part of the client as `client.server`.
 */
import type { ProjectSnapshot } from '../api/services.js';
import type {
  EnvChoice,
  PullResult,
  PushMode,
  PushPlan,
  PushReport,
  ServerFlow,
  ServerIdentity,
  ServerInstance,
  ServerProfile,
  ServerProfileStatus,
} from './types.js';

/** The part of the project a diff or push sends: flows by slug, objects by uid, or everything. */
export interface ServerSelection {
  flows?: string[];
  uids?: string[];
}

/** The arguments of a push from the app. */
export interface PushArgs extends ServerSelection {
  /** The profile name. */
  profile: string;
  mode: PushMode;
  /** The blueprint instance to store the blueprint in; required for `managed`. */
  instanceName?: string;
  /** The choice for each `!Env` variable; a variable left out stays with the server. */
  env: EnvChoice[];
  dryRun?: boolean;
}

/** Saved servers and the exchange of blueprints with them. */
export interface ServerService {
  /** Lists the saved profiles with where each token would come from. */
  listProfiles(args: Record<string, never>): Promise<ServerProfileStatus[]>;
  /**
   * Saves a profile. A given token goes to the secret store (encrypted with the OS key store
   * in the desktop app, in memory only in web mode), never into the profile.
   */
  saveProfile(args: { profile: ServerProfile; token?: string }): Promise<ServerProfileStatus[]>;
  /** Removes a profile and its stored token. */
  removeProfile(args: { name: string }): Promise<ServerProfileStatus[]>;
  /** Reports the server's release and the token's user. */
  testConnection(args: { profile: string }): Promise<ServerIdentity>;
  /** Lists the server's flows and blueprint instances. */
  listFlows(args: {
    profile: string;
  }): Promise<{ flows: ServerFlow[]; instances: ServerInstance[] }>;
  /** Pulls flows into the open project as one undo step; a failure changes nothing. */
  pull(args: {
    profile: string;
    flows: string[];
  }): Promise<{ result: PullResult; snapshot: ProjectSnapshot }>;
  /** Compares a selection with the server and lists the `!Env` variables a push needs. */
  plan(args: { profile: string } & ServerSelection): Promise<PushPlan>;
  /**
   * Validates and pushes a selection. A blueprint the server rejects returns a report with
   * `success: false` and the server's log; local validation errors raise `blueprint-invalid`.
   */
  push(args: PushArgs): Promise<PushReport>;
}
