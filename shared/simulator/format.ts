/**
 * Plain-text rendering of a simulation trace, one block per step, for the CLI and for logs.
 * The app draws the same trace graphically.
 */
import type {
  EngineRun,
  PolicyEvaluation,
  SimulationOutcome,
  SimulationTrace,
  TraceStep,
} from './trace.js';

/** Options of {@link formatTrace}. */
export interface FormatOptions {
  /** Also print the masked plan context after each step. */
  showContext?: boolean;
}

const STATUS_MARK: Record<TraceStep['status'], string> = {
  planned: '•',
  passed: '✓',
  shown: '…',
  skipped: '↷',
  rejected: '✗',
  denied: '⛔',
  restarted: '↺',
  waiting: '?',
  'not-applicable': '⛔',
  error: '!',
  completed: '✓',
};

/**
 * Joins sentences with one space, ending each with a full stop unless it already ends in
 * punctuation. authentik's messages ("Invalid password") have no full stop of their own.
 */
export function joinSentences(...sentences: string[]): string {
  return sentences
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '')
    .map((sentence) => (/[.!?:]$/.test(sentence) ? sentence : `${sentence}.`))
    .join(' ');
}

function formatEvaluation(evaluation: PolicyEvaluation): string[] {
  const binding = evaluation.binding;
  const verdict = evaluation.passing ? 'pass' : 'fail';
  const source = evaluation.source === 'cache' ? ', from cache' : '';
  const time = evaluation.source === 'run' ? `, ${evaluation.durationMs.toFixed(1)} ms` : '';
  const lines = [
    `      ${binding.kind} ${binding.label} (order ${binding.order}${binding.negate ? ', negate' : ''}): ${verdict}${source}${time}`,
  ];

  if (evaluation.error !== undefined) {
    // The server's line numbers count the `def handler(...)` line the expression is wrapped in.
    const at = evaluation.error.line;
    const line = at === undefined ? '' : ` at line ${at} (line ${at - 1} of the expression)`;
    lines.push(`        raised ${evaluation.error.type}${line}: ${evaluation.error.message}`);
  }
  for (const message of evaluation.messages) {
    lines.push(`        message: ${message}`);
  }
  for (const warning of evaluation.warnings) {
    lines.push(`        note: ${warning}`);
  }

  return lines;
}

function formatEngine(engine: EngineRun, repeats: string): string[] {
  const verdict = engine.passing ? 'pass' : 'fail';
  const what = engine.empty ? 'nothing bound' : `mode ${engine.mode}`;
  const lines = [
    `    policies (${engine.purpose}) on ${engine.target.kind} ${engine.target.label}, user ${engine.user}, ${what}: ${verdict}${repeats}`,
  ];

  for (const evaluation of engine.policies) {
    lines.push(...formatEvaluation(evaluation));
  }
  if (engine.staticResult !== undefined) {
    const result = engine.staticResult;
    lines.push(
      `      group/user bindings: ${result.matching} of ${result.total} match: ${result.passing ? 'pass' : 'fail'} (${result.rule})`,
    );
  }

  return lines;
}

/** Builds the key under which two engine runs print the same; timings may differ. */
function engineKey(engine: EngineRun): string {
  const policies = engine.policies.map((evaluation) => ({
    binding: evaluation.binding,
    passing: evaluation.passing,
    error: evaluation.error,
    messages: evaluation.messages,
    warnings: evaluation.warnings,
  }));

  return JSON.stringify([
    engine.purpose,
    engine.target,
    engine.user,
    engine.mode,
    engine.empty,
    engine.passing,
    engine.staticResult,
    policies,
  ]);
}

/**
 * Collapses consecutive runs with the same result into one. authentik re-evaluates a stage
 * binding's policies on every request to the stage, so a stage shown (GET) and submitted (POST)
 * runs them twice with the same result.
 */
function groupRepeatedEngines(engines: EngineRun[]): { engine: EngineRun; count: number }[] {
  const groups: { engine: EngineRun; count: number; key: string }[] = [];
  for (const engine of engines) {
    const key = engineKey(engine);
    const last = groups.at(-1);
    if (last?.key === key) {
      last.count += 1;
    } else {
      groups.push({ engine, count: 1, key });
    }
  }

  return groups;
}

