/**
 * Completion for the policy editor: authentik's globals and variables, members of the objects
 * they return, context keys where the policy is bound, `authentik` module paths and classes
 * (with the import added on acceptance), and the expression's own names. Pure, so the editor,
 * the tests and the benchmark run the same code.
 */
import type { ApiGlobal, ExpressionKind } from './api-globals.js';
import {
  API_MODULES,
  availableNames,
  importFor,
  PYTHON_BUILTINS,
  STDLIB_MODULES,
} from './api-globals.js';
import { findApiType } from './api-types.js';
import type { ContextKeyInfo, PolicyPlacement } from './binding-context.js';
import { CONTEXT_KEY_DOCS } from './binding-context.js';
import type { TextEdit } from './diagnostic.js';
import { importEdit } from './lint-names.js';
import { PYTHON_KEYWORDS } from './python-lexer.js';
import type { Scan } from './python-scan.js';
import { scanPython } from './python-scan.js';
import { chainBefore, parseChain, resolveChain } from './type-resolver.js';

/** The kind of a completion item, mapped to the editor's icons. */
export type CompletionKind =
  | 'function'
  | 'variable'
  | 'class'
  | 'module'
  | 'field'
  | 'method'
  | 'property'
  | 'keyword'
  | 'key'
  | 'constant';

/** One completion item. */
export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** A short line beside the label: a signature or a type. */
  detail?: string;
  /** Markdown documentation. */
  documentation?: string;
  insertText: string;
  /**
   * The import statement accepting the item adds, for classes of the authentik modules. The
   * edit is computed on acceptance with {@link importEditFor}, on the text as it is then.
   */
  importStatement?: string;
  /** The sort key of the item; lower keys come first. */
  sortText: string;
}

/** The items and the range of text they replace. */
export interface CompletionResult {
  items: CompletionItem[];
  /** The column (0-based) where the replaced word starts, on the cursor's line. */
  startColumn: number;
}

/** The facts about the expression that completion uses. */
export interface CompletionOptions {
  kind: ExpressionKind;
  mappingModel?: string;
  placement?: PolicyPlacement;
  /**
   * A scan of the text, or a function returning one. It is used only for the expression's own
   * names, so an editor may pass the scan of a slightly older text to save a keystroke's work.
   */
  scan?: Scan | (() => Scan);
}

