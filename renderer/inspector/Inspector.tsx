/**
 * The inspector: a form for every catalogue field of the selected object. A stage binding shows
 * the binding and its stage, a policy binding the binding and its policy, group or user.
 */
import { getModelSpec } from '../../shared/model/catalog.js';
import { getModelFacts } from '../../shared/model/fields.js';
import type { ModelObject } from '../../shared/model/object.js';
import { deleteFlow } from '../canvas/actions.js';
import { modelTitle, objectTitle } from '../model/names.js';
import {
  FLOW_MODEL,
  POLICY_BINDING_MODEL,
  STAGE_BINDING_MODEL,
  referencedUid,
  subjectFieldOf,
} from '../model/project-index.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';
import { FieldEditor } from './FieldEditor.js';

function ObjectForm(props: { object: ModelObject; heading: string }) {
  const { object } = props;
  const spec = getModelSpec(object.model);
  const facts = getModelFacts(object.model);

  if (spec === undefined) {
    return (
      <section className="inspector-section">
        <h3>{props.heading}</h3>
        <p className="hint">
          The model {object.model || '(set by a tag)'} is not in the catalogue, so its fields cannot
          be edited here.
        </p>
      </section>
    );
  }

  return (
    <section className="inspector-section" aria-label={props.heading}>
      <h3>{props.heading}</h3>
      <p className="inspector-model">
        <code>{object.model}</code>
      </p>
      {Object.entries(spec.fields).map(([field, fieldSpec]) => (
        <FieldEditor
          key={`${object.uid}:${field}`}
          object={object}
          field={field}
          spec={fieldSpec}
          facts={facts}
        />
      ))}
    </section>
  );
}

function ObjectProblems(props: { uids: string[] }) {
  const problems = useProject((state) => state.problems);
  const own = problems.filter(
    (problem) => problem.uid !== undefined && props.uids.includes(problem.uid),
  );
  if (own.length === 0) {
    return null;
  }

  return (
    <section className="inspector-section">
      <h3>Problems</h3>
      <ul className="problem-list">
        {own.map((problem, position) => (
          <li key={position} className={`problem problem-${problem.severity}`}>
            <code>{problem.code}</code> {problem.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Renders the inspector panel. */
export function Inspector() {
  const selection = useUi((state) => state.selection);
  const objects = useProject((state) => state.objects);
  const activeFlow = useUi((state) => state.activeFlow);
  // With nothing selected the inspector shows the open flow.
  let uid: string | null | undefined = null;
  if (selection.length === 1) {
    uid = selection[0];
  } else if (selection.length === 0) {
    uid = activeFlow;
  }
  const object = uid === null || uid === undefined ? undefined : objects.get(uid);

  if (selection.length > 1) {
    return (
      <aside className="inspector" aria-label="Inspector">
        <p className="hint">{selection.length} nodes selected.</p>
      </aside>
    );
  }

  if (object === undefined) {
    return (
      <aside className="inspector" aria-label="Inspector">
        <p className="hint">Select a node to edit it.</p>
      </aside>
    );
  }

  const related = relatedObject(object, objects);

  return (
    <aside className="inspector" aria-label="Inspector" tabIndex={-1} id="inspector">
      <header className="inspector-header">
        <div className="inspector-type">{modelTitle(object.model)}</div>
        <h2>{objectTitle(related ?? object)}</h2>
      </header>
      <ObjectProblems uids={related === undefined ? [object.uid] : [object.uid, related.uid]} />
      {related === undefined ? null : (
        <ObjectForm object={related} heading={modelTitle(related.model)} />
      )}
      <ObjectForm object={object} heading={modelTitle(object.model)} />
      {object.model === FLOW_MODEL ? (
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (window.confirm(`Delete the flow ${objectTitle(object)} and its bindings?`)) {
              deleteFlow(object.uid).catch((error: unknown) => reportError('Delete flow', error));
            }
          }}
        >
          Delete flow
        </button>
      ) : null}
    </aside>
  );
}

function relatedObject(
  object: ModelObject,
  objects: ReadonlyMap<string, ModelObject>,
): ModelObject | undefined {
  if (object.model === STAGE_BINDING_MODEL) {
    const stage = referencedUid(object, 'stage');
    return stage === undefined ? undefined : objects.get(stage);
  }

  if (object.model === POLICY_BINDING_MODEL) {
    const field = subjectFieldOf(object);
    const subject = field === undefined ? undefined : referencedUid(object, field);
    return subject === undefined ? undefined : objects.get(subject);
  }

  return undefined;
}
