/** Project objects the editor tests share: the sample project and a Discord source login. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ModelObject } from '../../shared/model/object.js';
import { mergeEntryData } from '../../shared/model/view.js';
import { objectsFromYaml } from './simulator-helpers.js';

/** Returns the objects of the sample project that the app opens on first start. */
export function sampleObjects(): ModelObject[] {
  return objectsFromYaml(readFileSync(join('assets', 'sample', 'sample-flows.yaml'), 'utf8'));
}

/** Returns the uid of the object of `model` whose name is `name`. */
export function uidOf(objects: readonly ModelObject[], name: string): string {
  const found = objects.find((object) => mergeEntryData(object).name === name);
  if (found === undefined) {
    throw new Error(`No object named ${name} in the fixture.`);
  }
  return found.uid;
}

/**
 * Returns a Discord source whose enrollment flow has a prompt stage and a policy on the flow and on the
 * prompt binding. `sso` adds the flow policy that requires a source login; `scopes` sets the
 * source's additional scopes.
 */
export function discordObjects(options: { sso: boolean; scopes: string }): ModelObject[] {
  const ssoPolicy = options.sso
    ? `  - model: authentik_policies_expression.expressionpolicy
    id: sso
    identifiers: {name: require-sso}
    attrs: {expression: "return ak_is_sso_flow"}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf flow, policy: !KeyOf sso, order: 0}
`
    : '';

  return objectsFromYaml(`version: 1
entries:
  - model: authentik_flows.flow
    id: flow
    identifiers: {slug: discord-enroll}
    attrs: {name: Enroll, title: Enroll, designation: enrollment}
  - model: authentik_stages_prompt.prompt
    id: field
    identifiers: {name: nickname-field}
    attrs: {field_key: nickname, label: Nickname, type: text}
  - model: authentik_stages_prompt.promptstage
    id: prompt
    identifiers: {name: ask-nickname}
    attrs: {fields: [!KeyOf field]}
  - model: authentik_stages_user_write.userwritestage
    id: write
    identifiers: {name: write}
  - model: authentik_flows.flowstagebinding
    id: prompt-binding
    identifiers: {target: !KeyOf flow, stage: !KeyOf prompt, order: 10}
  - model: authentik_flows.flowstagebinding
    id: write-binding
    identifiers: {target: !KeyOf flow, stage: !KeyOf write, order: 20}
  - model: authentik_policies_expression.expressionpolicy
    id: flow-check
    identifiers: {name: flow-check}
    attrs: {expression: "return True"}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf flow, policy: !KeyOf flow-check, order: 10}
  - model: authentik_policies_expression.expressionpolicy
    id: write-check
    identifiers: {name: write-check}
    attrs: {expression: "return True"}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf write-binding, policy: !KeyOf write-check, order: 0}
${ssoPolicy}  - model: authentik_sources_oauth.oauthsource
    id: discord
    identifiers: {slug: discord}
    attrs:
      name: Discord
      provider_type: discord
      consumer_key: key
      additional_scopes: "${options.scopes}"
      enrollment_flow: !KeyOf flow
`);
}
