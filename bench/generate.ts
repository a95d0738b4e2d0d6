/** Generates large blueprints for benchmarks. */

/**
 * Builds a blueprint of `flowCount` authentication flows, each with an identification, password
 * and login stage, their bindings, an expression policy and its binding: 10 entries per flow.
 */
export function generateBlueprint(flowCount: number): string {
  const lines = ['version: 1', 'metadata:', '  name: Generated benchmark blueprint', 'entries:'];

  for (let index = 0; index < flowCount; index += 1) {
    const slug = `bench-flow-${index}`;
    lines.push(
      '  - model: authentik_flows.flow',
      `    id: ${slug}`,
      '    identifiers:',
      `      slug: ${slug}`,
      '    attrs:',
      `      name: Benchmark flow ${index}`,
      `      title: Sign in ${index}`,
      '      designation: authentication',
      '  - model: authentik_stages_identification.identificationstage',
      `    id: ${slug}-identification`,
      '    identifiers:',
      `      name: ${slug}-identification`,
      '    attrs:',
      '      user_fields: [username, email]',
      '  - model: authentik_stages_password.passwordstage',
      `    id: ${slug}-password`,
      '    identifiers:',
      `      name: ${slug}-password`,
      '    attrs:',
      '      backends: [authentik.core.auth.InbuiltBackend]',
      '  - model: authentik_stages_user_login.userloginstage',
      `    id: ${slug}-login`,
      '    identifiers:',
      `      name: ${slug}-login`,
      '  - model: authentik_policies_expression.expressionpolicy',
      `    id: ${slug}-policy`,
      '    identifiers:',
      `      name: ${slug}-policy`,
      '    attrs:',
      '      expression: |',
      '        # allow members of the staff group',
      '        return ak_is_group_member(request.user, name="staff")',
    );
    const stages = ['identification', 'password', 'login'];
    stages.forEach((stage, order) => {
      lines.push(
        '  - model: authentik_flows.flowstagebinding',
        ...(stage === 'password' ? [`    id: ${slug}-password-binding`] : []),
        '    identifiers:',
        `      target: !KeyOf ${slug}`,
        `      stage: !KeyOf ${slug}-${stage}`,
        `      order: ${(order + 1) * 10}`,
      );
    });
    lines.push(
      '  - model: authentik_policies.policybinding',
      '    identifiers:',
      `      policy: !KeyOf ${slug}-policy`,
      `      target: !KeyOf ${slug}-password-binding`,
      '      order: 0',
      '    attrs:',
      '      failure_result: true',
      '  - model: authentik_core.group',
      `    identifiers:`,
      `      name: bench-group-${index}`,
      '    attrs:',
      `      attributes: {discord_role_id: "${1000000000000000000 + index}"}`,
    );
  }

  return lines.join('\n') + '\n';
}
