/**
 * The `!Env` variables of a blueprint about to be pushed: which ones it reads, and filling the
 * ones the user gives a value for at push time. authentik resolves `!Env` from the server
 * process's environment, so a value typed here must travel inside the request: written into the
 * file for a one-shot import, or kept in a managed instance's `context` and read with
 * `!Context`. Either way the value lives only in memory on this side.
 */
import { isNode, parseDocument, Scalar, visit } from 'yaml';
import type { Node as YamlNode } from 'yaml';

import type { BlueprintDocument, EntryNode, TreeNode } from '../../shared/blueprint/tree.js';
import { READ_TAGS } from '../../shared/blueprint/tags.js';
import { StagecraftError } from '../../shared/errors.js';
import type { EnvChoice, EnvRequirement, PushMode } from '../../shared/server/types.js';

/** Entry fields that name an object, in the order the name of a use is taken from. */
const NAME_FIELDS = ['slug', 'name', 'username', 'domain'];

function scalarText(node: TreeNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.value !== null ? String(node.value) : undefined;
}

function entryLabel(entry: EntryNode): string {
  const model = scalarText(entry.model) ?? 'entry';
  for (const section of [entry.identifiers, entry.attrs]) {
    if (section?.kind !== 'map') {
      continue;
    }
    for (const field of NAME_FIELDS) {
      const name = scalarText(section.items.find((item) => item.key === field)?.value);
      if (name !== undefined) {
        return `${model} ${name}`;
      }
    }
  }

  return model;
}

/** Returns the variable name and default flag of an `!Env` node, or undefined for others. */
function envOf(node: TreeNode): { name: string; hasDefault: boolean } | undefined {
  if (node.kind !== 'tag' || node.tag !== 'Env') {
    return undefined;
  }

  const argument = node.argument;
  if (argument.kind === 'scalar') {
    const name = scalarText(argument);
    return name === undefined ? undefined : { name, hasDefault: false };
  }

  const name = scalarText(argument.items[0]);
  return name === undefined ? undefined : { name, hasDefault: argument.items.length > 1 };
}

function walk(
  node: TreeNode,
  path: string,
  visitNode: (node: TreeNode, path: string) => void,
): void {
  visitNode(node, path);

  switch (node.kind) {
    case 'map':
      for (const item of node.items) {
        walk(item.value, path === '' ? item.key : `${path}/${item.key}`, visitNode);
      }
      return;
    case 'seq':
      node.items.forEach((item, index) => walk(item, `${path}/${index}`, visitNode));
      return;
    case 'tag':
      walk(node.argument, path, visitNode);
      return;
    case 'scalar':
      return;
  }
}

/** Lists the `!Env` variables of a blueprint with the places that read them, by name. */
export function findEnvRequirements(document: BlueprintDocument): EnvRequirement[] {
  const byName = new Map<string, EnvRequirement>();
  const record = (node: TreeNode, path: string, owner: string): void => {
    const env = envOf(node);
    if (env === undefined) {
      return;
    }

    const requirement = byName.get(env.name) ?? { name: env.name, hasDefault: true, uses: [] };
    requirement.hasDefault = requirement.hasDefault && env.hasDefault;
    requirement.uses.push(`${owner}: ${path}`);
    byName.set(env.name, requirement);
  };

  const contextItem = document.root.items.find((item) => item.key === 'context');
  if (contextItem !== undefined) {
    walk(contextItem.value, '', (node, path) => record(node, path, 'context'));
  }

  for (const entry of document.entries) {
    const label = entryLabel(entry);
    for (const section of ['identifiers', 'attrs', 'conditions'] as const) {
      const node = entry[section];
      if (node !== undefined) {
        walk(node, section, (inner, path) => record(inner, path, label));
      }
    }
  }

  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Checks the choices against the variables of the blueprint and returns the given values. */
function givenValues(requirements: EnvRequirement[], choices: EnvChoice[]): Map<string, string> {
  const known = new Set(requirements.map((requirement) => requirement.name));
  const values = new Map<string, string>();

  for (const choice of choices) {
    if (!known.has(choice.name)) {
      const list = known.size > 0 ? [...known].join(', ') : 'none';
      throw new StagecraftError(
        'invalid-argument',
        `The blueprint reads no variable ${choice.name} with !Env (it reads: ${list}). Remove ` +
          'the value, or check the name.',
        { field: 'env', name: choice.name },
      );
    }
    if (choice.source !== 'value') {
      continue;
    }
    if (choice.value === undefined || choice.value === '') {
      throw new StagecraftError(
        'invalid-argument',
        `No value given for ${choice.name}. Type the value, or leave the variable to the ` +
          "server's environment.",
        { field: 'env', name: choice.name },
      );
    }
    values.set(choice.name, choice.value);
  }

  return values;
}

function envNameOfNode(node: YamlNode): string | undefined {
  if (node instanceof Scalar) {
    return String(node.value);
  }

  const items = (node as { items?: unknown[] }).items;
  const first = Array.isArray(items) ? items[0] : undefined;
  return first instanceof Scalar ? String(first.value) : undefined;
}

/** The blueprint text to send and, for a managed instance, the context it needs. */
export interface PreparedBlueprint {
  text: string;
  context: Record<string, string>;
  fromServer: string[];
  provided: string[];
}

/**
 * Fills the variables given a value: a one-shot import gets the value in place of the tag, a
 * managed instance gets `!Context NAME` and the value in `context`. Other variables keep their
 * `!Env` tag for the server to resolve. Throws `invalid-argument` for a choice naming a variable
 * the blueprint does not read, or a value choice without value.
 */
export function applyEnvChoices(
  text: string,
  requirements: EnvRequirement[],
  choices: EnvChoice[],
  mode: PushMode,
): PreparedBlueprint {
  const values = givenValues(requirements, choices);
  const provided = [...values.keys()].sort();
  const fromServer = requirements
    .map((requirement) => requirement.name)
    .filter((name) => !values.has(name));
  if (values.size === 0) {
    return { text, context: {}, fromServer, provided };
  }

  // The options match the blueprint reader's, so every scalar keeps its text and style.
  const document = parseDocument(text, {
    version: '1.1',
    schema: 'failsafe',
    customTags: READ_TAGS,
    merge: false,
    uniqueKeys: false,
  });
  const context: Record<string, string> = {};

  visit(document, {
    Node(_, node) {
      if (!isNode(node) || node.tag !== '!Env') {
        return undefined;
      }
      const name = envNameOfNode(node);
      const value = name === undefined ? undefined : values.get(name);
      if (name === undefined || value === undefined) {
        return undefined;
      }

      if (mode === 'managed') {
        context[name] = value;
        const replacement = new Scalar(name);
        replacement.tag = '!Context';
        return replacement;
      }

      const replacement = new Scalar(value);
      replacement.type = value.includes('\n') ? 'BLOCK_LITERAL' : 'QUOTE_DOUBLE';
      return replacement;
    },
  });

  return {
    text: document.toString({ lineWidth: 0, flowCollectionPadding: false }),
    context,
    fromServer,
    provided,
  };
}
