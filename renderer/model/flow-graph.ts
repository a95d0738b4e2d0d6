/**
 * The graph drawn for one flow: the flow, its stage bindings in order, the policy, group and
 * user bindings of the flow and of each stage binding, and objects placed on the canvas but not
 * bound yet. Pure data, so the canvas, the tests and the benchmark build it alike.
 */
import type { Point } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { isTag } from '../../shared/model/values.js';
import { modelTitle, objectTitle } from './names.js';
import type { PolicySubjectField, ProjectIndex } from './project-index.js';
import { fieldOrDefault, fieldValue, referencedUid, subjectFieldOf } from './project-index.js';

/** The flow itself, with the settings shown as badges. */
export interface FlowNodeData {
  kind: 'flow';
  uid: string;
  title: string;
  slug: string;
  designation: string;
  engineMode: string;
  deniedAction: string;
  authentication: string;
}

/** A stage binding and the stage it binds. */
export interface BindingNodeData {
  kind: 'binding';
  uid: string;
  /** Position in the flow, counting from 1. */
  position: number;
  order: string;
  stageUid: string | undefined;
  stageTitle: string;
  stageType: string;
  evaluateOnPlan: boolean;
  reEvaluatePolicies: boolean;
  engineMode: string;
  invalidResponseAction: string;
  /** Number of stage bindings, in any flow, that bind the same stage. */
  stageUses: number;
}

/** A policy binding: a policy, group or user bound to the flow or to a stage binding. */
export interface PolicyNodeData {
  kind: 'policy';
  uid: string;
  targetUid: string;
  subjectField: PolicySubjectField | undefined;
  subjectUid: string | undefined;
  subjectTitle: string;
  subjectType: string;
  order: string;
  negate: boolean;
  enabled: boolean;
  timeout: string;
  failureResult: boolean;
  /** Number of policy bindings that bind the same subject. */
  subjectUses: number;
}

/** A stage, policy, group or user placed on this flow's canvas without a binding here. */
export interface LooseNodeData {
  kind: 'loose';
  uid: string;
  model: string;
  title: string;
  typeTitle: string;
  /** Number of bindings elsewhere that bind the object. */
  uses: number;
}

/** The data of one canvas node. */
export type NodeData = FlowNodeData | BindingNodeData | PolicyNodeData | LooseNodeData;

/** A node of the flow graph; `id` is the uid of the object it draws. */
export interface GraphNode {
  id: string;
  data: NodeData;
  position: Point;
  /** False when the position comes from the automatic layout, not from the project. */
  placed: boolean;
}

/** An edge: the run order of stages, or a policy binding to its target. */
export interface GraphEdge {
  id: string;
  kind: 'sequence' | 'policy';
  source: string;
  target: string;
  /** Disabled policy bindings draw dashed. */
  muted: boolean;
}

/** The graph of one flow. */
export interface FlowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Spacing of the automatic layout, in canvas units. */
export const LAYOUT = {
  bindingTop: 170,
  bindingStep: 150,
  policyColumn: 360,
  flowPolicyColumn: -360,
  policyStep: 104,
  looseColumn: 760,
} as const;

