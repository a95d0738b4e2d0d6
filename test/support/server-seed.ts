/**
 * The state the fake authentik server starts with in the server tests: a TOTP setup flow, and a
 * login flow whose MFA stage points at the TOTP stage of the other flow, with a prompt stage, an
 * expression policy bound to the flow and to the MFA binding, and a group bound to the password
 * binding.
 */
export const SEED_BLUEPRINT = `version: 1
metadata:
  name: seed
entries:
  - model: authentik_flows.flow
    id: totp-flow
    identifiers: {slug: default-authenticator-totp-setup}
    attrs: {name: TOTP setup, title: Set up TOTP, designation: stage_configuration}
  - model: authentik_stages_authenticator_totp.authenticatortotpstage
    id: totp
    identifiers: {name: default-authenticator-totp-setup}
    attrs: {digits: 6, configure_flow: !KeyOf totp-flow}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf totp-flow, stage: !KeyOf totp, order: 0}
  - model: authentik_core.group
    id: admins
    identifiers: {name: admins}
  - model: authentik_flows.flow
    id: flow
    identifiers: {slug: login}
    attrs: {name: Login, title: Welcome back, designation: authentication}
  - model: authentik_stages_identification.identificationstage
    id: ident
    identifiers: {name: login-identification}
    attrs: {user_fields: [username, email]}
  - model: authentik_stages_password.passwordstage
    id: password
    identifiers: {name: login-password}
    attrs: {backends: [authentik.core.auth.InbuiltBackend]}
  - model: authentik_stages_authenticator_validate.authenticatorvalidatestage
    id: mfa
    identifiers: {name: login-mfa}
    attrs:
      device_classes: [totp]
      not_configured_action: configure
      configuration_stages: [!KeyOf totp]
  - model: authentik_stages_prompt.prompt
    id: nickname
    identifiers: {name: login-nickname}
    attrs: {field_key: nickname, label: Nickname, type: text, order: 0}
  - model: authentik_stages_prompt.promptstage
    id: prompt
    identifiers: {name: login-prompt}
    attrs: {fields: [!KeyOf nickname]}
  - model: authentik_policies_expression.expressionpolicy
    id: policy
    identifiers: {name: login-only-admins}
    attrs: {expression: "return request.user.is_superuser\\n"}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf flow, stage: !KeyOf ident, order: 10}
  - model: authentik_flows.flowstagebinding
    id: bind-password
    identifiers: {target: !KeyOf flow, stage: !KeyOf password, order: 20}
  - model: authentik_flows.flowstagebinding
    id: bind-mfa
    identifiers: {target: !KeyOf flow, stage: !KeyOf mfa, order: 30}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf flow, stage: !KeyOf prompt, order: 40}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf flow, policy: !KeyOf policy, order: 0}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf bind-mfa, policy: !KeyOf policy, order: 0}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf bind-password, group: !KeyOf admins, order: 5}
`;
