/**
 * Validation of a blueprint file's syntax tree: the top-level keys (version, metadata, context,
 * entries), the entry shapes, and the conversion of each entry into an `EntryInput` whose
 * locations point back at the file.
 */
import type { Value } from '../model/values.js';
import { compareVersions } from '../model/versions.js';
import { closestName, didYouMean } from './validate-suggest.js';
import type {
  EntryInput,
  Location,
  LocationPart,
  ProblemCollector,
  ResolvedOptions,
} from './validate-context.js';
import type { BlueprintDocument, EntryNode, MapNode, SourcePosition, TreeNode } from './tree.js';
import { ENTRY_KEYS } from './tree.js';

/** Top-level keys of a blueprint file (authentik's `Blueprint` dataclass). */
const TOP_LEVEL_KEYS = ['version', 'metadata', 'context', 'entries'] as const;

/** The first authentik release that accepts `entries` as a map of named sections. */
// NOTE: sections appeared between 2025.6 and 2025.10; 2025.10 is the first release confirmed.
const SECTIONS_SINCE = '2025.10';

interface NodePositions {
  key?: SourcePosition;
  value: SourcePosition;
}

/** Positions of converted nodes by slash-separated path. */
export type PositionMap = Map<string, NodePositions>;

function joinPath(base: string, segment: string | number): string {
  return base === '' ? String(segment) : `${base}/${segment}`;
}

/**
 * Converts a tree node into a model value and records the position of every node under its
 * path. A tag's arguments are addressed by index below the tag's own path.
 */
export function treeToValue(node: TreeNode, path: string, positions: PositionMap): Value {
  if (!positions.has(path)) {
    positions.set(path, { value: node.pos });
  }

  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map((item, index) => treeToValue(item, joinPath(path, index), positions));
    case 'map': {
      const map: Record<string, Value> = {};
      for (const item of node.items) {
        const itemPath = joinPath(path, item.key);
        positions.set(itemPath, { key: item.keyPos, value: item.value.pos });
        map[item.key] = treeToValue(item.value, itemPath, positions);
      }
      return map;
    }
    case 'tag': {
      const argument =
        node.argument.kind === 'seq'
          ? node.argument.items.map((item, index) =>
              treeToValue(item, joinPath(path, index), positions),
            )
          : node.argument.value;
      return { $tag: node.tag, value: argument };
    }
  }
}

/** Finds the item of a map by key. */
function findItem(map: MapNode, key: string): MapNode['items'][number] | undefined {
  return map.items.find((item) => item.key === key);
}

function locationOf(file: string, pos: SourcePosition): Location {
  return { file, line: pos.line, column: pos.column };
}

/** Prepares one entry of a file for the entry-level checks. */
export function entryFromTree(file: string, entry: EntryNode): EntryInput {
  const positions: PositionMap = new Map();
  const values: Partial<Record<(typeof ENTRY_KEYS)[number], Value>> = {};

  for (const item of entry.node.items) {
    if (!(ENTRY_KEYS as readonly string[]).includes(item.key)) {
      continue;
    }
    positions.set(item.key, { key: item.keyPos, value: item.value.pos });
    values[item.key as (typeof ENTRY_KEYS)[number]] = treeToValue(item.value, item.key, positions);
  }

  const entryPos = entry.node.pos;

  return {
    index: entry.index,
    model: values.model,
    id: values.id,
    state: values.state,
    conditions: values.conditions,
    identifiers: values.identifiers,
    attrs: values.attrs,
    permissions: values.permissions,
    locate: (path: string, part: LocationPart = 'value'): Location =>
      locateIn(file, positions, path, part, entryPos),
  };
}

/**
 * Finds the position of a path, walking up to the nearest recorded node: every node of the file
 * has a position, but a path computed by a check may point below a tag argument.
 */
