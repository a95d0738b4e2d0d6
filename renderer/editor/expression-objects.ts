/**
 * The project objects the policy editor opens: expression policies and property mappings, the
 * objects whose `expression` field authentik runs as Python.
 */
import type { ExpressionKind } from '../../shared/editor/api-globals.js';
import type { ModelObject } from '../../shared/model/object.js';
import { isRef } from '../../shared/model/values.js';
import { mergeEntryData } from '../../shared/model/view.js';

/** Model label of expression policies. */
export const EXPRESSION_POLICY_MODEL = 'authentik_policies_expression.expressionpolicy';

/** An object with an expression, as the editor lists it. */
export interface ExpressionObject {
  uid: string;
  name: string;
  model: string;
  kind: ExpressionKind;
  expression: string;
}

/** Returns the expression kind of a model, or undefined when its objects hold no expression. */
export function expressionKindOf(model: string): ExpressionKind | undefined {
  if (model === EXPRESSION_POLICY_MODEL) {
    return 'policy';
  }

  return /mapping$/.test(model) ? 'property_mapping' : undefined;
}

/** Reads an object as an expression object, or undefined for other objects. */
export function readExpressionObject(
  object: ModelObject | undefined,
): ExpressionObject | undefined {
  if (object === undefined) {
    return undefined;
  }

  const kind = expressionKindOf(object.model);
  if (kind === undefined) {
    return undefined;
  }

  const data = mergeEntryData(object);
  return {
    uid: object.uid,
    name: typeof data.name === 'string' ? data.name : object.uid,
    model: object.model,
    kind,
    expression: typeof data.expression === 'string' ? data.expression : '',
  };
}

/** Lists the expression objects of a project, policies first, then by name. */
export function listExpressionObjects(objects: Iterable<ModelObject>): ExpressionObject[] {
  const found: ExpressionObject[] = [];
  for (const object of objects) {
    const item = readExpressionObject(object);
    if (item !== undefined) {
      found.push(item);
    }
  }

  const rank = (item: ExpressionObject): number => (item.kind === 'policy' ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/**
 * Returns the expression object a selection points at: the object itself, or the policy a
 * policy binding binds.
 */
export function expressionOfSelection(
  uid: string | undefined,
  objects: ReadonlyMap<string, ModelObject>,
): string | undefined {
  const object = uid === undefined ? undefined : objects.get(uid);
  if (object === undefined) {
    return undefined;
  }
  if (expressionKindOf(object.model) !== undefined) {
    return object.uid;
  }

  const policy = mergeEntryData(object).policy;
  const target = isRef(policy) ? objects.get(policy.$ref) : undefined;
  return target !== undefined && expressionKindOf(target.model) !== undefined
    ? target.uid
    : undefined;
}
