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
      <div className="node-title" title={flow.title}>
        {flow.title}
      </div>
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
      <div className="node-title" title={binding.stageTitle}>
        {binding.stageTitle}
      </div>
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
      <div className="node-title" title={binding.subjectTitle}>
        {binding.subjectTitle}
      </div>
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
      <div className="node-title" title={loose.title}>
        {loose.title}
      </div>
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