function locateIn(
  file: string,
  positions: PositionMap,
  path: string,
  part: LocationPart,
  fallback: SourcePosition,
): Location {
  let current = path;
  for (;;) {
    const found = positions.get(current);
    if (found !== undefined) {
      return locationOf(file, part === 'key' ? (found.key ?? found.value) : found.value);
    }

    const cut = current.lastIndexOf('/');
    if (cut < 0) {
      return locationOf(file, fallback);
    }
    current = current.slice(0, cut);
  }
}

/** Checks the top-level keys of a file and the shape of `entries`. */
export function checkDocumentShape(
  doc: BlueprintDocument,
  options: ResolvedOptions,
  problems: ProblemCollector,
): void {
  checkVersion(doc, problems);
  checkMetadata(doc, problems);
  checkContextShape(doc, problems);
  checkEntriesShape(doc, options, problems);

  for (const unknown of doc.unknownTopLevelKeys) {
    const suggestion = closestName(unknown.key, TOP_LEVEL_KEYS);
    problems.add(
      'top-level-key-unknown',
      `\`${unknown.key}\` is not a blueprint key; authentik ignores it, so its content is lost. ` +
        `Top-level keys are ${TOP_LEVEL_KEYS.join(', ')}.${didYouMean(suggestion)}`,
      locationOf(doc.file, unknown.pos),
      { path: unknown.key },
    );
  }

  for (const entry of doc.entries) {
    for (const unknown of entry.unknownKeys) {
      const suggestion = closestName(unknown.key, ENTRY_KEYS);
      problems.add(
        'entry-key-unknown',
        `\`${unknown.key}\` is not an entry key; authentik ignores it silently, so its content ` +
          `is lost. Entry keys are ${ENTRY_KEYS.join(', ')}.${didYouMean(suggestion)}`,
        locationOf(doc.file, unknown.pos),
        { entry: entry.index, path: unknown.key },
      );
    }
  }
}

function checkVersion(doc: BlueprintDocument, problems: ProblemCollector): void {
  const item = findItem(doc.root, 'version');
  if (item === undefined) {
    problems.add(
      'version-missing',
      'The file has no `version`; authentik assumes 1, but the blueprint schema requires it ' +
        'and editors flag the file. Add `version: 1` at the top.',
      locationOf(doc.file, doc.root.pos),
      { path: 'version' },
    );
    return;
  }

  const node = item.value;
  if (node.kind === 'scalar' && node.value === 1) {
    return;
  }

  const written = node.kind === 'scalar' ? JSON.stringify(node.value) : `a ${node.kind}`;
  problems.add(
    'version-unsupported',
    `\`version\` is ${written}, but authentik accepts only the integer 1 and rejects the ` +
      'file with "Invalid blueprint version". Set `version: 1`.',
    locationOf(doc.file, node.pos),
    { path: 'version' },
  );
}

function checkMetadata(doc: BlueprintDocument, problems: ProblemCollector): void {
  const item = findItem(doc.root, 'metadata');
  if (item === undefined) {
    return;
  }

  const node = item.value;
  if (node.kind !== 'map') {
    problems.add(
      'schema',
      '`metadata` must be a map with `name` and optional `labels`; write it as `metadata: {name: ...}`.',
      locationOf(doc.file, node.pos),
      { path: 'metadata' },
    );
    return;
  }

  const name = findItem(node, 'name');
  if (name === undefined) {
    problems.add(
      'metadata-name-missing',
      '`metadata` has no `name`; authentik requires one when `metadata` is present. Add ' +
        '`name: <blueprint name>` under `metadata`.',
      locationOf(doc.file, item.keyPos),
      { path: 'metadata' },
    );
  } else if (name.value.kind !== 'scalar' || typeof name.value.value !== 'string') {
    problems.add(
      'schema',
      '`metadata.name` must be a string; quote it.',
      locationOf(doc.file, name.value.pos),
      { path: 'metadata/name' },
    );
  }

  const labels = findItem(node, 'labels');
  if (labels === undefined) {
    return;
  }

  if (labels.value.kind !== 'map') {
    problems.add(
      'schema',
      '`metadata.labels` must be a map of strings to strings.',
      locationOf(doc.file, labels.value.pos),
      { path: 'metadata/labels' },
    );
    return;
  }

  for (const label of labels.value.items) {
    const value = label.value;
    if (value.kind === 'scalar' && typeof value.value === 'string') {
      continue;
    }
    const written = value.kind === 'scalar' ? String(value.value) : value.kind;
    problems.add(
      'label-not-string',
      `Label \`${label.key}\` has the non-string value ${written}; authentik fails to parse ` +
        `the file. Quote it: \`${label.key}: "${written}"\`.`,
      locationOf(doc.file, value.pos),
      { path: `metadata/labels/${label.key}` },
    );
  }
}

