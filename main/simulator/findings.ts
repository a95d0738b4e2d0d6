/**
 * Explanations and findings about policy results. They cover values that Python truthiness
 * turns into a pass or a fail, missing returns and errors that `failure_result` hides. They also
 * cover syntax errors the server rejects on import and typical mistakes with the request user
 * and the context of a call site.
 */
import type { ModelObject } from '../../shared/model/object.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type { JsonMap, PolicyEvaluation } from '../../shared/simulator/trace.js';
import { EXPRESSION_POLICY_MODEL } from './policies.js';
import type { RunState } from './types.js';
import { asText } from './json.js';

/** Returns one-line explanations of a policy result for the trace. */
export function describePolicyResult(trace: PolicyEvaluation): string[] {
  const notes: string[] = [];
  const raw = trace.rawResult;

  if (raw !== undefined && raw.type === 'NoneType') {
    notes.push('The expression returned None (no return on this path), which fails.');
  } else if (raw !== undefined && raw.type === 'PolicyResult') {
    notes.push('The expression returned a PolicyResult object, which is always truthy and passes.');
  } else if (raw !== undefined && raw.type !== 'bool') {
    const verdict = trace.policyPassing === true ? 'passes' : 'fails';
    notes.push(
      `The expression returned the ${raw.type} ${raw.repr}, which Python truthiness ${verdict}.`,
    );
  }

  if (trace.failureResultUsed && trace.error !== undefined) {
    notes.push(
      `The policy raised ${trace.error.type}: ${trace.error.message}. The binding's failure_result ` +
        `(${String(trace.binding.failureResult)}) is the result, and negate is not applied.`,
    );
  }

  if (trace.binding.negate && !trace.failureResultUsed && trace.policyPassing !== undefined) {
    notes.push(
      `negate turns the policy's ${String(trace.policyPassing)} into ${String(trace.passing)}.`,
    );
  }

  return notes;
}

/** Records findings about one evaluated policy in the current step. */
export async function reportPolicyProblems(
  state: RunState,
  trace: PolicyEvaluation,
  policy: ModelObject,
  context: JsonMap,
): Promise<void> {
  const name = trace.binding.label;
  const raw = trace.rawResult;

  if (raw?.type === 'NoneType') {
    state.recorder.finding(
      'warning',
      'policy-returned-none',
      `Policy "${name}" returned None, so it fails; authentik logs "Expression policy returned None". Add a return statement.`,
    );
  } else if (raw !== undefined && raw.type !== 'bool' && raw.type !== 'PolicyResult') {
    state.recorder.finding(
      'warning',
      'policy-non-bool',
      `Policy "${name}" returned the ${raw.type} ${raw.repr}, which Python truthiness turns into ` +
        `${trace.policyPassing === true ? 'a pass' : 'a fail'}. Return a bool to make the intent explicit.`,
    );
  }

  const error = trace.error;
  if (error === undefined) {
    return;
  }

  if (error.type === 'SyntaxError' && policy.model === EXPRESSION_POLICY_MODEL) {
    await reportSyntaxError(state, name, policy);
    return;
  }

  if (error.type === 'AttributeError' && error.message.includes("'AnonymousUser' object")) {
    state.recorder.finding(
      'warning',
      'policy-anonymous-user',
      `Policy "${name}" runs with request.user = AnonymousUser here (${error.message}). Nobody is ` +
        'logged in at this point: read the user\'s data from context["prompt_data"] or the flow ' +
        'context, which user_write consumes, instead of request.user.',
    );
  }

  const missingKey = /^'(.+)'$/.exec(error.message)?.[1];
  if (
    error.type === 'KeyError' &&
    missingKey !== undefined &&
    readsContextKey(policy, missingKey, context)
  ) {
    state.recorder.finding(
      'warning',
      'policy-context-key-missing',
      `Policy "${name}" reads the key '${missingKey}', which this login path does not set. Use ` +
        `context.get("${missingKey}") and check the value's type before using it.`,
    );
  }

  if (trace.failureResultUsed) {
    state.recorder.finding(
      'warning',
      'policy-raised',
      `Policy "${name}" raised ${error.type}: ${error.message}${error.line === undefined ? '' : ` (line ${error.line - 1} of the expression)`}; ` +
        `failure_result ${String(trace.binding.failureResult)} decided the binding.`,
    );
  }
}

// True when the expression subscripts the context with the key and the context lacks it, so a
// KeyError of a nested lookup (`attributes["x"]`) is not blamed on the context.
function readsContextKey(policy: ModelObject, key: string, context: JsonMap): boolean {
  const expression = asText(mergeEntryData(policy).expression);
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const subscript = new RegExp(`context\\[\\s*["']${escaped}["']\\s*\\]`);

  return subscript.test(expression) && !(key in context);
}

// The server compiles an expression when it is saved, so a syntax error never reaches a flow
// there: the import of the blueprint fails instead. The message comes from the same compile.
async function reportSyntaxError(
  state: RunState,
  name: string,
  policy: ModelObject,
): Promise<void> {
  const expression = asText(mergeEntryData(policy).expression);
  const validation = await state.evaluator.evaluate({
    kind: 'policy',
    mode: 'validate',
    saved: false,
    expression,
    name,
    context: {},
    user: null,
    directory: { users: [], groups: [], sources: [], connections: [] },
  });
  const message = validation.messages[0] ?? validation.error?.message ?? 'Expression Syntax Error';

  state.recorder.finding(
    'critical',
    'policy-syntax-error',
    `Policy "${name}" does not compile; authentik rejects it when the blueprint is imported: ${message}`,
  );
}