/** Returns the completion items at a position (line from 1, column from 0). */
export function completeAt(
  text: string,
  line: number,
  column: number,
  options: CompletionOptions,
): CompletionResult {
  const lineText = text.split('\n')[line - 1] ?? '';
  const before = lineText.slice(0, column);
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
  const startColumn = column - word.length;

  const key = contextKeyCompletion(before, options);
  if (key !== undefined) {
    return key;
  }

  const imports = importCompletion(before, startColumn);
  if (imports !== undefined) {
    return imports;
  }

  let scanned: Scan | undefined;
  const scan = (): Scan => {
    scanned ??=
      typeof options.scan === 'function' ? options.scan() : (options.scan ?? scanPython(text));
    return scanned;
  };
  const beforeWord = before.slice(0, startColumn);
  if (/\.\s*$/.test(beforeWord)) {
    return { items: memberItems(beforeWord.replace(/\.\s*$/, ''), scan, options), startColumn };
  }

  if (/^\s*(?:#|.*\s#)/.test(before) || insideString(before)) {
    return { items: [], startColumn };
  }

  return { items: nameItems(scan(), options), startColumn };
}

function insideString(before: string): boolean {
  let quote: string | null = null;
  for (let index = 0; index < before.length; index += 1) {
    const char = before[index];
    if (quote !== null) {
      if (char === '\\') {
        index += 1;
      } else if (char === quote) {
        quote = null;
      }
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#') {
      return false;
    }
  }

  return quote !== null;
}

function keyItems(keys: ContextKeyInfo[], quote: string | null): CompletionItem[] {
  return keys.map((info, index) => ({
    label: info.key,
    kind: 'key' as const,
    detail: info.presence === 'always' ? 'always set here' : 'sometimes missing here',
    documentation:
      info.presence === 'always'
        ? info.doc
        : `${info.doc}\n\nMay be missing: ${info.why ?? 'it is not always set'}. Read it with \`.get()\`.`,
    insertText: quote === null ? JSON.stringify(info.key) : info.key,
    sortText: `${info.presence === 'always' ? '0' : '1'}${String(index).padStart(3, '0')}`,
  }));
}

function allKnownKeys(): ContextKeyInfo[] {
  return Object.entries(CONTEXT_KEY_DOCS).map(([key, docs]) => ({
    key,
    doc: docs.doc,
    presence: 'sometimes' as const,
    why: 'the policy is not bound yet',
  }));
}

function contextKeyCompletion(
  before: string,
  options: CompletionOptions,
): CompletionResult | undefined {
  const match =
    /(?:\brequest\.)?\bcontext\s*(\[\s*["']([^"'\]]*)["']\s*\]\s*)?(?:\[|\.get\(\s*)\s*(["']?)([^"'\]\s]*)$/.exec(
      before,
    );
  if (match === null || options.kind !== 'policy') {
    return undefined;
  }

  const outerKey = match[2];
  const quote = match[3] === '' ? null : (match[3] ?? null);
  const typed = match[4] ?? '';
  const placed = options.placement?.sites.length ? options.placement.keys : allKnownKeys();

  let keys = placed;
  if (outerKey !== undefined) {
    keys = placed.find((info) => info.key === outerKey)?.children ?? [];
  }

  return { items: keyItems(keys, quote), startColumn: before.length - typed.length };
}

function importCompletion(before: string, startColumn: number): CompletionResult | undefined {
  const fromImport = /^\s*from\s+([\w.]+)\s+import\s+(?:[\w\s,]*,\s*)?\(?\s*\w*$/.exec(before);
  if (fromImport !== null) {
    const module = API_MODULES.find((candidate) => candidate.path === fromImport[1]);
    const items = (module?.exports ?? []).map((item, index) => ({
      label: item.name,
      kind: item.kind === 'class' ? ('class' as const) : ('constant' as const),
      detail: item.value === undefined ? module!.path : `"${item.value}"`,
      documentation: item.doc,
      insertText: item.name,
      sortText: String(index).padStart(4, '0'),
    }));
    return { items, startColumn };
  }

  const modulePath = /^\s*(?:from|import)\s+([\w.]*)$/.exec(before);
  if (modulePath !== null) {
    const typed = modulePath[1] ?? '';
    const paths = [...API_MODULES.map((module) => module.path), ...STDLIB_MODULES];
    const items = paths.map((path, index) => ({
      label: path,
      kind: 'module' as const,
      insertText: path,
      sortText: String(index).padStart(4, '0'),
    }));
    return { items, startColumn: before.length - typed.length };
  }

  return undefined;
}

function keyTypes(options: CompletionOptions): Map<string, string | undefined> {
  return new Map((options.placement?.keys ?? []).map((info) => [info.key, info.type]));
}

function memberItems(
  chainText: string,
  scan: () => Scan,
  options: CompletionOptions,
): CompletionItem[] {
  const parts = parseChain(chainBefore(chainText));
  if (parts === undefined) {
    return [];
  }

  const type = resolveChain(parts, {
    kind: options.kind,
    ...(options.mappingModel === undefined ? {} : { mappingModel: options.mappingModel }),
    scan,
    keyTypes: keyTypes(options),
  });
  const apiType = findApiType(type);
  if (apiType === undefined) {
    return [];
  }

  return apiType.members.map((member, index) => ({
    label: member.name,
    kind: member.kind,
    detail: member.signature ?? member.type ?? apiType.name,
    documentation: member.doc,
    insertText: member.name,
    sortText: `${member.name.startsWith('_') ? '9' : '0'}${String(index).padStart(3, '0')}`,
  }));
}

function globalItem(item: ApiGlobal, rank: string): CompletionItem {
  return {
    label: item.name,
    kind: item.kind,
    ...(item.signature === undefined ? {} : { detail: item.signature }),
    documentation: item.doc,
    insertText: item.name,
    sortText: `${rank}${item.name}`,
  };
}

function nameItems(scan: Scan, options: CompletionOptions): CompletionItem[] {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (item: CompletionItem): void => {
    if (!seen.has(item.label)) {
      seen.add(item.label);
      items.push(item);
    }
  };

  for (const name of scan.bound) {
    add({
      label: name,
      kind: 'variable',
      detail: 'defined in this expression',
      insertText: name,
      sortText: `0${name}`,
    });
  }
  for (const item of availableNames(options.kind, options.mappingModel).names) {
    add(globalItem(item, '1'));
  }

  // Classes of the authentik modules complete with their import, as authentik imports none.
  for (const module of API_MODULES) {
    for (const exported of module.exports) {
      if (exported.kind !== 'class' || seen.has(exported.name)) {
        continue;
      }
      const statement = importFor(exported.name);
      add({
        label: exported.name,
        kind: 'class',
        detail: `from ${module.path}`,
        documentation: `${exported.doc}\n\nAccepting adds \`${statement}\`.`,
        insertText: exported.name,
        ...(statement === undefined ? {} : { importStatement: statement }),
        sortText: `2${exported.name}`,
      });
    }
  }

  for (const keyword of PYTHON_KEYWORDS) {
    add({ label: keyword, kind: 'keyword', insertText: keyword, sortText: `3${keyword}` });
  }
  for (const builtin of PYTHON_BUILTINS) {
    if (!builtin.startsWith('_')) {
      add({
        label: builtin,
        kind: 'function',
        detail: 'Python built-in',
        insertText: builtin,
        sortText: `4${builtin}`,
      });
    }
  }

  return items;
}

/** Returns the edit that adds `statement` to `text`, placed as the import quick fix places it. */
export function importEditFor(text: string, statement: string): TextEdit {
  return importEdit(scanPython(text), statement);
}
