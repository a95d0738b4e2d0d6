/**
 * Checks of authentik's blueprint tags: argument shapes, tags used where authentik cannot
 * resolve them, and known traps (`!Env NAME, default` as a scalar, tag defaults that 2025.12
 * leaves unresolved). Argument rules follow `authentik/blueprints/v1/common.py`.
 */
import { getModelSpec } from '../model/catalog.js';
import { describeValue } from '../model/field-check.js';
import type { TagValue, Value } from '../model/values.js';
import { isMap, isTag } from '../model/values.js';
import { compareVersions, existsInVersion, getVersionedModel } from '../model/versions.js';
import type { ResolvedOptions } from './validate-context.js';
import type { ProblemCode } from './problems.js';

/** Reports a tag problem at a path. */
export type TagReport = (code: ProblemCode, message: string, path: string) => void;

/** Modes of `!Condition` in authentik 2025.12 (EQ and NEQ came later). */
const CONDITION_MODES = ['AND', 'NAND', 'OR', 'NOR', 'XOR', 'XNOR'];

/** First release of each tag that is newer than the blueprint format itself. */
const TAG_SINCE: Partial<Record<TagValue['$tag'], string>> = {
  AtIndex: '2024.12',
  FindObject: '2025.8',
};

/** The release that resolves tags used as defaults of `!Env`, `!File` and `!AtIndex`. */
// NOTE: the fix landed in February 2026; 2026.2 as its first release is not confirmed.
const TAG_DEFAULTS_RESOLVED_SINCE = '2026.2';

interface Scope {
  /** Number of `!Enumerate` bodies around the value. */
  depth: number;
  /** The value is the iterable of an `!Enumerate`, where depth 0 would be that loop itself. */
  iterable: boolean;
}

function joinPath(base: string, segment: string | number): string {
  return base === '' ? String(segment) : `${base}/${segment}`;
}

/** Checks every tag inside a value, recursing through maps, lists and tag arguments. */
export function checkTags(
  value: Value,
  path: string,
  options: ResolvedOptions,
  report: TagReport,
  scope: Scope = { depth: 0, iterable: false },
): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkTags(item, joinPath(path, index), options, report, scope));
    return;
  }

  if (isMap(value)) {
    for (const [key, inner] of Object.entries(value)) {
      checkTags(inner, joinPath(path, key), options, report, scope);
    }
    return;
  }

  if (!isTag(value)) {
    return;
  }

  checkTag(value, path, options, report, scope);

  const argument = value.value;
  if (!Array.isArray(argument)) {
    return;
  }

  argument.forEach((item, index) => {
    let inner = scope;
    if (value.$tag === 'Enumerate' && index === 0) {
      inner = { depth: scope.depth, iterable: true };
    } else if (value.$tag === 'Enumerate' && index === 2) {
      inner = { depth: scope.depth + 1, iterable: false };
    }
    checkTags(item, joinPath(path, index), options, report, inner);
  });
}

function checkTag(
  tag: TagValue,
  path: string,
  options: ResolvedOptions,
  report: TagReport,
  scope: Scope,
): void {
  const since = TAG_SINCE[tag.$tag];
  if (since !== undefined && compareVersions(options.authentikVersion, since) < 0) {
    report(
      'tag-context',
      `\`!${tag.$tag}\` needs authentik ${since} or newer; authentik ` +
        `${options.authentikVersion} fails to parse the file.`,
      path,
    );
  }

  const argument = tag.value;
  const list = Array.isArray(argument) ? argument : undefined;

  switch (tag.$tag) {
    case 'KeyOf':
      if (typeof argument !== 'string' || argument === '') {
        report(
          'tag-argument',
          '`!KeyOf` takes the `id` of an earlier entry as a plain string, e.g. `!KeyOf my-flow`.',
          path,
        );
      }
      return;
    case 'Env':
    case 'File':
    case 'Context':
      checkLookupTag(tag, path, options, report);
      return;
    case 'Find':
    case 'FindObject':
      checkFindTag(tag, list, path, options, report);
      return;
    case 'Format':
      if (list === undefined || list.length === 0 || typeof list[0] !== 'string') {
        report(
          'tag-argument',
          '`!Format` takes a list whose first item is a plain format string, e.g. `!Format ["%s-login", !Context name]`; authentik never resolves a tag in the format string.',
          path,
        );
      }
      return;
    case 'If':
      if (list === undefined || (list.length !== 1 && list.length !== 3)) {
        report(
          'tag-argument',
          '`!If` takes `[condition]` or `[condition, when_true, when_false]`.',
          path,
        );
      }
      return;
    case 'Condition':
      checkConditionTag(list, path, report);
      return;
    case 'Enumerate':
      if (list === undefined || list.length !== 3 || (list[1] !== 'SEQ' && list[1] !== 'MAP')) {
        report('tag-argument', '`!Enumerate` takes `[iterable, SEQ or MAP, body]`.', path);
      }
      return;
    case 'Index':
    case 'Value':
      checkLoopTag(tag, path, report, scope);
      return;
    case 'AtIndex':
      checkAtIndexTag(list, path, options, report);
      return;
    case 'ParseJSON':
      checkParseJsonTag(argument, path, report);
      return;
  }
}

