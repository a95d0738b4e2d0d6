/**
 * The last simulated run drawn over the canvas: the stages it passed, skipped, and stopped at,
 * and which policies passed or failed. It adds a style sheet that targets the canvas nodes by
 * their object uid, so the canvas itself needs no change, and a legend with the outcome.
 */
import { useMemo } from 'react';

import { mergeEntryData } from '../../shared/model/view.js';
import { useProject } from '../state/project-store.js';
import { useSimulator } from './simulator-store.js';
import { overlayFor } from './stepper.js';
import './simulator.css';

function selector(uid: string): string {
  return `[data-uid="${uid.replace(/["\\]/g, '\\$&')}"]`;
}

const STATUS_CLASS: Record<string, string> = {
  passed: 'pass',
  shown: 'pass',
  completed: 'pass',
  skipped: 'skip',
  rejected: 'stop',
  denied: 'stop',
  waiting: 'stop',
  error: 'stop',
  'not-applicable': 'stop',
  restarted: 'stop',
  planned: 'pass',
};

/** Renders the overlay for the flow open on the canvas. */
export function RunOverlay(props: { flowUid: string }) {
  const run = useSimulator((state) => state.run);
  const flow = useProject((state) => state.objects.get(props.flowUid));
  const slug = flow === undefined ? undefined : mergeEntryData(flow).slug;

  const overlay = useMemo(
    () => (run === null || typeof slug !== 'string' ? null : overlayFor(run.trace, slug)),
    [run, slug],
  );
  if (
    run === null ||
    overlay === null ||
    (overlay.stages.length === 0 && overlay.policies.size === 0)
  ) {
    return null;
  }

  const rules: string[] = [];
  for (const stage of overlay.stages) {
    const tone = overlay.stoppedAt === stage.uid ? 'stop' : (STATUS_CLASS[stage.status] ?? 'pass');
    rules.push(`${selector(stage.uid)} { box-shadow: 0 0 0 3px var(--run-${tone}); }`);
    rules.push(`${selector(stage.uid)}::after { content: "${stage.status}"; } `);
  }
  for (const [uid, passing] of overlay.policies) {
    const tone = passing ? 'pass' : 'stop';
    rules.push(`${selector(uid)} { box-shadow: 0 0 0 3px var(--run-${tone}); }`);
    rules.push(`${selector(uid)}::after { content: "${passing ? 'passed' : 'failed'}"; }`);
  }

  const outcome = run.trace.outcome;
  const actor = run.trace.actor?.persona ?? 'anonymous visitor';
  const text =
    outcome.kind === 'completed'
      ? `completed (redirect to ${outcome.redirect})`
      : `${outcome.kind}${'stage' in outcome && outcome.stage !== undefined ? ` at ${outcome.stage.name}` : ''}`;

  return (
    <>
      <style data-testid="run-overlay-style">{rules.join('\n')}</style>
      <div className="run-overlay-legend" data-testid="run-overlay" role="status">
        <strong>Last run</strong> as {actor}: {text}
        <span className="legend-item legend-pass">passed</span>
        <span className="legend-item legend-skip">skipped</span>
        <span className="legend-item legend-stop">stopped / failed</span>
        <button
          type="button"
          className="link-button"
          onClick={() => useSimulator.getState().clearRun()}
        >
          Hide
        </button>
      </div>
    </>
  );
}
