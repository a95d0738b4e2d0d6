/**
 * Field checks of one entry: every identifier and attr against the catalogue constraints of its
 * field, with authentik's nullable references and `!Env` null defaults taken into account.
 */
import type { FieldSpec, ModelSpec } from '../model/catalog.js';
import { checkValue, describeValue } from '../model/field-check.js';
import type { ValueIssueKind } from '../model/field-check.js';
import type { ModelFacts } from '../model/fields.js';
import type { Value } from '../model/values.js';
import { isMap, isTag } from '../model/values.js';
import type { EntryInput } from './validate-context.js';
import type { EntryReport } from './validate-entry.js';
import type { ProblemCode } from './problems.js';
import { closestName, didYouMean } from './validate-suggest.js';

const ISSUE_CODES: Record<ValueIssueKind, ProblemCode> = {
  type: 'field-type',
  format: 'field-type',
  required: 'field-type',
  choice: 'field-choice',
  range: 'field-range',
  null: 'field-null',
};

const ISSUE_FIXES: Record<ValueIssueKind, string> = {
  type: 'Write a value of the expected type.',
  format: 'Write a value in the expected format.',
  required: 'Add the missing key.',
  choice: 'Use one of the listed values.',
  range: 'Change the value to fit the limit.',
  null: 'Leave the field out to keep the current value, or set a value.',
};

/** Tells whether a field accepts null in authentik although the schema may not say so. */
export function isNullableField(
  spec: FieldSpec,
  facts: ModelFacts | undefined,
  field: string,
): boolean {
  return (
    spec.type.includes('null') ||
    facts?.nullable?.includes(field) === true ||
    facts?.references[field]?.nullable === true
  );
}

/** Checks the identifiers and attrs of an entry against the catalogue fields of its model. */
export function checkFields(
  entry: EntryInput,
  spec: ModelSpec,
  facts: ModelFacts | undefined,
  report: EntryReport,
): void {
  for (const section of ['identifiers', 'attrs'] as const) {
    const values = entry[section];
    if (!isMap(values)) {
      continue;
    }

    for (const [key, value] of Object.entries(values)) {
      checkField(section, key, value, spec, facts, report);
    }
  }
}

function checkField(
  section: 'identifiers' | 'attrs',
  key: string,
  value: Value,
  spec: ModelSpec,
  facts: ModelFacts | undefined,
  report: EntryReport,
): void {
  const path = `${section}/${key}`;

  if (section === 'identifiers' && key === 'pk') {
    if (!isTag(value) && typeof value !== 'string' && typeof value !== 'number') {
      report(
        'field-type',
        `\`identifiers.pk\` must be a UUID string or an integer, not ${describeValue(value)}.`,
        path,
      );
    }
    return;
  }

  // Identifiers are Django filter keywords, so `slug__iexact` filters on `slug`.
  const lookup = section === 'identifiers' && key.includes('__');
  const field = lookup ? (key.split('__')[0] ?? key) : key;
  const fieldSpec = Object.hasOwn(spec.fields, field) ? spec.fields[field] : undefined;

  if (fieldSpec === undefined) {
    const suggestion = closestName(field, Object.keys(spec.fields));
    const consequence =
      section === 'identifiers'
        ? 'unless it is a database column, authentik fails with "Invalid identifier field"'
        : 'authentik ignores it, so the value is lost';
    report(
      'field-unknown',
      `\`${section}.${key}\` is not a field of ${spec.model}; ${consequence}.${didYouMean(suggestion)}`,
      path,
      'key',
    );
    return;
  }

  if (lookup) {
    return;
  }

  const nullable = isNullableField(fieldSpec, facts, field);
  checkEnvNullDefault(section, key, value, nullable, report);

  for (const issue of checkValue(value, fieldSpec, { nullable })) {
    // A value the serializer converts imports fine, so it is only a warning.
    const severity = issue.converted === true ? 'warning' : undefined;
    const fix =
      issue.converted === true
        ? 'Write it in the type the schema expects.'
        : ISSUE_FIXES[issue.kind];
    const where =
      issue.path === ''
        ? `${section}.${key}`
        : `${section}.${key}.${issue.path.replaceAll('/', '.')}`;
    report(
      ISSUE_CODES[issue.kind],
      `\`${where}\` of ${spec.model} ${issue.message}. ${fix}`,
      issue.path === '' ? path : `${path}/${issue.path}`,
      undefined,
      severity,
    );
  }
}

/** `!Env [NAME, null]` yields None when the variable is unset or empty. */
function checkEnvNullDefault(
  section: string,
  key: string,
  value: Value,
  nullable: boolean,
  report: EntryReport,
): void {
  if (nullable || !isTag(value) || value.$tag !== 'Env' || !Array.isArray(value.value)) {
    return;
  }

  const [name, fallback] = value.value;
  if (value.value.length < 2 || fallback !== null) {
    return;
  }

  report(
    'env-default-null',
    `\`${section}.${key}: !Env [${describeValue(name ?? null)}, null]\` is null when the ` +
      `variable is unset or empty, and \`${key}\` may not be null: the entry then fails with "This field may not ` +
      'be null.". Set the variable on the server, give a non-null default, or leave the field out.',
    `${section}/${key}`,
  );
}
