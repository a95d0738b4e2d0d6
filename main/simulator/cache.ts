/**
 * The flow-plan cache and the policy-result cache of an authentik server, kept in memory for a
 * series of simulated runs. Keys and lifetimes follow authentik 2025.12:
 *
 * - Plans: `goauthentik.io/flows/planner/<flow pk>#<user pk>` for `cache.timeout_flows` (300 s by
 *   default), written by every planning that uses the cache (authentik/flows/planner.py). All
 *   anonymous visitors share the key ending in `#None`.
 * - Policy results: `goauthentik.io/policies/<binding uuid>_` + `_<session key>` + `#<user pk>`
 *   for `cache.timeout_policies` (300 s), written only for authenticated, non-debug requests
 *   (authentik/policies/process.py and types.py). The context is in neither key.
 */
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import { asText } from './json.js';

/** authentik's default `cache.timeout_flows` and `cache.timeout_policies`, in seconds. */
export const DEFAULT_CACHE_TIMEOUT_SECONDS = 300;

/** A planned binding as the plan cache keeps it. */
export interface CachedPlanEntry {
  bindingUid: string;
  reEvaluate: boolean;
}

/** A cached policy result. */
export interface CachedPolicyResult {
  passing: boolean;
  messages: string[];
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** Options of a cache. */
export interface SimulationCacheOptions {
  /** Current time in milliseconds; tests and the app move it to expire entries. */
  now?: () => number;
  timeoutFlowsSeconds?: number;
  timeoutPoliciesSeconds?: number;
}

/** The server's cache, shared by the runs that pass the same instance. */
export class SimulationCache {
  private readonly plans = new Map<string, Entry<CachedPlanEntry[]>>();
  private readonly policies = new Map<string, Entry<CachedPolicyResult>>();
  private readonly now: () => number;
  private readonly flowTtlMs: number;
  private readonly policyTtlMs: number;

  constructor(options: SimulationCacheOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    this.flowTtlMs = (options.timeoutFlowsSeconds ?? DEFAULT_CACHE_TIMEOUT_SECONDS) * 1000;
    this.policyTtlMs = (options.timeoutPoliciesSeconds ?? DEFAULT_CACHE_TIMEOUT_SECONDS) * 1000;
  }

  /** Returns the plan cache key of a flow and a user primary key (null for anonymous). */
  static planKey(flowUid: string, userPk: JsonValue): string {
    return `goauthentik.io/flows/planner/${flowUid}#${asText(userPk, 'None')}`;
  }

  /** Returns the policy cache key of a binding, a session and a user primary key. */
  static policyKey(bindingUid: string, sessionKey: string, userPk: JsonValue): string {
    const user = asText(userPk, 'None');
    return `goauthentik.io/policies/${bindingUid.replaceAll('-', '')}__${sessionKey}#${user}`;
  }

  /** Returns a cached plan, or undefined when there is none or it expired. */
  getPlan(key: string): CachedPlanEntry[] | undefined {
    return this.read(this.plans, key)?.map((entry) => ({ ...entry }));
  }

  /** Stores a plan for `cache.timeout_flows`. */
  setPlan(key: string, bindings: CachedPlanEntry[]): void {
    const value = bindings.map((entry) => ({ ...entry }));
    this.plans.set(key, { value, expiresAt: this.now() + this.flowTtlMs });
  }

  /** Returns a cached policy result, or undefined. */
  getPolicyResult(key: string): CachedPolicyResult | undefined {
    const cached = this.read(this.policies, key);

    return cached === undefined ? undefined : { ...cached, messages: [...cached.messages] };
  }

  /** Stores a policy result for `cache.timeout_policies`. */
  setPolicyResult(key: string, result: CachedPolicyResult): void {
    const value = { passing: result.passing, messages: [...result.messages] };
    this.policies.set(key, { value, expiresAt: this.now() + this.policyTtlMs });
  }

  /** Drops every entry, as restarting the server's cache does. */
  clear(): void {
    this.plans.clear();
    this.policies.clear();
  }

  private read<T>(store: Map<string, Entry<T>>, key: string): T | undefined {
    const entry = store.get(key);
    if (entry === undefined) {
      return undefined;
    }

    if (entry.expiresAt <= this.now()) {
      store.delete(key);
      return undefined;
    }

    return entry.value;
  }
}