/** `!Env`, `!File` and `!Context`: `NAME` or `[NAME, default]`. */
function checkLookupTag(
  tag: TagValue,
  path: string,
  options: ResolvedOptions,
  report: TagReport,
): void {
  const argument = tag.value;
  const name = tag.$tag;

  if (typeof argument === 'string') {
    const comma = argument.indexOf(',');
    if (name === 'Env' && comma >= 0) {
      const variable = argument.slice(0, comma).trim();
      const fallback = argument.slice(comma + 1).trim();
      report(
        'env-scalar-comma',
        `\`!Env ${argument}\` reads the single variable "${argument}", comma included, and ` +
          `has no default. Write \`!Env [${variable}, ${fallback}]\` to give a default.`,
        path,
      );
    }
    return;
  }

  if (
    !Array.isArray(argument) ||
    argument.length < 1 ||
    argument.length > 2 ||
    typeof argument[0] !== 'string'
  ) {
    report(
      'tag-argument',
      `\`!${name}\` takes \`NAME\` or \`[NAME, default]\` with a plain string name.`,
      path,
    );
    return;
  }

  const fallback = argument[1];
  if (
    name !== 'Context' &&
    fallback !== undefined &&
    isTag(fallback) &&
    compareVersions(options.authentikVersion, TAG_DEFAULTS_RESOLVED_SINCE) < 0
  ) {
    report(
      'tag-default-unresolved',
      `The default of \`!${name} [${String(argument[0])}, !${fallback.$tag} ...]\` is a tag, ` +
        `which authentik ${options.authentikVersion} does not resolve: when the ${name === 'Env' ? 'variable is unset or empty' : 'file cannot be read'}, ` +
        'the field gets the tag object instead of its value. Use a plain default, or set the ' +
        'value on the server.',
      joinPath(path, 1),
    );
  }
}

function checkFindTag(
  tag: TagValue,
  list: Value[] | undefined,
  path: string,
  options: ResolvedOptions,
  report: TagReport,
): void {
  const usage = `\`!${tag.$tag}\` takes \`[model, [field, value], ...]\`, e.g. \`!${tag.$tag} [authentik_flows.flow, [slug, my-flow]]\`.`;
  if (list === undefined || list.length === 0) {
    report('tag-argument', usage, path);
    return;
  }

  const [model, ...pairs] = list;
  if (typeof model === 'string') {
    const name = model.toLowerCase();
    const versioned = getVersionedModel(name);
    const known =
      getModelSpec(name) !== undefined ||
      (versioned !== undefined && existsInVersion(versioned, options.authentikVersion));
    if (!known) {
      report(
        'tag-argument',
        `\`!${tag.$tag}\` names the model \`${model}\`, which authentik ` +
          `${options.authentikVersion} does not have; the lookup raises an error. ${usage}`,
        joinPath(path, 0),
      );
    }
  } else if (!isTag(model ?? null)) {
    report('tag-argument', usage, joinPath(path, 0));
  }

  pairs.forEach((pair, index) => {
    if (
      isTag(pair) ||
      (Array.isArray(pair) &&
        pair.length === 2 &&
        (typeof pair[0] === 'string' || isTag(pair[0] ?? null)))
    ) {
      return;
    }
    report(
      'tag-argument',
      `Item ${index + 1} of \`!${tag.$tag}\` is ${describeValue(pair)}, not a \`[field, value]\` pair. ${usage}`,
      joinPath(path, index + 1),
    );
  });
}

