/** Helpers for project store tests: temporary folders and small model objects. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ModelObject } from '../../shared/model/object.js';

/** Creates a temporary folder and returns it with a function that removes it. */
export function makeTempFolder(): { folder: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'stagecraft-project-'));

  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** Returns a minimal flow object with the given uid. */
export function flowObject(uid: string, name = `Flow ${uid}`): ModelObject {
  return {
    uid,
    model: 'authentik_flows.flow',
    state: 'present',
    conditions: [],
    identifiers: { slug: uid },
    attrs: { name, designation: 'authentication' },
    permissions: [],
  };
}

/** Returns a minimal expression policy object with the given uid. */
export function policyObject(uid: string): ModelObject {
  return {
    uid,
    model: 'authentik_policies_expression.expressionpolicy',
    state: 'present',
    conditions: [],
    identifiers: { name: uid },
    attrs: { expression: 'return True' },
    permissions: [],
  };
}