function checkContextShape(doc: BlueprintDocument, problems: ProblemCollector): void {
  const item = findItem(doc.root, 'context');
  if (item !== undefined && item.value.kind !== 'map') {
    problems.add(
      'schema',
      '`context` must be a map of variable names to default values for `!Context`.',
      locationOf(doc.file, item.value.pos),
      { path: 'context' },
    );
  }
}

function checkEntriesShape(
  doc: BlueprintDocument,
  options: ResolvedOptions,
  problems: ProblemCollector,
): void {
  const item = findItem(doc.root, 'entries');
  if (item === undefined) {
    problems.add(
      'entries-missing',
      'The file has no `entries`; authentik requires the list of objects to apply. Add ' +
        '`entries:` with at least one entry.',
      locationOf(doc.file, doc.entriesPos),
      { path: 'entries' },
    );
    return;
  }

  const node = item.value;
  if (node.kind === 'seq') {
    checkEntryItems(doc.file, node.items, 'entries', problems);
    return;
  }

  if (node.kind !== 'map') {
    problems.add(
      'entries-shape',
      '`entries` must be a list of entries (or, on authentik 2025.10 and newer, a map of ' +
        'named sections that each hold a list).',
      locationOf(doc.file, node.pos),
      { path: 'entries' },
    );
    return;
  }

  if (compareVersions(options.authentikVersion, SECTIONS_SINCE) < 0) {
    problems.add(
      'entries-shape',
      `\`entries\` is a map of sections, which authentik ${options.authentikVersion} does not ` +
        `accept (sections need ${SECTIONS_SINCE} or newer). Merge the sections into one list.`,
      locationOf(doc.file, node.pos),
      { path: 'entries' },
    );
  }

  for (const section of node.items) {
    if (section.value.kind !== 'seq') {
      problems.add(
        'entries-shape',
        `Section \`${section.key}\` of \`entries\` must be a list of entries.`,
        locationOf(doc.file, section.value.pos),
        { path: `entries/${section.key}` },
      );
      continue;
    }
    checkEntryItems(doc.file, section.value.items, `entries/${section.key}`, problems);
  }
}

function checkEntryItems(
  file: string,
  items: TreeNode[],
  path: string,
  problems: ProblemCollector,
): void {
  items.forEach((item, index) => {
    if (item.kind !== 'map') {
      problems.add(
        'entry-shape',
        `Item ${index} of \`${path}\` is a ${item.kind}, not an entry; each entry is a map ` +
          'with `model` and `identifiers` or `attrs`.',
        locationOf(file, item.pos),
        { path: `${path}/${index}` },
      );
    }
  });
}

/** The `context` of a file as a value, with a locator for paths that start at `context`. */
export interface ContextInput {
  value: Value;
  locate(path: string): Location;
}

/** Prepares the `context` of a file, when present, for the tag checks. */
export function contextFromTree(doc: BlueprintDocument): ContextInput | undefined {
  const item = findItem(doc.root, 'context');
  if (item === undefined) {
    return undefined;
  }

  const positions: PositionMap = new Map();
  const value = treeToValue(item.value, 'context', positions);

  return {
    value,
    locate: (path: string): Location => locateIn(doc.file, positions, path, 'value', item.keyPos),
  };
}
