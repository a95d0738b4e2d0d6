/** Helpers of the simulator tests: objects from blueprint text, and a scripted evaluator. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { EvaluationRequest, EvaluationResult } from '../../shared/simulator/evaluation.js';
import type { SimulationTrace, TraceStep } from '../../shared/simulator/trace.js';
import type { ExpressionEvaluator } from '../../main/simulator/types.js';

/** The shared reference folder, next to the repository. */
export const SHARED = join(process.cwd(), '..', 'shared');

/** Reads a file of the shared reference folder, failing with a plain message when it is missing. */
export function readShared(path: string): string {
  const full = join(SHARED, path);
  if (!existsSync(full)) {
    throw new Error(
      `The reference file ${full} is missing; these tests need the shared folder next to the repository.`,
    );
  }

  return readFileSync(full, 'utf8');
}

/** Resolves blueprint documents into objects, as one project holding all of them. */
export function objectsFromYaml(...texts: string[]): ModelObject[] {
  let counter = 0;
  const objects: ModelObject[] = [];

  for (const [position, text] of texts.entries()) {
    const document = readBlueprint(text, { file: `test-${position}.yaml` });
    objects.push(
      ...resolveDocument(document, { uid: () => `obj-${position}-${counter++}` }).objects,
    );
  }

  return objects;
}

/** What a scripted policy returns; missing fields get neutral defaults. */
export type Script = (request: EvaluationRequest) => Partial<EvaluationResult>;

/** An evaluator that returns scripted results by policy name and records the requests. */
export class ScriptedEvaluator implements ExpressionEvaluator {
  readonly requests: EvaluationRequest[] = [];

  constructor(private readonly scripts: Record<string, Script> = {}) {}

  evaluate(request: EvaluationRequest): Promise<EvaluationResult> {
    this.requests.push(structuredClone(request));
    const script = this.scripts[request.name];
    if (script === undefined) {
      return Promise.reject(new Error(`No script for expression "${request.name}".`));
    }

    const partial = script(request);
    return Promise.resolve({
      passing: false,
      messages: [],
      events: [],
      logs: [],
      effects: [],
      http: [],
      durationMs: 0.1,
      context: request.context,
      ...partial,
    });
  }

  /** Returns the requests made for one policy. */
  callsOf(name: string): EvaluationRequest[] {
    return this.requests.filter((request) => request.name === name);
  }
}

/** Returns a script that returns a bool, as `return <value>` would. */
export function returns(value: boolean): Script {
  return () => ({
    passing: value,
    rawResult: { repr: value ? 'True' : 'False', type: 'bool', json: value },
  });
}

/** Returns a script that raises an exception, as the sandbox reports it. */
export function raises(type: string, message: string): Script {
  return () => ({ passing: false, messages: [message], error: { type, message, traceback: '' } });
}

/** Returns the stage steps of a trace with a given stage name. */
export function stageSteps(trace: SimulationTrace, name: string): TraceStep[] {
  return trace.steps.filter((step) => step.kind === 'stage' && step.stage?.name === name);
}

/** Returns the names of the stages that passed, in order. */
export function passedStages(trace: SimulationTrace): string[] {
  return trace.steps
    .filter((step) => step.kind === 'stage' && step.status === 'passed')
    .map((step) => step.stage?.name ?? '');
}