function checkConditionTag(list: Value[] | undefined, path: string, report: TagReport): void {
  const usage = `\`!Condition\` takes \`[MODE, value, ...]\` with MODE one of ${CONDITION_MODES.join(', ')}.`;
  if (list === undefined || list.length < 2) {
    report('tag-argument', `${usage} It needs at least one value after the mode.`, path);
    return;
  }

  const mode = list[0];
  if (typeof mode !== 'string' || !CONDITION_MODES.includes(mode.toUpperCase())) {
    const written = isTag(mode ?? null)
      ? 'a tag, which authentik does not resolve there'
      : describeValue(mode ?? null);
    report('tag-argument', `The mode of \`!Condition\` is ${written}. ${usage}`, joinPath(path, 0));
  }
}

function checkLoopTag(tag: TagValue, path: string, report: TagReport, scope: Scope): void {
  // authentik reads the scalar text with int(), so `!Value 0` arrives here as the string "0".
  const written = tag.value;
  const depth =
    typeof written === 'string' && /^\s*\d+\s*$/.test(written) ? Number(written) : written;
  if (typeof depth !== 'number' || !Number.isInteger(depth) || depth < 0) {
    report(
      'tag-argument',
      `\`!${tag.$tag}\` takes the loop depth as a whole number, 0 for the innermost \`!Enumerate\`.`,
      path,
    );
    return;
  }

  if (scope.iterable && depth === 0) {
    report(
      'tag-context',
      `\`!${tag.$tag} 0\` in the iterable of an \`!Enumerate\` refers to that loop itself, which authentik rejects. Use depth 1 or more to reach an outer loop.`,
      path,
    );
    return;
  }

  const available = scope.iterable ? scope.depth + 1 : scope.depth;
  if (depth >= available) {
    const where =
      scope.depth === 0
        ? 'outside any `!Enumerate` body'
        : `inside only ${scope.depth} \`!Enumerate\` bodies`;
    report(
      'tag-context',
      `\`!${tag.$tag} ${depth}\` is used ${where}; authentik raises an error. Use it in the body of an \`!Enumerate\` with a depth below the number of enclosing loops.`,
      path,
    );
  }
}

function checkAtIndexTag(
  list: Value[] | undefined,
  path: string,
  options: ResolvedOptions,
  report: TagReport,
): void {
  if (list === undefined || list.length < 2 || list.length > 3) {
    report(
      'tag-argument',
      '`!AtIndex` takes `[object, key_or_index]` or `[object, key_or_index, default]`.',
      path,
    );
    return;
  }

  const fallback = list[2];
  if (
    fallback !== undefined &&
    isTag(fallback) &&
    compareVersions(options.authentikVersion, TAG_DEFAULTS_RESOLVED_SINCE) < 0
  ) {
    report(
      'tag-default-unresolved',
      `The default of \`!AtIndex\` is the tag \`!${fallback.$tag}\`, which authentik ` +
        `${options.authentikVersion} does not resolve: a miss returns the tag object. Use a plain default.`,
      joinPath(path, 2),
    );
  }
}

function checkParseJsonTag(argument: Value, path: string, report: TagReport): void {
  if (typeof argument !== 'string') {
    report(
      'tag-argument',
      '`!ParseJSON` takes the JSON text as a plain string; it cannot wrap another tag.',
      path,
    );
    return;
  }

  try {
    JSON.parse(argument);
  } catch (error) {
    report(
      'tag-argument',
      `\`!ParseJSON\` text is not valid JSON (${error instanceof Error ? error.message : String(error)}); the entry fails. Fix the JSON text.`,
      path,
    );
  }
}
