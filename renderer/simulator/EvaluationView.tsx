/**
 * The outcome of one expression evaluation: its result, messages, error, events, HTTP exchanges,
 * effects and logs. The policy editor's test panel and the stepper's policy list both show it.
 */
import type {
  Effect,
  EvaluationError,
  HttpExchange,
  LogRecord,
  RawResult,
  SimEvent,
} from '../../shared/simulator/evaluation.js';
import { expressionLine, splitTraceback } from '../../shared/simulator/traceback-lines.js';

function bodyText(body: string | null): string {
  if (body === null) {
    return '(no body)';
  }
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** An HTTP exchange as a trace step lists it (the source login's and the policies' requests). */
export interface StepExchange {
  /** The sender, e.g. `source discord` or `policy discord-guild-check`. */
  by?: string;
  method: string;
  url: string;
  status: number | null;
  responseBody: unknown;
  /** The origin of the response, e.g. `persona mossy`. */
  answeredBy?: string;
  error?: string;
}

/** Lists the HTTP exchanges of a trace step. */
export function StepHttpList(props: { exchanges: readonly StepExchange[] }) {
  return (
    <ul className="http-list">
      {props.exchanges.map((exchange, index) => (
        <li key={index} className={exchange.status === null ? 'http-unmatched' : 'http-matched'}>
          <details>
            <summary>
              <code>
                {exchange.method} {exchange.url}
              </code>{' '}
              <span className="http-status">
                {exchange.status ?? exchange.error ?? 'no response'}
              </span>{' '}
              <span className="muted">
                {[exchange.by, exchange.answeredBy].filter((part) => part !== undefined).join(', ')}
              </span>
            </summary>
            <pre className="http-body">
              {typeof exchange.responseBody === 'string'
                ? exchange.responseBody
                : JSON.stringify(exchange.responseBody, null, 2)}
            </pre>
          </details>
        </li>
      ))}
    </ul>
  );
}

/** Lists HTTP exchanges with their status and response body. */
export function HttpList(props: { exchanges: readonly HttpExchange[] }) {
  if (props.exchanges.length === 0) {
    return <p className="hint">No HTTP requests.</p>;
  }

  return (
    <ul className="http-list">
      {props.exchanges.map((exchange, index) => (
        <li key={index} className={exchange.matched ? 'http-matched' : 'http-unmatched'}>
          <details>
            <summary>
              <code>
                {exchange.method} {exchange.url}
              </code>{' '}
              <span className="http-status">
                {exchange.matched ? (exchange.status ?? '—') : 'no recorded answer'}
              </span>
            </summary>
            <pre className="http-body">{bodyText(exchange.responseBody)}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}

function describeEffect(effect: Effect): string {
  switch (effect.kind) {
    case 'object_saved':
      return `${effect.created ? 'Created' : 'Saved'} ${effect.label} (${effect.model})${
        effect.changes.length === 0
          ? ''
          : `: ${effect.changes.map((change) => `${change.field} ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`).join(', ')}`
      }`;
    case 'object_deleted':
      return `Deleted ${effect.label} (${effect.model})`;
    case 'membership_changed':
      return `${effect.label}: ${effect.relation} ${JSON.stringify(effect.before)} → ${JSON.stringify(effect.after)}`;
    case 'message':
      return `Message: ${effect.text}`;
    case 'event':
      return `Event ${effect.event.action}`;
    case 'email':
      return `Email to ${effect.to.join(', ')}: ${effect.subject}`;
    case 'jwt_issued':
      return `JWT issued by ${effect.provider}`;
    case 'plan_changed':
      return `Plan: ${effect.action}`;
    case 'policy_called':
      return `Called policy ${effect.name}: ${effect.passing ? 'passed' : 'failed'}`;
  }
}

/** Lists effects, events and log lines of an evaluation. */
export function EffectList(props: {
  effects: readonly Effect[];
  events: readonly SimEvent[];
  logs?: readonly LogRecord[];
}) {
  const effects = props.effects.filter(
    (effect) => effect.kind !== 'message' && effect.kind !== 'event',
  );

  return (
    <div className="effect-list">
      {props.events.length === 0 ? null : (
        <>
          <h5>Events</h5>
          <ul>
            {props.events.map((event, index) => (
              <li key={index}>
                <code>{event.action}</code> <span className="muted">({event.app})</span>{' '}
                <code className="event-context">{JSON.stringify(event.context)}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {effects.length === 0 ? null : (
        <>
          <h5>Effects</h5>
          <ul>
            {effects.map((effect, index) => (
              <li key={index}>{describeEffect(effect)}</li>
            ))}
          </ul>
        </>
      )}
      {props.logs === undefined || props.logs.length === 0 ? null : (
        <>
          <h5>Log</h5>
          <ul className="log-list">
            {props.logs.map((log, index) => (
              <li key={index}>
                <span className={`log-${log.level}`}>{log.level}</span> {log.logger}: {log.event}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function LineReference(props: {
  wrappedLine: number;
  expressionLine: number;
  onLine: ((line: number) => void) | undefined;
}) {
  const own = `line ${props.expressionLine} of the expression`;
  const reported = ` (line ${props.wrappedLine} as authentik reports it)`;
  if (props.onLine === undefined) {
    return (
      <span className="traceback-line">
        {own}
        {reported}
      </span>
    );
  }

  const onLine = props.onLine;
  return (
    <span className="traceback-line">
      <button
        type="button"
        className="link-button traceback-jump"
        title="Show this line in the editor"
        onClick={() => onLine(props.expressionLine)}
      >
        {own}
      </button>
      {reported}
    </span>
  );
}

/**
 * Shows a traceback with the expression's own line numbers beside the ones authentik reports,
 * which count the `def handler(...)` line the expression is wrapped in.
 */
export function Traceback(props: {
  error: EvaluationError;
  /** The file name the expression was compiled under: the policy or mapping name. */
  filename?: string | undefined;
  onLine?: ((line: number) => void) | undefined;
}) {
  const { error, filename } = props;
  const text = error.traceback || `${error.type}: ${error.message}`;
  const parts = filename === undefined ? [] : splitTraceback(text, filename);
  const at = error.line === undefined ? undefined : expressionLine(error.line);

  return (
    <>
      {at === undefined || error.line === undefined ? null : (
        <p className="error-line" data-testid="error-line">
          {error.type} at{' '}
          <LineReference wrappedLine={error.line} expressionLine={at} onLine={props.onLine} />
        </p>
      )}
      <pre className="error-trace" data-testid="error-trace">
        {parts.length === 0
          ? text
          : parts.map((part, index) =>
              part.kind === 'text' ? (
                part.text
              ) : (
                <LineReference
                  key={index}
                  wrappedLine={part.wrappedLine}
                  expressionLine={part.expressionLine}
                  onLine={props.onLine}
                />
              ),
            )}
      </pre>
    </>
  );
}

/** Shows the result of an evaluation: pass or fail, the raw value and the error. */
export function ResultLine(props: {
  passing: boolean;
  rawResult?: RawResult | undefined;
  error?: EvaluationError | undefined;
  timedOut?: boolean | undefined;
  durationMs: number;
  /** The policy or mapping name, so the traceback's lines of the expression can be distinguished. */
  filename?: string | undefined;
  /** Called with a line of the expression when its number in the traceback is clicked. */
  onLine?: ((line: number) => void) | undefined;
}) {
  return (
    <div className="result-line">
      <span
        className={`result-badge ${props.passing ? 'result-pass' : 'result-fail'}`}
        data-testid="result-badge"
      >
        {props.passing ? 'passed' : 'failed'}
      </span>
      {props.rawResult === undefined ? null : (
        <span className="raw-result">
          returned <code>{props.rawResult.repr}</code>{' '}
          <span className="muted">({props.rawResult.type})</span>
        </span>
      )}
      {props.timedOut === true ? <span className="warning-text">stopped: too slow</span> : null}
      <span className="muted">{props.durationMs.toFixed(1)} ms</span>
      {props.error === undefined ? null : (
        <Traceback error={props.error} filename={props.filename} onLine={props.onLine} />
      )}
    </div>
  );
}
