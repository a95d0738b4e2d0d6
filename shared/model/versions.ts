/**
 * authentik release versions and the models that exist in releases other than the one the
 * catalogue describes, so that validation can say "not in 2025.12, added later" or "renamed".
 */
import { CATALOG_AUTHENTIK_VERSION } from './catalog.js';

/**
 * Compares two authentik versions (`2025.12`, `2025.12.1`, `2026.2.0-rc1`) by their numeric
 * parts: negative when `a` is older, 0 when equal, positive when newer. Missing parts count as 0
 * and a suffix such as `-rc1` is ignored.
 */
export function compareVersions(a: string, b: string): number {
  const partsA = parseVersion(a);
  const partsB = parseVersion(b);
  const length = Math.max(partsA.length, partsB.length);

  for (let i = 0; i < length; i += 1) {
    const difference = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }

  return 0;
}

function parseVersion(version: string): number[] {
  const numeric = version.trim().split('-')[0] ?? '';

  return numeric.split('.').map((part) => {
    const value = Number.parseInt(part, 10);
    return Number.isNaN(value) ? 0 : value;
  });
}

/** Tells whether a string looks like an authentik version (`2025.12` or `2025.12.1`). */
export function isVersion(version: string): boolean {
  return /^\d{4}\.\d{1,2}(\.\d+)?(-[\w.]+)?$/.test(version.trim());
}

/**
 * A model that is valid in blueprints of some authentik releases but absent from the catalogue.
 * The model exists in versions newer than `after` (when set) and older than `before` (when set).
 */
export interface VersionedModel {
  model: string;
  after?: string;
  before?: string;
  /** The catalogue model that replaced it, when it was renamed or superseded. */
  replacement?: string;
  /** Meta models take no identifiers. */
  meta?: boolean;
  note: string;
}

/**
 * Models of other releases. The 2025.12 schema does not list the newer ones, so they carry
 * `after: '2025.12'` without a precise first release.
 */
export const VERSIONED_MODELS: readonly VersionedModel[] = [
  {
    model: 'authentik_stages_account_lockdown.accountlockdownstage',
    after: CATALOG_AUTHENTIK_VERSION,
    note: 'the account lockdown stage was added after 2025.12',
  },
  {
    model: 'authentik_stages_user_selection.userselectionstage',
    after: CATALOG_AUTHENTIK_VERSION,
    note: 'the user selection stage was added after 2025.12',
  },
  {
    model: 'authentik_policies_conditional.conditionalpolicy',
    after: CATALOG_AUTHENTIK_VERSION,
    note: 'the conditional policy was added after 2025.12',
  },
  {
    model: 'authentik_blueprints.metausersetpassword',
    after: CATALOG_AUTHENTIK_VERSION,
    meta: true,
    note: 'the set-password meta model was added after 2025.12',
  },
  {
    model: 'authentik_blueprints.metacleanblueprint',
    after: CATALOG_AUTHENTIK_VERSION,
    meta: true,
    note: 'the clean-blueprint meta model was added after 2025.12',
  },
  {
    // NOTE: the exact release that removed the mobile authenticator stage is not confirmed;
    // it is absent from the 2025.12 schema.
    model: 'authentik_stages_authenticator_mobile.authenticatormobilestage',
    before: CATALOG_AUTHENTIK_VERSION,
    note: 'the mobile authenticator stage was removed before 2025.12',
  },
  {
    model: 'authentik_tenants.tenant',
    before: '2024.2',
    replacement: 'authentik_brands.brand',
    note: 'tenants became brands in authentik 2024.2',
  },
  {
    // NOTE: the release of the rename is not confirmed; only that 2025.12 uses the new name.
    model: 'authentik_stages_authenticator_webauthn.authenticatewebauthnstage',
    before: CATALOG_AUTHENTIK_VERSION,
    replacement: 'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage',
    note: 'the WebAuthn stage model was renamed',
  },
];

const versionedByModel = new Map(VERSIONED_MODELS.map((entry) => [entry.model, entry]));

/** Returns what is known about a model outside the catalogue, or undefined. */
export function getVersionedModel(model: string): VersionedModel | undefined {
  return versionedByModel.get(model);
}

/** Tells whether a versioned model exists in the given authentik version. */
export function existsInVersion(entry: VersionedModel, version: string): boolean {
  if (entry.after !== undefined && compareVersions(version, entry.after) <= 0) {
    return false;
  }

  if (entry.before !== undefined && compareVersions(version, entry.before) >= 0) {
    return false;
  }

  return true;
}
