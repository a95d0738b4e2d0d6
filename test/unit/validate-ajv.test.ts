/**
 * Cross-checks the offline field checks against authentik's real blueprint JSON schema, run by
 * ajv (draft-07, with ajv-formats for `uuid`, `email` and `date-time`), on every tag-free entry
 * of the corpus and on hand-made entries. The validator deviates from the schema on purpose in
 * two places, where authentik's serializers accept what the schema rejects:
 * - null in a nullable foreign key (the schema types every reference as a plain UUID string);
 * - an empty string in an email field that allows blank text.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { validateDocument } from '../../shared/blueprint/validate.js';
import { entryFromTree } from '../../shared/blueprint/validate-tree.js';
import type { BlueprintDocument } from '../../shared/blueprint/tree.js';
import { getModelSpec } from '../../shared/model/catalog.js';
import { getModelFacts } from '../../shared/model/fields.js';
import type { Value } from '../../shared/model/values.js';
import { isMap, isTag } from '../../shared/model/values.js';
import { listCorpusFiles, readSharedBlueprint, readText, sharedPath } from './validate-support.js';

// ajv-formats is CommonJS: under NodeNext the default import is its module object, whose
// `default` is the plugin (the module sets both).
const addFormats = addFormatsModule.default;

const SCHEMA_ID = 'https://goauthentik.io/blueprints/schema.json';
const FIELD_CODES = new Set(['field-type', 'field-choice', 'field-range', 'field-null']);

function createAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(
    JSON.parse(
      readFileSync(sharedPath('corpus/authentik/blueprints/schema.json'), 'utf8'),
    ) as object,
  );
  return ajv;
}

function containsTag(value: Value): boolean {
  if (isTag(value)) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some(containsTag);
  }
  return isMap(value) && Object.values(value).some(containsTag);
}

interface Verdict {
  where: string;
  /** Fields ajv rejects, leaving out the documented deviations. */
  ajvFields: string[];
  /** Fields the validator reports a field-value problem for. */
  validatorFields: string[];
}

/** Tells whether an ajv error is one of the documented deviations. */
function isDocumentedDeviation(
  model: string,
  error: ErrorObject,
  value: Value | undefined,
): boolean {
  const facts = getModelFacts(model);
  const field = error.instancePath.split('/')[1] ?? '';
  const nullable =
    facts?.references[field]?.nullable === true || facts?.nullable?.includes(field) === true;

  return (value === null && nullable) || (value === '' && error.keyword === 'format');
}

/** Runs ajv and the validator on every tag-free entry of a document with a catalogue model. */
function compareDocument(
  doc: BlueprintDocument,
  validators: Map<string, ValidateFunction>,
  ajv: Ajv,
): Verdict[] {
  const problems = validateDocument(doc);
  const verdicts: Verdict[] = [];

  for (const node of doc.entries) {
    const entry = entryFromTree(doc.file, node);
    const model = entry.model;
    if (typeof model !== 'string' || getModelSpec(model) === undefined) {
      continue;
    }

    const sections = [entry.identifiers, entry.attrs].filter((value) => value !== undefined);
    if (sections.some((value) => !isMap(value) || containsTag(value))) {
      continue;
    }

    let validate = validators.get(model);
    if (validate === undefined) {
      validate = ajv.compile({ $ref: `${SCHEMA_ID}#/$defs/model_${model}` });
      validators.set(model, validate);
    }

    const ajvFields = new Set<string>();
    for (const section of sections) {
      const plain = { ...(section as Record<string, Value>) };
      delete plain.pk;
      if (validate(plain)) {
        continue;
      }
      for (const error of validate.errors ?? []) {
        const field = error.instancePath.split('/')[1] ?? '';
        if (!isDocumentedDeviation(model, error, plain[field])) {
          ajvFields.add(field);
        }
      }
    }

    const validatorFields = new Set(
      problems
        .filter((problem) => problem.entry === node.index && FIELD_CODES.has(problem.code))
        .map((problem) => problem.path?.split('/')[1] ?? ''),
    );

    verdicts.push({
      where: `${doc.file} entry ${node.index}`,
      ajvFields: [...ajvFields].sort(),
      validatorFields: [...validatorFields].sort(),
    });
  }

  return verdicts;
}

function disagreements(verdicts: Verdict[]): Verdict[] {
  return verdicts.filter(
    (verdict) => verdict.ajvFields.join(',') !== verdict.validatorFields.join(','),
  );
}

describe('field checks against ajv', () => {
  const ajv = createAjv();
  const validators = new Map<string, ValidateFunction>();

  it('agree on the tag-free entries of the corpus', () => {
    const verdicts = listCorpusFiles().flatMap((file) =>
      compareDocument(readSharedBlueprint(`corpus/authentik/blueprints/${file}`), validators, ajv),
    );

    expect(verdicts.length).toBeGreaterThan(150);
    expect(disagreements(verdicts)).toEqual([]);
  });

  it('both reject some corpus entries', () => {
    const verdicts = listCorpusFiles().flatMap((file) =>
      compareDocument(readSharedBlueprint(`corpus/authentik/blueprints/${file}`), validators, ajv),
    );
    const bothReject = verdicts.filter((verdict) => verdict.ajvFields.length > 0);

    expect(bothReject.length).toBeGreaterThan(0);
  });

  it('agree on hand-made entries', () => {
    const text = `version: 1
entries:
  - model: authentik_flows.flow
    identifiers: {slug: a}
    attrs: {name: a, title: a, designation: login}
  - model: authentik_flows.flow
    identifiers: {slug: ''}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: not-a-uuid, stage: 9b3e1c55-7a2d-4f08-8e4b-61d2a9c0f3b7, order: 2147483648}
  - model: authentik_policies.policybinding
    identifiers: {target: 9b3e1c55-7a2d-4f08-8e4b-61d2a9c0f3b7, order: 0}
    attrs: {timeout: -1, negate: no-thanks}
  - model: authentik_sources_oauth.oauthsource
    identifiers: {slug: s}
    attrs: {provider_type: discord, profile_url: ${'x'.repeat(256)}, oidc_jwks: []}
  - model: authentik_stages_identification.identificationstage
    identifiers: {name: i}
    attrs: {user_fields: [email, phone], sources: [1]}
  - model: authentik_core.user
    identifiers: {username: u}
    attrs: {email: not-an-email, last_login: yesterday, type: internal}
  - model: authentik_providers_oauth2.oauth2provider
    identifiers: {name: p}
    attrs: {redirect_uris: [{url: https://a.example}]}
  - model: authentik_stages_authenticator_totp.authenticatortotpstage
    identifiers: {name: t}
    attrs: {digits: '6', friendly_name: null}
  - model: authentik_core.token
    identifiers: {identifier: 'has space'}
  - model: authentik_policies_geoip.geoippolicy
    identifiers: {name: g}
    attrs: {countries: [XX]}
`;
    const verdicts = compareDocument(readText(text), validators, ajv);

    expect(verdicts.map((verdict) => verdict.validatorFields)).toEqual([
      ['designation'],
      ['slug'],
      ['order', 'target'],
      ['negate', 'timeout'],
      ['oidc_jwks', 'profile_url'],
      ['sources', 'user_fields'],
      ['email', 'last_login'],
      ['redirect_uris'],
      ['friendly_name'],
      ['identifier'],
      ['countries'],
    ]);
    expect(disagreements(verdicts)).toEqual([]);
  });
});
