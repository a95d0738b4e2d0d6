import { describe, expect, it } from 'vitest';
import { getModelSpec, listModels } from '../../shared/model/catalog.js';
import { checkValue, isKeySpec } from '../../shared/model/field-check.js';
import {
  getModelFacts,
  getReference,
  listModelledModels,
  modelsInGroup,
  NOT_ALLOWED_MODELS,
  referenceTargets,
  SERVER_ONLY_MODELS,
} from '../../shared/model/fields.js';
import { OAUTH_PROVIDER_DEFAULTS, OAUTH_PROVIDER_TYPES } from '../../shared/model/sources.js';
import {
  compareVersions,
  existsInVersion,
  getVersionedModel,
  VERSIONED_MODELS,
} from '../../shared/model/versions.js';

describe('model facts', () => {
  const modelled = listModelledModels();

  it('cover the models of the typed views', () => {
    expect(modelled).toEqual(
      expect.arrayContaining([
        'authentik_flows.flow',
        'authentik_flows.flowstagebinding',
        'authentik_policies.policybinding',
        'authentik_sources_oauth.oauthsource',
        'authentik_sources_oauth.oauthsourcepropertymapping',
        'authentik_stages_prompt.prompt',
        'authentik_core.group',
        'authentik_core.user',
      ]),
    );
  });

  for (const model of modelled) {
    describe(model, () => {
      const spec = getModelSpec(model);
      const facts = getModelFacts(model);

      it('exists in the catalogue', () => {
        expect(spec).toBeDefined();
      });

      it('names catalogue fields only', () => {
        const fields = Object.keys(spec?.fields ?? {});
        const named = [
          ...(facts?.naturalKey ?? []),
          ...(facts?.requiredOnCreate ?? []),
          ...Object.keys(facts?.defaults ?? {}),
          ...Object.keys(facts?.references ?? {}),
          ...(facts?.nullable ?? []),
          ...(facts?.writeOnly ?? []),
        ];

        expect(named.filter((field) => !fields.includes(field))).toEqual([]);
      });

      it('has defaults that fit their fields', () => {
        for (const [field, value] of Object.entries(facts?.defaults ?? {})) {
          const fieldSpec = spec?.fields[field];
          const nullable =
            facts?.references[field]?.nullable === true ||
            facts?.nullable?.includes(field) === true;
          const issues =
            fieldSpec === undefined ? ['missing'] : checkValue(value, fieldSpec, { nullable });

          expect({ field, issues }).toEqual({ field, issues: [] });
        }
      });

      it('has reference fields that hold primary keys', () => {
        for (const [field, reference] of Object.entries(facts?.references ?? {})) {
          const fieldSpec = spec?.fields[field];
          const keySpec = reference.many === true ? fieldSpec?.items : fieldSpec;

          const isKey = keySpec !== undefined && isKeySpec(keySpec);

          expect({ field, isKey }).toEqual({ field, isKey: true });
          expect({ field, array: fieldSpec?.type.includes('array') === true }).toEqual({
            field,
            array: reference.many === true,
          });
        }
      });

      it('has reference targets in the catalogue', () => {
        for (const [field, reference] of Object.entries(facts?.references ?? {})) {
          const targets = referenceTargets(reference);

          expect({ field, empty: targets.length === 0 }).toEqual({ field, empty: false });
          const unknown = targets.filter(
            (target) => getModelSpec(target) === undefined && !SERVER_ONLY_MODELS.includes(target),
          );

          expect({ field, unknown }).toEqual({ field, unknown: [] });
        }
      });
    });
  }

  it('resolve policy binding targets to PolicyBindingModel subclasses', () => {
    const reference = getReference('authentik_policies.policybinding', 'target');
    const targets = reference === undefined ? [] : referenceTargets(reference);

    expect(targets).toEqual(
      expect.arrayContaining([
        'authentik_flows.flow',
        'authentik_flows.flowstagebinding',
        'authentik_core.application',
        'authentik_sources_oauth.oauthsource',
      ]),
    );
    expect(targets).not.toContain('authentik_stages_password.passwordstage');
  });

  it('group stages and policies by model name', () => {
    expect(modelsInGroup('stage')).toContain('authentik_stages_password.passwordstage');
    expect(modelsInGroup('stage')).not.toContain('authentik_stages_prompt.prompt');
    expect(modelsInGroup('policy')).toContain('authentik_policies_expression.expressionpolicy');
    expect(modelsInGroup('policy')).not.toContain('authentik_policies.policybinding');
  });

  it('list TOTP first among authenticator setup stages', () => {
    expect(modelsInGroup('authenticator-setup-stage')[0]).toBe(
      'authentik_stages_authenticator_totp.authenticatortotpstage',
    );
  });
});

describe('models outside the catalogue', () => {
  it('never list a catalogue model as not allowed', () => {
    expect(Object.keys(NOT_ALLOWED_MODELS).filter((model) => listModels().includes(model))).toEqual(
      [],
    );
  });

  it('never list a catalogue model as versioned', () => {
    expect(VERSIONED_MODELS.filter((entry) => listModels().includes(entry.model))).toEqual([]);
  });

  it('know newer models exist only after 2025.12', () => {
    const lockdown = getVersionedModel('authentik_stages_account_lockdown.accountlockdownstage');

    expect(lockdown).toBeDefined();
    expect(existsInVersion(lockdown!, '2025.12')).toBe(false);
    expect(existsInVersion(lockdown!, '2026.2')).toBe(true);
  });

  it('know tenants became brands', () => {
    const tenant = getVersionedModel('authentik_tenants.tenant');

    expect(tenant?.replacement).toBe('authentik_brands.brand');
    expect(existsInVersion(tenant!, '2023.10')).toBe(true);
    expect(existsInVersion(tenant!, '2025.12')).toBe(false);
  });
});

describe('compareVersions', () => {
  it('orders releases numerically', () => {
    expect(compareVersions('2025.2', '2025.12')).toBeLessThan(0);
    expect(compareVersions('2026.2.0-rc1', '2025.12')).toBeGreaterThan(0);
    expect(compareVersions('2025.12.0', '2025.12')).toBe(0);
  });
});

describe('OAuth provider defaults', () => {
  it('cover every provider type', () => {
    expect(Object.keys(OAUTH_PROVIDER_DEFAULTS).sort()).toEqual([...OAUTH_PROVIDER_TYPES].sort());
  });

  it('give Discord its endpoints and scopes', () => {
    const discord = OAUTH_PROVIDER_DEFAULTS.discord;

    expect(discord.authorizationUrl).toBe('https://discord.com/api/oauth2/authorize');
    expect(discord.accessTokenUrl).toBe('https://discord.com/api/oauth2/token');
    expect(discord.profileUrl).toBe('https://discord.com/api/users/@me');
    expect(discord.scopes).toEqual(['email', 'identify']);
  });

  it('give fixed-URL types all three URLs', () => {
    const missing = OAUTH_PROVIDER_TYPES.filter((type) => {
      const defaults = OAUTH_PROVIDER_DEFAULTS[type];
      return (
        !defaults.urlsCustomizable &&
        (defaults.authorizationUrl === undefined || defaults.accessTokenUrl === undefined)
      );
    });

    expect(missing).toEqual([]);
  });
});
