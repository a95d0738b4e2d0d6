/**
 * The validation problems of the whole project. The list is refreshed a moment after each
 * change; clicking a problem opens its flow and focuses its object.
 */
import { useEffect, useState } from 'react';

import type { Problem } from '../../shared/api/services.js';
import { FLOW_MODEL, POLICY_BINDING_MODEL, referencedUid } from '../model/project-index.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';

const VALIDATE_DELAY = 500;

/** Finds the flow whose canvas shows an object, and the node that draws it there. */
function locate(uid: string): { flow: string; node: string } | undefined {
  const { index, positions } = useProject.getState();
  const object = index.objects.get(uid);
  if (object === undefined) {
    return undefined;
  }

  if (object.model === FLOW_MODEL) {
    return { flow: uid, node: uid };
  }

  const target = referencedUid(object, 'target');
  if (target !== undefined) {
    const targetObject = index.objects.get(target);
    if (targetObject?.model === FLOW_MODEL) {
      return { flow: target, node: uid };
    }
    const flow = targetObject === undefined ? undefined : referencedUid(targetObject, 'target');
    if (object.model === POLICY_BINDING_MODEL && flow !== undefined) {
      return { flow, node: uid };
    }
  }

  // A stage or policy: the first binding of it, else the first canvas it is placed on.
  for (const [flowUid, bindings] of index.stageBindings) {
    const binding = bindings.find((item) => referencedUid(item, 'stage') === uid);
    if (binding !== undefined) {
      return { flow: flowUid, node: binding.uid };
    }
  }
  for (const [targetUid, bindings] of index.policyBindings) {
    const binding = bindings.find((item) => referencedUid(item, 'policy') === uid);
    if (binding !== undefined) {
      const flow = locate(targetUid)?.flow;
      return flow === undefined ? undefined : { flow, node: binding.uid };
    }
  }
  for (const [view, points] of positions) {
    if (points.has(uid)) {
      return { flow: view, node: uid };
    }
  }

  return undefined;
}

/** Opens the flow that shows an object and selects and focuses its node. */
export function focusObject(uid: string): void {
  const place = locate(uid);
  const ui = useUi.getState();
  if (place === undefined) {
    ui.setSelection([uid]);
    return;
  }

  ui.setActiveFlow(place.flow);
  ui.setSelection([place.node]);
  ui.requestFocus(place.node);
}

function ProblemRow(props: { problem: Problem }) {
  const { problem } = props;
  const uid = problem.uid;

  return (
    <li className={`problem problem-${problem.severity}`}>
      <button
        type="button"
        disabled={uid === undefined}
        onClick={() => {
          if (uid !== undefined) {
            focusObject(uid);
          }
        }}
      >
        <span className="problem-severity">{problem.severity}</span>
        <code>{problem.code}</code>
        <span className="problem-message">{problem.message}</span>
      </button>
    </li>
  );
}

/** Renders the problems panel. */
export function ProblemsPanel() {
  const revision = useProject((state) => state.revision);
  const status = useProject((state) => state.status);
  const problems = useProject((state) => state.problems);
  const [open, setOpen] = useState(true);

  useEffect(() => {
    if (status !== 'ready') {
      return;
    }
    const timer = window.setTimeout(() => {
      void useProject.getState().refreshProblems();
    }, VALIDATE_DELAY);
    return () => window.clearTimeout(timer);
  }, [revision, status]);

  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;

  return (
    <section className={`problems ${open ? 'problems-open' : ''}`} aria-label="Problems">
      <button
        type="button"
        className="problems-toggle"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        Problems: {errors} {errors === 1 ? 'error' : 'errors'}, {warnings}{' '}
        {warnings === 1 ? 'warning' : 'warnings'}
      </button>
      {open ? (
        <ul className="problem-list">
          {problems.slice(0, 500).map((problem, position) => (
            <ProblemRow key={position} problem={problem} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
