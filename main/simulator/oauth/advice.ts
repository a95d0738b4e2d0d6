/**
 * Suggested fixes for expression errors that source logins commonly hit. The error itself comes
 * from running the expression; these findings only explain it and name a change that removes it.
 * - `NameError` for a model class: authentik gives expressions no model classes (its
 *   BaseEvaluator globals are helpers only, authentik/lib/expression/evaluator.py), so code that
 *   uses `OAuthSource` without importing it fails on the server too.
 * - `NameError` for `context` in a property mapping: mappings get `source`, `properties`,
 *   `info`, `client`, `token` and `request`, not a policy's `context`.
 * - `KeyError: 'flow_plan'`: only policies of stage bindings see the plan.
 * - A Discord error body read as data: a 401 (missing scope, bad token) or 404 code 10004 (not
 *   in the guild) body has `message` and `code` but no `id` or `roles`.
 */
import type { EvaluationError } from '../../../shared/simulator/evaluation.js';
import type {
  EngineRun,
  FindingSeverity,
  HttpTraceExchange,
  TraceStep,
} from '../../../shared/simulator/trace.js';
import type { RunState } from '../types.js';

/** The modules that model classes used by expressions are imported from. */
const MODEL_MODULES: Record<string, string> = {
  OAuthSource: 'authentik.sources.oauth.models',
  UserOAuthSourceConnection: 'authentik.sources.oauth.models',
  User: 'authentik.core.models',
  Group: 'authentik.core.models',
  Source: 'authentik.core.models',
  UserSourceConnection: 'authentik.core.models',
};

/** Records a finding in the current step with a suggested fix. */
export function recordFinding(
  state: RunState,
  severity: FindingSeverity,
  code: string,
  message: string,
  fix: string,
): void {
  state.recorder.finding(severity, code, `${message} Fix: ${fix}`);
  const finding = state.recorder.findings.at(-1);
  if (finding !== undefined && finding.code === code && finding.fix === undefined) {
    finding.fix = fix;
  }
}

/** The advice for one error, or undefined when none is known. */
export interface Advice {
  code: string;
  message: string;
  fix: string;
}

function lineOf(error: EvaluationError): string {
  // The server counts the `def handler(...)` line it wraps the expression in.
  return error.line === undefined ? '' : ` on line ${error.line - 1}`;
}

/** Returns advice for an expression error, using the HTTP exchanges of the same expression. */
export function adviceFor(
  kind: 'policy' | 'property mapping',
  name: string,
  error: EvaluationError,
  exchanges: readonly HttpTraceExchange[],
): Advice | undefined {
  const label = `${kind === 'policy' ? 'Policy' : 'Property mapping'} "${name}"`;
  const raised = `${label} raises ${error.type}: ${error.message}${lineOf(error)}`;

  const missingName = /^name '(\w+)' is not defined$/.exec(error.message)?.[1];
  if (error.type === 'NameError' && missingName !== undefined) {
    const module = MODEL_MODULES[missingName];
    if (module !== undefined) {
      return {
        code: 'expression-missing-import',
        message: `${raised}. authentik gives expressions no model classes, so the server raises the same error.`,
        fix: `Add \`from ${module} import ${missingName}\` as the first line of the expression.`,
      };
    }
    if (missingName === 'context' && kind === 'property mapping') {
      return {
        code: 'mapping-without-context',
        message: `${raised}. Property mappings have no \`context\`; their variables are source, properties, info, client, token and request.`,
        fix: 'Read the source as `source` and the provider\'s user info as `info`, and return the changes as a dict such as `{"attributes": {...}}` instead of saving request.user.',
      };
    }
  }

  if (error.type === 'KeyError' && error.message === "'flow_plan'") {
    return {
      code: 'policy-without-flow-plan',
      message: `${raised}. Only policies bound to a stage binding see context["flow_plan"]; policies bound to the flow itself run before the plan exists.`,
      fix: 'Bind the policy to the stage binding of the user_write stage instead of the flow, so that context["flow_plan"].context["groups"] reaches user_write.',
    };
  }

  const errorBody = exchanges.find(
    (exchange) => exchange.status !== null && exchange.status >= 400,
  );
  const readsBody =
    (error.type === 'TypeError' && error.message.startsWith('string indices must be integers')) ||
    (error.type === 'KeyError' && ["'roles'", "'id'"].includes(error.message));
  if (readsBody && errorBody !== undefined) {
    const reason =
      errorBody.status === 401
        ? 'a 401 means the token lacks the scope of the endpoint, or is invalid'
        : `the body is Discord's error object ${JSON.stringify(errorBody.responseBody)}`;
    return {
      code: 'policy-reads-error-body',
      message: `${raised}. It read the response of ${errorBody.method} ${errorBody.url} (HTTP ${errorBody.status}) as data; ${reason}.`,
      fix: 'Check `response.status_code == 200` (or `"code" in data`) before reading the body, and return False with an ak_message otherwise.',
    };
  }

  return undefined;
}

