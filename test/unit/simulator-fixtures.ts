/** Blueprint texts the simulator tests share. */
import type { Persona } from '../../shared/simulator/persona.js';
import { hashPassword } from '../../main/simulator/passwords.js';

/** Returns a login flow (identification, password, user login) plus extra entries. */
export function loginFlow(extra = '', flowAttrs = ''): string {
  return `version: 1
entries:
  - model: authentik_flows.flow
    id: flow
    identifiers: {slug: login}
    attrs:
      name: Login
      title: Login
      designation: authentication
${indent(flowAttrs, 6)}
  - model: authentik_stages_identification.identificationstage
    id: ident
    identifiers: {name: ident}
    attrs: {user_fields: [username, email]}
  - model: authentik_stages_password.passwordstage
    id: pw
    identifiers: {name: pw}
    attrs: {backends: [authentik.core.auth.InbuiltBackend]}
  - model: authentik_stages_user_login.userloginstage
    id: login-stage
    identifiers: {name: login-stage}
  - model: authentik_flows.flowstagebinding
    id: ident-binding
    identifiers: {target: !KeyOf flow, stage: !KeyOf ident, order: 10}
  - model: authentik_flows.flowstagebinding
    id: pw-binding
    identifiers: {target: !KeyOf flow, stage: !KeyOf pw, order: 20}
  - model: authentik_flows.flowstagebinding
    id: login-binding
    identifiers: {target: !KeyOf flow, stage: !KeyOf login-stage, order: 100}
${extra}`;
}

/**
 * Entries of users and groups: alice (in `staff`, child of `admins`, a superuser group) and bob.
 * Append them to a document, because `!KeyOf` only reaches entries of the same file.
 */
export const DIRECTORY = `  - model: authentik_core.group
    id: admins
    identifiers: {name: admins}
    attrs: {is_superuser: true}
  - model: authentik_core.group
    id: staff
    identifiers: {name: staff}
    attrs: {parents: [!KeyOf admins]}
  - model: authentik_core.user
    id: alice
    identifiers: {username: alice}
    attrs: {name: Alice, email: alice@example.org, groups: [!KeyOf staff]}
  - model: authentik_core.user
    id: bob
    identifiers: {username: bob}
    attrs: {name: Bob, email: bob@example.org}
`;

/** Returns an expression policy entry, which the scripted evaluator finds by its name. */
export function policy(id: string, expression = 'return True'): string {
  return `  - model: authentik_policies_expression.expressionpolicy
    id: ${id}
    identifiers: {name: ${id}}
    attrs:
      expression: ${JSON.stringify(expression)}
`;
}

/** Returns a policy binding entry. */
export function binding(target: string, what: string, order: number, attrs = ''): string {
  return `  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf ${target}, ${what}, order: ${order}}
    attrs: {${attrs}}
`;
}

// Hashing is slow on purpose, so the tests share one hash per password.
const hashes = new Map<string, string>();

/** Returns a persona for a user of {@link DIRECTORY} with a password. */
export function persona(username: string, password: string, extra: Partial<Persona> = {}): Persona {
  const hash = hashes.get(password) ?? hashPassword(password);
  hashes.set(password, hash);

  return { name: username, user: { username }, passwordHash: hash, ...extra };
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');
}
