import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCatalog } from '../../scripts/generate-catalog.js';
import {
  CATALOG_AUTHENTIK_VERSION,
  CATALOG_SCHEMA_VERSION,
  getFieldSpec,
  getModelSpec,
  isMetaModel,
  listModels,
} from '../../shared/model/catalog.js';
import {
  FLOW_AUTHENTICATION_REQUIREMENTS,
  FLOW_DENIED_ACTIONS,
  FLOW_DESIGNATIONS,
  FLOW_LAYOUTS,
  INVALID_RESPONSE_ACTIONS,
  POLICY_ENGINE_MODES,
} from '../../shared/model/flows.js';
import { PROMPT_TYPES } from '../../shared/model/prompts.js';
import {
  AUTHORIZATION_CODE_AUTH_METHODS,
  GROUP_MATCHING_MODES,
  OAUTH_PROVIDER_TYPES,
  PKCE_METHODS,
  USER_MATCHING_MODES,
} from '../../shared/model/sources.js';
import {
  CONSENT_MODES,
  DEVICE_CLASSES,
  GEOIP_BINDINGS,
  IDENTIFICATION_USER_FIELDS,
  NETWORK_BINDINGS,
  NOT_CONFIGURED_ACTIONS,
  PASSWORD_BACKENDS,
  TOTP_DIGITS,
  USER_CREATION_MODES,
  USER_TYPES,
  WEBAUTHN_REQUIREMENTS,
} from '../../shared/model/stages.js';
import { sharedPath } from './validate-support.js';

interface SchemaBranch {
  required: string[];
  properties: { model: { const: string } };
}

function readSchema(): { title: string; $defs: { blueprint_entry: { oneOf: SchemaBranch[] } } } {
  return JSON.parse(
    readFileSync(sharedPath('corpus/authentik/blueprints/schema.json'), 'utf8'),
  ) as ReturnType<typeof readSchema>;
}

describe('model catalogue', () => {
  it('is up to date with the generator', () => {
    const generated = generateCatalog(sharedPath('corpus/authentik/blueprints/schema.json'));
    const committed = readFileSync(resolve('shared/model/catalog.generated.ts'), 'utf8');

    expect(generated.text).toBe(committed);
  });

  it('lists every model branch of the schema', () => {
    const branches = readSchema().$defs.blueprint_entry.oneOf;

    expect(listModels()).toEqual(branches.map((branch) => branch.properties.model.const));
  });

  it('marks models without identifiers as meta', () => {
    const branches = readSchema().$defs.blueprint_entry.oneOf;
    const meta = branches
      .filter((branch) => !branch.required.includes('identifiers'))
      .map((branch) => branch.properties.model.const);

    expect(listModels().filter(isMetaModel)).toEqual(meta);
  });

  it('names the schema release', () => {
    expect(CATALOG_SCHEMA_VERSION).toBe('2025.12.0-rc1');
    expect(CATALOG_AUTHENTIK_VERSION).toBe('2025.12');
  });

  it('keeps field constraints and help text', () => {
    const slug = getFieldSpec('authentik_flows.flow', 'slug');

    expect(slug?.type).toEqual(['string']);
    expect(slug?.minLength).toBe(1);
    expect(slug?.description).toBe('Visible in the URL.');
  });

  it('keeps nullable types, lengths and array items', () => {
    const url = getFieldSpec('authentik_sources_oauth.oauthsource', 'authorization_url');
    const fields = getFieldSpec('authentik_stages_prompt.promptstage', 'fields');

    expect(url?.type).toEqual(['string', 'null']);
    expect(url?.maxLength).toBe(255);
    expect(fields?.items?.format).toBe('uuid');
  });

  it('keeps permission codenames', () => {
    expect(getModelSpec('authentik_flows.flow')?.permissions).toContain('export_flow');
  });

  it('returns nothing for unknown models', () => {
    expect(getModelSpec('authentik_flows.flowx')).toBeUndefined();
    expect(getFieldSpec('authentik_flows.flow', 'nope')).toBeUndefined();
  });
});

describe('choice lists', () => {
  const cases: [string, string, readonly string[]][] = [
    ['authentik_flows.flow', 'designation', FLOW_DESIGNATIONS],
    ['authentik_flows.flow', 'authentication', FLOW_AUTHENTICATION_REQUIREMENTS],
    ['authentik_flows.flow', 'layout', FLOW_LAYOUTS],
    ['authentik_flows.flow', 'denied_action', FLOW_DENIED_ACTIONS],
    ['authentik_flows.flow', 'policy_engine_mode', POLICY_ENGINE_MODES],
    ['authentik_flows.flowstagebinding', 'invalid_response_action', INVALID_RESPONSE_ACTIONS],
    ['authentik_stages_prompt.prompt', 'type', PROMPT_TYPES],
    ['authentik_sources_oauth.oauthsource', 'user_matching_mode', USER_MATCHING_MODES],
    ['authentik_sources_oauth.oauthsource', 'group_matching_mode', GROUP_MATCHING_MODES],
    ['authentik_sources_oauth.oauthsource', 'pkce', PKCE_METHODS],
    [
      'authentik_sources_oauth.oauthsource',
      'authorization_code_auth_method',
      AUTHORIZATION_CODE_AUTH_METHODS,
    ],
    ['authentik_stages_user_write.userwritestage', 'user_creation_mode', USER_CREATION_MODES],
    ['authentik_stages_user_write.userwritestage', 'user_type', USER_TYPES],
    ['authentik_stages_user_login.userloginstage', 'network_binding', NETWORK_BINDINGS],
    ['authentik_stages_user_login.userloginstage', 'geoip_binding', GEOIP_BINDINGS],
    [
      'authentik_stages_authenticator_validate.authenticatorvalidatestage',
      'not_configured_action',
      NOT_CONFIGURED_ACTIONS,
    ],
    [
      'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage',
      'user_verification',
      WEBAUTHN_REQUIREMENTS,
    ],
    ['authentik_stages_authenticator_totp.authenticatortotpstage', 'digits', TOTP_DIGITS],
    ['authentik_stages_consent.consentstage', 'mode', CONSENT_MODES],
  ];

  for (const [model, field, choices] of cases) {
    it(`match ${model}.${field}`, () => {
      expect([...choices].sort()).toEqual([...(getFieldSpec(model, field)?.enum ?? [])].sort());
    });
  }

  it('match the item choices of list fields', () => {
    const items = (model: string, field: string): unknown[] =>
      [...(getFieldSpec(model, field)?.items?.enum ?? [])].sort();

    expect([...IDENTIFICATION_USER_FIELDS].sort()).toEqual(
      items('authentik_stages_identification.identificationstage', 'user_fields'),
    );
    expect([...PASSWORD_BACKENDS].sort()).toEqual(
      items('authentik_stages_password.passwordstage', 'backends'),
    );
    expect([...DEVICE_CLASSES].sort()).toEqual(
      items('authentik_stages_authenticator_validate.authenticatorvalidatestage', 'device_classes'),
    );
  });

  it('list Discord first among OAuth provider types', () => {
    const schemaTypes = getFieldSpec('authentik_sources_oauth.oauthsource', 'provider_type')?.enum;

    expect(OAUTH_PROVIDER_TYPES[0]).toBe('discord');
    expect([...OAUTH_PROVIDER_TYPES].sort()).toEqual([...(schemaTypes ?? [])].sort());
  });
});
