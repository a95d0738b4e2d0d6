/**
 * The last card of a run: the page the user ends on. Its headline is the outcome (complete,
 * denied, rejected, waiting, failed), shown once, followed by the message and where it happened.
 */
import type { SimulationTrace } from '../../shared/simulator/trace.js';

/** Renders the outcome of the run. */
export function FinishCard(props: { trace: SimulationTrace }) {
  const outcome = props.trace.outcome;
  switch (outcome.kind) {
    case 'completed':
      return (
        <div className="stage-result stage-result-ok" data-testid="outcome">
          <strong className="outcome-headline">Login complete.</strong>
          <p>
            The browser goes to <code>{outcome.redirect}</code>.
          </p>
          <p className="muted">{outcome.why}</p>
        </div>
      );
    case 'denied':
      return (
        <div className="stage-result stage-result-denied" data-testid="outcome">
          <strong className="outcome-headline">Request has been denied.</strong>
          {outcome.message === '' ? null : <p data-testid="outcome-message">{outcome.message}</p>}
          <p className="muted">
            {outcome.stage === undefined ? '' : `At stage ${outcome.stage.name}: `}
            {outcome.why}
          </p>
        </div>
      );
    case 'rejected':
      return (
        <div className="stage-result stage-result-denied" data-testid="outcome">
          <strong className="outcome-headline">
            Stage {outcome.stage.name} rejected the answer.
          </strong>
          <p data-testid="outcome-message">{outcome.message}</p>
        </div>
      );
    case 'input-required':
      return (
        <div className="stage-result" data-testid="outcome">
          <strong className="outcome-headline">Waiting for an answer.</strong>
          <p data-testid="outcome-message">{outcome.message}</p>
        </div>
      );
    case 'error':
      return (
        <div className="stage-result stage-result-denied" data-testid="outcome">
          <strong className="outcome-headline">
            The flow failed{outcome.stage === undefined ? '' : ` at stage ${outcome.stage.name}`}.
          </strong>
          <p data-testid="outcome-message">{outcome.message}</p>
          <p className="muted">
            Error code <code>{outcome.code}</code>
          </p>
        </div>
      );
  }
}