function describeValue(value: Value | undefined): string {
  if (value === undefined || value === null) {
    return '';
  }

  if (isTag(value)) {
    return `!${value.$tag.replace(/^!/, '')}`;
  }

  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function describeReference(
  index: ProjectIndex,
  owner: ModelObject,
  field: string,
): { uid: string | undefined; title: string; type: string } {
  const uid = referencedUid(owner, field);
  const target = uid === undefined ? undefined : index.objects.get(uid);
  if (target !== undefined) {
    return { uid, title: objectTitle(target), type: modelTitle(target.model) };
  }

  // A `!Find` of an object outside the project, or a primary key of an exported file.
  const value = fieldValue(owner, field);

  return { uid: undefined, title: describeValue(value) || '(not set)', type: 'outside project' };
}

function flowData(flow: ModelObject): FlowNodeData {
  return {
    kind: 'flow',
    uid: flow.uid,
    title: describeValue(fieldValue(flow, 'name')) || objectTitle(flow),
    slug: describeValue(fieldValue(flow, 'slug')),
    designation: describeValue(fieldValue(flow, 'designation')) || '(no designation)',
    engineMode: describeValue(fieldOrDefault(flow, 'policy_engine_mode')),
    deniedAction: describeValue(fieldOrDefault(flow, 'denied_action')),
    authentication: describeValue(fieldOrDefault(flow, 'authentication')),
  };
}

function bindingData(index: ProjectIndex, binding: ModelObject, position: number): BindingNodeData {
  const stage = describeReference(index, binding, 'stage');

  return {
    kind: 'binding',
    uid: binding.uid,
    position,
    order: describeValue(fieldValue(binding, 'order')),
    stageUid: stage.uid,
    stageTitle: stage.title,
    stageType: stage.type,
    evaluateOnPlan: fieldOrDefault(binding, 'evaluate_on_plan') === true,
    reEvaluatePolicies: fieldOrDefault(binding, 're_evaluate_policies') === true,
    engineMode: describeValue(fieldOrDefault(binding, 'policy_engine_mode')),
    invalidResponseAction: describeValue(fieldOrDefault(binding, 'invalid_response_action')),
    stageUses: stage.uid === undefined ? 1 : (index.uses.get(stage.uid) ?? 1),
  };
}

function policyData(index: ProjectIndex, binding: ModelObject, targetUid: string): PolicyNodeData {
  const field = subjectFieldOf(binding);
  const subject =
    field === undefined
      ? { uid: undefined, title: '(binds nothing)', type: 'Policy binding' }
      : describeReference(index, binding, field);

  return {
    kind: 'policy',
    uid: binding.uid,
    targetUid,
    subjectField: field,
    subjectUid: subject.uid,
    subjectTitle: subject.title,
    subjectType: subject.type,
    order: describeValue(fieldValue(binding, 'order')),
    negate: fieldOrDefault(binding, 'negate') === true,
    enabled: fieldOrDefault(binding, 'enabled') !== false,
    timeout: describeValue(fieldOrDefault(binding, 'timeout')),
    failureResult: fieldOrDefault(binding, 'failure_result') === true,
    subjectUses: subject.uid === undefined ? 1 : (index.uses.get(subject.uid) ?? 1),
  };
}

function looseData(index: ProjectIndex, object: ModelObject): LooseNodeData {
  return {
    kind: 'loose',
    uid: object.uid,
    model: object.model,
    title: objectTitle(object),
    typeTitle: modelTitle(object.model),
    uses: index.uses.get(object.uid) ?? 0,
  };
}

/**
 * Builds the graph of one flow. Nodes take their stored position from `positions` (uid to
 * point, for this flow's view) and otherwise the automatic layout's position.
 */
export function buildFlowGraph(
  index: ProjectIndex,
  flowUid: string,
  positions: ReadonlyMap<string, Point> | undefined,
): FlowGraph {
  const flow = index.objects.get(flowUid);
  if (flow === undefined) {
    return { nodes: [], edges: [] };
  }

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const shown = new Set<string>([flowUid]);
  const place = (id: string, data: NodeData, fallback: Point): void => {
    const stored = positions?.get(id);
    nodes.push({ id, data, position: stored ?? fallback, placed: stored !== undefined });
  };

  place(flowUid, flowData(flow), { x: 0, y: 0 });

  let flowPolicyY = 0;
  for (const binding of index.policyBindings.get(flowUid) ?? []) {
    place(binding.uid, policyData(index, binding, flowUid), {
      x: LAYOUT.flowPolicyColumn,
      y: flowPolicyY,
    });
    edges.push(policyEdge(binding, flowUid));
    shown.add(binding.uid);
    flowPolicyY += LAYOUT.policyStep;
  }

  let previous = flowUid;
  let policyY: number = LAYOUT.bindingTop;
  const bindings = index.stageBindings.get(flowUid) ?? [];

  for (const [position, binding] of bindings.entries()) {
    const y = LAYOUT.bindingTop + position * LAYOUT.bindingStep;
    place(binding.uid, bindingData(index, binding, position + 1), { x: 0, y });
    edges.push({
      id: `sequence:${previous}:${binding.uid}`,
      kind: 'sequence',
      source: previous,
      target: binding.uid,
      muted: false,
    });
    shown.add(binding.uid);
    previous = binding.uid;

    // Policies stack beside their binding, pushed down when the previous binding had many.
    policyY = Math.max(policyY, y);
    for (const policyBinding of index.policyBindings.get(binding.uid) ?? []) {
      place(policyBinding.uid, policyData(index, policyBinding, binding.uid), {
        x: LAYOUT.policyColumn,
        y: policyY,
      });
      edges.push(policyEdge(policyBinding, binding.uid));
      shown.add(policyBinding.uid);
      policyY += LAYOUT.policyStep;
    }
  }

  let looseY = 0;
  for (const uid of positions?.keys() ?? []) {
    const object = index.objects.get(uid);
    if (object === undefined || shown.has(uid)) {
      continue;
    }

    place(uid, looseData(index, object), { x: LAYOUT.looseColumn, y: looseY });
    looseY += LAYOUT.policyStep;
  }

  return { nodes, edges };
}

function policyEdge(binding: ModelObject, targetUid: string): GraphEdge {
  return {
    id: `policy:${binding.uid}`,
    kind: 'policy',
    source: binding.uid,
    target: targetUid,
    muted: fieldOrDefault(binding, 'enabled') === false,
  };
}

/**
 * Returns the automatic layout of a flow: every node at its computed place, ignoring stored
 * positions. Loose nodes keep their stored place because the layout has no slot for them.
 */
export function layoutFlow(
  index: ProjectIndex,
  flowUid: string,
  positions: ReadonlyMap<string, Point> | undefined,
): Map<string, Point> {
  const looseOnly = new Map<string, Point>();
  const graph = buildFlowGraph(index, flowUid, positions);

  for (const node of graph.nodes) {
    if (node.data.kind === 'loose') {
      looseOnly.set(node.id, node.position);
    }
  }

  const layout = buildFlowGraph(index, flowUid, looseOnly);

  return new Map(layout.nodes.map((node) => [node.id, node.position]));
}

/** Lists the text of a node that search matches against, in lower case. */
export function searchText(data: NodeData): string {
  switch (data.kind) {
    case 'flow':
      return `${data.title} ${data.slug} ${data.designation}`.toLowerCase();
    case 'binding':
      return `${data.stageTitle} ${data.stageType} ${data.order}`.toLowerCase();
    case 'policy':
      return `${data.subjectTitle} ${data.subjectType}`.toLowerCase();
    case 'loose':
      return `${data.title} ${data.typeTitle}`.toLowerCase();
  }
}
