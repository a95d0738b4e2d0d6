/**
 * YAML tag definitions for authentik's blueprint tags, for the `yaml` package.
 *
 * authentik's `BlueprintLoader` (authentik/blueprints/v1/common.py, 2025.12) registers one
 * constructor per tag. Scalar arguments are taken as the raw scalar text (`node.value`), never
 * typed, so `!KeyOf 5` names the id "5". The tags below keep scalar arguments as text for the
 * same reason.
 */
import { YAMLMap, YAMLSeq } from 'yaml';
import type { CollectionTag, ScalarTag } from 'yaml';
import { BLUEPRINT_TAGS } from './tree.js';
import type { BlueprintTag } from './tree.js';

/** The YAML node kinds a tag argument can be written as. */
export type TagArgumentForm = 'scalar' | 'seq';

/**
 * The argument forms authentik's loader handles for each tag. A tag written in another form loads
 * but fails when authentik resolves it, or fails while loading (a scalar `!Format` indexes into
 * the text). Validation reports both.
 */
export const TAG_ARGUMENT_FORMS: Readonly<Record<BlueprintTag, readonly TagArgumentForm[]>> = {
  KeyOf: ['scalar'],
  Env: ['scalar', 'seq'],
  Find: ['seq'],
  FindObject: ['seq'],
  Context: ['scalar', 'seq'],
  Format: ['seq'],
  If: ['seq'],
  Condition: ['seq'],
  Enumerate: ['seq'],
  Index: ['scalar'],
  Value: ['scalar'],
  AtIndex: ['seq'],
  ParseJSON: ['scalar'],
  File: ['scalar', 'seq'],
};

const TAG_BY_YAML_NAME = new Map<string, BlueprintTag>(
  BLUEPRINT_TAGS.map((name) => [`!${name}`, name]),
);

/** Returns the blueprint tag for a YAML tag name such as `!KeyOf`, or undefined. */
export function blueprintTagOf(yamlTag: string): BlueprintTag | undefined {
  return TAG_BY_YAML_NAME.get(yamlTag);
}

/** The YAML core tags PyYAML's SafeLoader accepts on scalars, by their `!!` suffix. */
export const CORE_SCALAR_TAGS = ['str', 'int', 'float', 'bool', 'null'] as const;

/** A YAML core scalar tag suffix. */
export type CoreScalarTag = (typeof CORE_SCALAR_TAGS)[number];

const CORE_TAG_PREFIX = 'tag:yaml.org,2002:';

/** Returns the core scalar tag for a resolved YAML tag name such as `tag:yaml.org,2002:int`. */
export function coreScalarTagOf(yamlTag: string): CoreScalarTag | undefined {
  if (!yamlTag.startsWith(CORE_TAG_PREFIX)) {
    return undefined;
  }

  const suffix = yamlTag.slice(CORE_TAG_PREFIX.length);
  return (CORE_SCALAR_TAGS as readonly string[]).includes(suffix)
    ? (suffix as CoreScalarTag)
    : undefined;
}

/** Tells whether a resolved YAML tag name is the core map or sequence tag. */
export function isCoreCollectionTag(yamlTag: string): boolean {
  return yamlTag === `${CORE_TAG_PREFIX}map` || yamlTag === `${CORE_TAG_PREFIX}seq`;
}

function keepText(value: string): string {
  return value;
}

/**
 * Tags for reading. Every blueprint tag is defined for scalars, sequences and maps, so that the
 * parser keeps the tag name on the node and the reader can reject the map form with a position.
 * The core scalar tags keep their text too, because the reader types it as PyYAML would.
 */
export const READ_TAGS: Array<ScalarTag | CollectionTag> = [
  ...BLUEPRINT_TAGS.flatMap((name): Array<ScalarTag | CollectionTag> => [
    { tag: `!${name}`, resolve: keepText },
    { tag: `!${name}`, collection: 'seq', nodeClass: YAMLSeq },
    { tag: `!${name}`, collection: 'map', nodeClass: YAMLMap },
  ]),
  ...CORE_SCALAR_TAGS.filter((name) => name !== 'str').map((name): ScalarTag => ({
    tag: `${CORE_TAG_PREFIX}${name}`,
    resolve: keepText,
  })),
];

/** Tags for writing: every blueprint tag in each form a value can take. */
export const WRITE_TAGS: Array<ScalarTag | CollectionTag> = READ_TAGS.filter((tag) =>
  tag.tag.startsWith('!'),
);
