import { describe, expect, it } from 'vitest';
import type { ProblemCode } from '../../shared/blueprint/problems.js';
import { validateDocument } from '../../shared/blueprint/validate.js';
import { codesOf, listCorpusFiles, readSharedBlueprint, withCode } from './validate-support.js';

/**
 * Error codes per corpus file when validating for authentik 2025.12. Every other file of the
 * corpus validates without errors. The corpus spans several authentik versions, so:
 * - files written for releases after 2025.12 use newer models, prompt types, designations,
 *   event actions and permissions (account lockdown, user and account selection, security
 *   notifications, agent roles, set-password meta model);
 * - files of older releases use removed or renamed models: tenants, interfaces, the old WebAuthn
 *   stage name, the mobile authenticator, ACME challenges, object attributes and Google provider
 *   mappings. They also carry old mistakes such as an `id` typed inside identifiers, `!KeyOf` of
 *   the entry's own id, and an empty flow title;
 * - test.yaml is a draft "version 2" format that authentik rejects.
 */
const ERRORS_FOR_2025_12: Record<string, ProblemCode[]> = {
  'default/20-flow-default-authenticator-webauthn-setup.yaml': ['model-unknown'],
  'default/20-flow-default-source-enrollment.yaml': ['keyof-unknown'],
  'default/90-default-tenant.yaml': ['model-unknown'],
  'default/default-authenticator-webauthn-setup.akflow': ['model-unknown'],
  'default/default-source-enrollment.akflow': ['keyof-unknown'],
  'default/default-tenant.yaml': ['model-unknown', 'tag-argument'],
  'default/default-user-settings-flow.akflow': ['field-range', 'keyof-unknown'],
  'default/events-user-security-notifications.yaml': ['field-choice'],
  'default/flow-default-account-lockdown.yaml': ['field-choice', 'model-unknown'],
  'default/flow-default-account-selection-flow.yaml': ['field-choice', 'model-unknown'],
  'default/flow-default-authenticator-mobile-setup.yaml': ['model-unknown'],
  'default/flow-default-authenticator-webauthn-setup.yaml': ['model-unknown'],
  'default/flow-default-user-selection-flow.yaml': ['field-choice', 'model-unknown'],
  'default/rbac-role-agents.yaml': ['field-choice'],
  'example/enrollment-2-stage.akflow': ['keyof-forward'],
  'example/flow-default-account-lockdown.yaml': ['field-choice', 'model-unknown'],
  'example/letsencrypt-http-01-verification.yaml': ['model-unknown'],
  'example/login-2fa.akflow': ['keyof-forward'],
  'system/bootstrap.yaml': ['model-unknown'],
  'system/interfaces.yaml': ['model-unknown'],
  'system/object-attributes-user.yaml': ['model-unknown'],
  'system/providers-google.yaml': ['model-unknown'],
  'test.yaml': ['entries-missing', 'version-unsupported'],
};

/** Models that exist after 2025.12, and the corpus files that use them. */
const NEWER_MODEL_FILES: Record<string, string> = {
  'default/flow-default-account-lockdown.yaml':
    'authentik_stages_account_lockdown.accountlockdownstage',
  'example/flow-default-account-lockdown.yaml':
    'authentik_stages_account_lockdown.accountlockdownstage',
  'default/flow-default-user-selection-flow.yaml':
    'authentik_stages_user_selection.userselectionstage',
  'system/bootstrap.yaml': 'authentik_blueprints.metausersetpassword',
};

describe('corpus validation for 2025.12', () => {
  const files = listCorpusFiles();

  it('finds the corpus files', () => {
    expect(files.length).toBeGreaterThan(70);
    expect(Object.keys(ERRORS_FOR_2025_12).filter((file) => !files.includes(file))).toEqual([]);
  });

  for (const file of files) {
    it(`reports the expected errors for ${file}`, () => {
      const problems = validateDocument(readSharedBlueprint(`corpus/authentik/blueprints/${file}`));

      expect(codesOf(problems, 'error')).toEqual(ERRORS_FOR_2025_12[file] ?? []);
    });
  }

  it('rejects the version 2 draft with a clear message', () => {
    const problems = validateDocument(readSharedBlueprint('corpus/authentik/blueprints/test.yaml'));
    const [version] = withCode(problems, 'version-unsupported');

    expect(version?.message).toContain('"v2"');
    expect(version?.message).toContain('Set `version: 1`');
    expect(version?.line).toBe(1);
  });

  it('names the release that added a newer model', () => {
    const problems = validateDocument(
      readSharedBlueprint(
        'corpus/authentik/blueprints/default/flow-default-user-selection-flow.yaml',
      ),
    );
    const [unknown] = withCode(problems, 'model-unknown');

    expect(unknown?.message).toContain('added after 2025.12');
    expect(unknown?.message).toContain('authentikVersion');
  });

  it('names the replacement of a renamed model', () => {
    const problems = validateDocument(
      readSharedBlueprint('corpus/authentik/blueprints/default/default-tenant.yaml'),
    );
    const [unknown] = withCode(problems, 'model-unknown');

    expect(unknown?.message).toContain('`authentik_brands.brand`');
  });
});

describe('corpus validation for a newer release', () => {
  for (const [file, model] of Object.entries(NEWER_MODEL_FILES)) {
    it(`accepts ${model} in ${file}`, () => {
      const problems = validateDocument(
        readSharedBlueprint(`corpus/authentik/blueprints/${file}`),
        { authentikVersion: '2026.2' },
      );
      const unknown = withCode(problems, 'model-unknown').filter((problem) =>
        problem.message.includes(model),
      );

      expect(unknown).toEqual([]);
    });
  }
});