function exchangesOf(step: TraceStep, by: string): HttpTraceExchange[] {
  return (step.http ?? []).filter((exchange) => exchange.by === by);
}

/**
 * Returns advice when an engine under mode `any` passed although a bound policy failed: the
 * failing policy gates nothing, because one passing binding is enough.
 */
export function adviceForAnyMode(engine: EngineRun): Advice | undefined {
  if (engine.mode !== 'any' || !engine.passing) {
    return undefined;
  }

  const failed = engine.policies.filter((evaluation) => !evaluation.passing);
  const passed = engine.policies.filter((evaluation) => evaluation.passing);
  if (failed.length === 0 || passed.length === 0) {
    return undefined;
  }

  const names = (list: typeof failed): string =>
    list.map((item) => `"${item.binding.label}"`).join(', ');
  const target = `${engine.target.kind === 'flow' ? 'Flow' : 'Binding'} ${engine.target.label}`;
  return {
    code: 'policy-engine-any',
    message:
      `${target} still applies although ${names(failed)} failed: its policy_engine_mode is any, ` +
      `and ${names(passed)} passed, so the failed ${failed.length === 1 ? 'policy stops' : 'policies stop'} nobody.`,
    fix: `Set policy_engine_mode: all on ${engine.target.kind === 'flow' ? `flow ${engine.target.label}` : `the binding of ${engine.target.label}`}, so that every bound policy must pass.`,
  };
}

/** Adds advice findings for the policy errors of every step of the run. */
export function adviseOnPolicyErrors(state: RunState): void {
  for (const step of state.recorder.steps) {
    for (const engine of step.engines) {
      const anyMode = adviceForAnyMode(engine);
      if (anyMode !== undefined) {
        addFindingAt(state, step.index, anyMode, 'warning');
      }

      for (const evaluation of engine.policies) {
        if (evaluation.error === undefined) {
          continue;
        }

        const name = evaluation.binding.label;
        const advice = adviceFor(
          'policy',
          name,
          evaluation.error,
          exchangesOf(step, `policy ${name}`),
        );
        if (advice !== undefined) {
          addFindingAt(state, step.index, advice);
        }
      }
    }
  }
}

function addFindingAt(
  state: RunState,
  step: number,
  advice: Advice,
  severity: FindingSeverity = 'critical',
): void {
  const findings = state.recorder.findings;
  const message = `${advice.message} Fix: ${advice.fix}`;
  if (findings.some((item) => item.code === advice.code && item.message === message)) {
    return;
  }

  findings.push({ severity, code: advice.code, message, step, fix: advice.fix });
}

/** Adds the advice for an expression error of the current step, when one is known. */
export function adviseOnError(
  state: RunState,
  kind: 'policy' | 'property mapping',
  name: string,
  error: EvaluationError,
): void {
  const step = state.recorder.current();
  const by = `${kind} ${name}`;
  const advice = adviceFor(kind, name, error, exchangesOf(step, by));
  if (advice !== undefined) {
    addFindingAt(state, step.index, advice);
  }
}
