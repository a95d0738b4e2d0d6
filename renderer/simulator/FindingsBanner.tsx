/**
 * The findings of the shown run, as the CLI prints them after a trace: each with its severity,
 * message, suggested fix and the step it was found in. Choosing a finding shows that step.
 */
import type { Finding, FindingSeverity, SimulationTrace } from '../../shared/simulator/trace.js';
import { useSimulator } from './simulator-store.js';
import { lastReachable } from './stepper.js';

const SEVERITY_ORDER: Record<FindingSeverity, number> = { critical: 0, warning: 1, info: 2 };

/**
 * Returns the message without its trailing "Fix: …" sentence when that repeats `fix`, because
 * the banner shows the fix on its own line.
 */
export function messageWithoutFix(finding: Finding): string {
  if (finding.fix === undefined) {
    return finding.message;
  }
  const suffix = ` Fix: ${finding.fix}`;

  return finding.message.endsWith(suffix)
    ? finding.message.slice(0, -suffix.length)
    : finding.message;
}

/** Returns "3 findings: 1 critical, 2 warnings" for a list of findings. */
export function findingsHeadline(findings: readonly Finding[]): string {
  const counts: Record<FindingSeverity, number> = { critical: 0, warning: 0, info: 0 };
  for (const finding of findings) {
    counts[finding.severity] += 1;
  }
  const parts = [
    counts.critical > 0 ? `${counts.critical} critical` : '',
    counts.warning > 0 ? `${counts.warning} warning${counts.warning === 1 ? '' : 's'}` : '',
    counts.info > 0 ? `${counts.info} info` : '',
  ].filter((part) => part !== '');
  const total = findings.length;

  return `${total} finding${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

function FindingItem(props: { finding: Finding; trace: SimulationTrace; current: boolean }) {
  const { finding, trace } = props;
  const step = trace.steps[finding.step];
  const reachable = finding.step <= lastReachable(trace);
  const stepLabel =
    step === undefined ? `step ${finding.step + 1}` : `step ${finding.step + 1}: ${step.title}`;

  return (
    <li
      className={`finding finding-${finding.severity}`}
      data-testid="finding"
      data-code={finding.code}
    >
      <span className={`severity severity-${finding.severity}`}>{finding.severity}</span>
      <div className="finding-text">
        <p className="finding-message">{messageWithoutFix(finding)}</p>
        {finding.fix === undefined ? null : (
          <p className="finding-fix">
            <strong>Fix:</strong> {finding.fix}
          </p>
        )}
        <button
          type="button"
          className="link-button finding-step"
          disabled={!reachable}
          aria-current={props.current ? 'step' : undefined}
          title={reachable ? 'Show this step' : 'The stepper cannot reach this step yet'}
          onClick={() => useSimulator.getState().go(finding.step)}
        >
          Found in {stepLabel}
        </button>
      </div>
    </li>
  );
}

/** Renders the findings of the run, or nothing when it has none. */
export function FindingsBanner(props: { trace: SimulationTrace; cursor: number }) {
  const findings = [...props.trace.findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.step - b.step,
  );
  if (findings.length === 0) {
    return null;
  }
  const critical = findings.some((finding) => finding.severity === 'critical');

  return (
    <details
      className={`findings-banner ${critical ? 'findings-critical' : 'findings-warning'}`}
      data-testid="findings"
      open
    >
      <summary>
        <span aria-hidden="true">⚠ </span>
        {findingsHeadline(findings)}
      </summary>
      <ul className="finding-list" aria-label="Findings of the run">
        {findings.map((finding, index) => (
          <FindingItem
            key={index}
            finding={finding}
            trace={props.trace}
            current={finding.step === props.cursor}
          />
        ))}
      </ul>
    </details>
  );
}
