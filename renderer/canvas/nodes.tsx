/**
 * The node components of the canvas. Each is memoized by React Flow and reads nothing but its
 * props, so moving or editing one node re-renders that node only.
 */
import type { NodeProps } from '@xyflow/react';
import { Handle, Position } from '@xyflow/react';
import type { ReactNode } from 'react';
import { memo } from 'react';

import type {
  BindingNodeData,
  FlowNodeData,
  LooseNodeData,
  PolicyNodeData,
} from '../model/flow-graph.js';
import type { CanvasNode } from './canvas-store.js';

function Badge(props: {
  tone?: 'warn' | 'info' | 'muted' | 'shared';
  title: string;
  children: ReactNode;
}) {
  return (
    <span className={`badge badge-${props.tone ?? 'info'}`} title={props.title}>
      {props.children}
    </span>
  );
}

/** Maximum characters kept at the end of a cut title: enough for `-enrollment` or `-flow`. */
const TITLE_TAIL_MAX = 14;

/**
 * Returns the head and tail of a title for {@link NodeTitle}. The tail is at most 40% of the
 * title, so a long head still shows where the name starts.
 */
function splitTitle(title: string): { head: string; tail: string } {
  const cut = title.length - Math.min(TITLE_TAIL_MAX, Math.floor(title.length * 0.4));

  return { head: title.slice(0, cut), tail: title.slice(cut) };
}

/**
 * Renders a node title cut in the middle when it is too wide. The head ends in an ellipsis (CSS)
 * and the tail always shows, because names of one family (`default-source-authentication`,
 * `default-source-enrollment`) differ at the end. The whole title is the tooltip.
 */
function NodeTitle(props: { text: string }) {
  const { head, tail } = splitTitle(props.text);

  return (
    <div className="node-title" title={props.text}>
      <span className="node-title-head">{head}</span>
      <span className="node-title-tail">{tail}</span>
    </div>
  );
}

function nodeClass(kind: string, selected: boolean, match: boolean | null, extra = ''): string {
  const classes = ['node', `node-${kind}`];
  if (selected) {
    classes.push('node-selected');
  }
  if (match === true) {
    classes.push('node-match');
  } else if (match === false) {
    classes.push('node-dimmed');
  }
  if (extra !== '') {
    classes.push(extra);
  }

  return classes.join(' ');
}

function FlowNodeView({ data, selected }: NodeProps<CanvasNode>) {
  const flow = data.node as FlowNodeData;

  return (
    <div className={nodeClass('flow', selected, data.match)} data-uid={flow.uid}>
      <Handle type="target" position={Position.Left} id="policies" />
      <div className="node-kind">Flow · {flow.designation}</div>
      <NodeTitle text={flow.title} />
      <div className="node-subtitle">{flow.slug}</div>
      <div className="badges">
        <Badge title="Policy engine mode: how the flow's policies combine">
          policies: {flow.engineMode}
        </Badge>
        <Badge title="Authentication the flow requires">{flow.authentication}</Badge>
        <Badge tone="muted" title="What happens when the flow's policies deny access">
          denied: {flow.deniedAction}
        </Badge>
      </div>
      <Handle type="source" position={Position.Bottom} id="next" isConnectable={false} />
    </div>
  );
}

function BindingNodeView({ data, selected }: NodeProps<CanvasNode>) {
  const binding = data.node as BindingNodeData;

  return (
    <div className={nodeClass('binding', selected, data.match)} data-uid={binding.uid}>
      <Handle type="target" position={Position.Top} id="previous" isConnectable={false} />
      <div className="node-kind">
        <span className="node-step">{binding.position}</span> order {binding.order || '?'} ·{' '}
        {binding.stageType}
      </div>
      <NodeTitle text={binding.stageTitle} />
      <div className="badges">
        {binding.stageUses > 1 ? (
          <Badge tone="shared" title="This stage is bound in several places">
            shared ×{binding.stageUses}
          </Badge>
        ) : null}
        {binding.evaluateOnPlan ? (
          <Badge tone="warn" title="Policies are evaluated when the flow is planned">
            evaluate on plan
          </Badge>
        ) : null}
        {binding.reEvaluatePolicies ? (
          <Badge title="Policies are evaluated again just before the stage runs">re-evaluate</Badge>
        ) : null}
        {binding.engineMode !== 'any' ? (
          <Badge title="Policy engine mode of this binding">policies: {binding.engineMode}</Badge>
        ) : null}
        {binding.invalidResponseAction !== 'retry' ? (
          <Badge tone="muted" title="What the flow does after an invalid response">
            invalid: {binding.invalidResponseAction}
          </Badge>
        ) : null}
      </div>
      <Handle type="target" position={Position.Right} id="policies" />
      <Handle type="source" position={Position.Bottom} id="next" isConnectable={false} />
    </div>
  );
}

function PolicyNodeView({ data, selected }: NodeProps<CanvasNode>) {
  const binding = data.node as PolicyNodeData;
  const extra = binding.enabled ? '' : 'node-disabled';

  return (
    <div className={nodeClass('policy', selected, data.match, extra)} data-uid={binding.uid}>
      <Handle type="source" position={Position.Left} id="bind-left" isConnectable={false} />
      <div className="node-kind">
        {binding.subjectType} · order {binding.order || '?'}
      </div>
      <NodeTitle text={binding.subjectTitle} />
      <div className="badges">
        {binding.negate ? (
          <Badge tone="warn" title="The result is inverted">
            negate
          </Badge>
        ) : null}
        {binding.enabled ? null : (
          <Badge tone="muted" title="authentik skips this binding">
            disabled
          </Badge>
        )}
        {binding.failureResult ? (
          <Badge tone="warn" title="An error in the policy counts as a pass">
            passes on error
          </Badge>
        ) : null}
        {binding.subjectUses > 1 ? (
          <Badge tone="shared" title="This policy, group or user is bound in several places">
            shared ×{binding.subjectUses}
          </Badge>
        ) : null}
      </div>
      <Handle type="source" position={Position.Right} id="bind-right" isConnectable={false} />
    </div>
  );
}

function LooseNodeView({ data, selected }: NodeProps<CanvasNode>) {
  const loose = data.node as LooseNodeData;

  return (
    <div className={nodeClass('loose', selected, data.match)} data-uid={loose.uid}>
      <div className="node-kind">{loose.typeTitle} · not bound here</div>
      <NodeTitle text={loose.title} />
      <div className="badges">
        {loose.uses > 0 ? (
          <Badge tone="shared" title="Bound in other places">
            bound ×{loose.uses} elsewhere
          </Badge>
        ) : (
          <Badge tone="muted" title="Drag from the dot to a flow or stage to bind it">
            drag the dot to bind
          </Badge>
        )}
      </div>
      <Handle type="source" position={Position.Right} id="bind" className="handle-bind" />
    </div>
  );
}

/** The node components by node type. */
export const NODE_TYPES = {
  flow: memo(FlowNodeView),
  binding: memo(BindingNodeView),
  policy: memo(PolicyNodeView),
  loose: memo(LooseNodeView),
};