function formatStep(step: TraceStep, options: FormatOptions): string[] {
  const requests = step.requests.length > 0 ? ` [${step.requests.join(', ')}]` : '';
  // A title that already names the status ("Access denied", "Flow completed") needs no suffix.
  const status = step.title.toLowerCase().includes(step.status) ? '' : ` — ${step.status}`;
  const lines = [
    `${String(step.index + 1).padStart(2)}. ${STATUS_MARK[step.status]} ${step.title}${status}${requests}`,
  ];

  if (step.why !== undefined) {
    lines.push(`    why: ${step.why}`);
  }
  if (step.plan !== undefined) {
    const auth = step.plan.authentication;
    const met = auth.met ? 'met' : `not met (${auth.why ?? ''})`;
    lines.push(`    authentication ${auth.requirement}: ${met}; plan cache: ${step.plan.cache}`);
  }
  // An engine over nothing bound passes silently; only the flow's own is worth a line.
  const shown = step.engines.filter((run) => !run.empty || run.purpose === 'flow');
  for (const { engine, count } of groupRepeatedEngines(shown)) {
    const repeats =
      count > 1 ? ` (ran ${count} times, once per request: ${step.requests.join(', ')})` : '';
    lines.push(...formatEngine(engine, repeats));
  }
  for (const binding of step.plan?.bindings ?? []) {
    const marker = binding.reEvaluate ? ', policies re-evaluated before it runs' : '';
    const why = binding.why === undefined ? '' : ` (${binding.why})`;
    lines.push(
      `    stage ${binding.stage.order ?? '-'} ${binding.stage.name}: ${binding.decision}${marker}${why}`,
    );
  }
  for (const input of step.inputs) {
    lines.push(`    input ${input.key} = ${JSON.stringify(input.value)} (${input.source})`);
  }
  for (const note of step.notes) {
    lines.push(`    ${note}`);
  }
  for (const message of step.messages) {
    lines.push(`    message: ${message}`);
  }
  for (const [field, errors] of Object.entries(step.responseErrors ?? {})) {
    lines.push(`    error ${field}: ${errors.join(' ')}`);
  }
  if (options.showContext === true && step.contextAfter !== undefined) {
    lines.push(`    context: ${JSON.stringify(step.contextAfter)}`);
  }

  return lines;
}

/** Returns the one-line summary of an outcome. */
export function formatOutcome(outcome: SimulationOutcome): string {
  switch (outcome.kind) {
    case 'completed':
      return `Completed: flow ${outcome.flow} redirects to ${outcome.redirect} (${outcome.why}).`;
    case 'denied': {
      const where =
        outcome.stage === undefined ? `flow ${outcome.flow}` : `stage ${outcome.stage.name}`;
      const message = outcome.message === '' ? '' : `: ${outcome.message}`;
      return `Denied at ${where}${message} (${outcome.why}).`;
    }
    case 'rejected':
      return `Rejected at stage ${outcome.stage.name}: ${joinSentences(outcome.message, 'The form would be shown again.')}`;
    case 'input-required':
      return `Stopped at stage ${outcome.stage.name}: ${joinSentences(outcome.message, `Give it with --input ${outcome.inputs[0] ?? 'KEY'}=VALUE.`)}`;
    case 'error':
      return `Error${outcome.stage === undefined ? '' : ` at stage ${outcome.stage.name}`}: ${outcome.message}`;
  }
}

function describeActor(trace: SimulationTrace): string {
  const actor = trace.actor;
  if (actor === null) {
    return 'an anonymous visitor';
  }
  if (actor.directoryUser === true) {
    return `${actor.username ?? ''} (directory user)`;
  }

  return `${actor.username ?? ''} (persona ${actor.persona ?? '-'})`;
}

/** Renders a trace as text: the steps, the effects, the findings and the outcome. */
export function formatTrace(trace: SimulationTrace, options: FormatOptions = {}): string {
  const lines = [
    `Simulating flow ${trace.flow.slug} (designation ${trace.flow.designation}, authentication requirement ${trace.flow.authentication}) as ${describeActor(trace)}, authentik ${trace.authentikVersion}${trace.cacheEnabled ? '' : ', cache off'}`,
    '',
  ];

  for (const step of trace.steps) {
    lines.push(...formatStep(step, options));
  }

  const effects = trace.effects;
  const effectLines = [
    ...effects.users.map(
      (user) =>
        `  user ${user.username} ${user.action}: ${user.changes.map((change) => change.field).join(', ')}`,
    ),
    ...effects.memberships.map(
      (change) =>
        `  groups of ${change.username}: [${change.before.join(', ')}] -> [${change.after.join(', ')}]`,
    ),
    ...effects.sessions.map(
      (session) => `  session ${session.action}: ${session.username ?? 'anonymous'}`,
    ),
    ...effects.emails.map((email) => `  email to ${email.to.join(', ')}: ${email.subject}`),
    ...effects.events.map(
      (event) => `  event ${event.action}${event.user ? ` (${event.user})` : ''}`,
    ),
    ...effects.messages.map((message) => `  ${message.level} message: ${message.text}`),
  ];
  if (effectLines.length > 0) {
    lines.push('', 'Effects (not applied to the project):', ...effectLines);
  }

  if (trace.findings.length > 0) {
    lines.push('', 'Findings:');
    for (const finding of trace.findings) {
      lines.push(
        `  ${finding.severity} ${finding.code} (step ${finding.step + 1}): ${finding.message}`,
      );
    }
  }

  if (trace.rules.length > 0) {
    lines.push('', 'Version rules used:');
    for (const rule of trace.rules) {
      lines.push(`  ${rule.id} (${rule.versions}): ${rule.summary}`);
    }
  }

  lines.push('', formatOutcome(trace.outcome), '');
  return lines.join('\n');
}
