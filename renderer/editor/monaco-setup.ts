/**
 * Monaco, bundled with its worker (no loader from a CDN), with Python highlighting and the
 * authentik completion, hover and quick-fix providers of shared/editor. Each editor model
 * registers what it contains (a policy or a property mapping, and where it is bound) in
 * `EXPRESSION_MODELS`, and the providers read that registry.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/python/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

import type { ExpressionKind } from '../../shared/editor/api-globals.js';
import type { PolicyPlacement } from '../../shared/editor/binding-context.js';
import type { CompletionKind } from '../../shared/editor/completion.js';
import { completeAt, importEditFor } from '../../shared/editor/completion.js';
import type { EditorDiagnostic, TextEdit, TextRange } from '../../shared/editor/diagnostic.js';
import { hoverAt } from '../../shared/editor/hover.js';
import type { Scan } from '../../shared/editor/python-scan.js';
import { scanPython } from '../../shared/editor/python-scan.js';

/** The expression of an editor model, as the language providers need it. */
export interface ExpressionModelInfo {
  kind: ExpressionKind;
  mappingModel?: string;
  placement?: PolicyPlacement;
  /** The diagnostics last shown, with their quick fixes. */
  diagnostics: EditorDiagnostic[];
  /** The scan of the last checked text; completion reuses it for the expression's own names. */
  scan?: Scan;
}

/** A completion item that adds an import when it is accepted. */
interface ImportingItem extends monaco.languages.CompletionItem {
  importFor?: { uri: monaco.Uri; statement: string };
}

/** The registry of expression models by model URI. */
export const EXPRESSION_MODELS = new Map<string, ExpressionModelInfo>();

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment;
  }
}

// Python needs only Monaco's generic editor worker. It is a bundled file of the app, which the
// content security policy allows (`worker-src 'self'`).
window.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

const KIND_MAP: Record<CompletionKind, monaco.languages.CompletionItemKind> = {
  function: monaco.languages.CompletionItemKind.Function,
  variable: monaco.languages.CompletionItemKind.Variable,
  class: monaco.languages.CompletionItemKind.Class,
  module: monaco.languages.CompletionItemKind.Module,
  field: monaco.languages.CompletionItemKind.Field,
  method: monaco.languages.CompletionItemKind.Method,
  property: monaco.languages.CompletionItemKind.Property,
  keyword: monaco.languages.CompletionItemKind.Keyword,
  key: monaco.languages.CompletionItemKind.Constant,
  constant: monaco.languages.CompletionItemKind.Constant,
};

/** Converts a shared range (lines from 1, columns from 0) to a Monaco range. */
export function toMonacoRange(range: TextRange): monaco.IRange {
  return {
    startLineNumber: range.line,
    startColumn: range.column + 1,
    endLineNumber: range.endLine,
    endColumn: range.endColumn + 1,
  };
}

function toTextEdit(edit: TextEdit): monaco.languages.TextEdit {
  return { range: toMonacoRange(edit), text: edit.text };
}

const SEVERITY: Record<EditorDiagnostic['severity'], monaco.MarkerSeverity> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};

/** Converts diagnostics to Monaco markers. */
export function toMarkers(diagnostics: readonly EditorDiagnostic[]): monaco.editor.IMarkerData[] {
  return diagnostics.map((diagnostic) => ({
    ...toMonacoRange(diagnostic),
    severity: SEVERITY[diagnostic.severity],
    message: diagnostic.message,
    code: diagnostic.code,
    source: 'stagecraft',
  }));
}

function sameRange(marker: monaco.editor.IMarkerData, diagnostic: EditorDiagnostic): boolean {
  const range = toMonacoRange(diagnostic);
  return (
    marker.startLineNumber === range.startLineNumber &&
    marker.startColumn === range.startColumn &&
    marker.endLineNumber === range.endLineNumber &&
    marker.endColumn === range.endColumn
  );
}

let registered = false;

/** Returns Monaco's theme for the app theme the document shows. */
export function monacoTheme(): string {
  return document.documentElement.dataset.theme === 'dark' ? 'vs-dark' : 'vs';
}

/** Registers the language providers once, and follows the app's theme. */
export function registerAuthentikLanguage(): void {
  if (registered) {
    return;
  }
  registered = true;

  // The app sets its theme on <html data-theme>; Monaco's theme is global to all editors.
  new MutationObserver(() => monaco.editor.setTheme(monacoTheme())).observe(
    document.documentElement,
    { attributes: true, attributeFilter: ['data-theme'] },
  );

  monaco.languages.registerCompletionItemProvider('python', {
    triggerCharacters: ['.', '[', '"', "'", ' '],
    provideCompletionItems(model, position) {
      const info = EXPRESSION_MODELS.get(model.uri.toString());
      if (info === undefined) {
        return { suggestions: [] };
      }

      const text = model.getValue();
      const result = completeAt(text, position.lineNumber, position.column - 1, {
        kind: info.kind,
        ...(info.mappingModel === undefined ? {} : { mappingModel: info.mappingModel }),
        ...(info.placement === undefined ? {} : { placement: info.placement }),
        // The last check's scan is at most a pause old; scanning again on every keystroke
        // would cost more than the names it could add.
        scan: () => info.scan ?? scanPython(text),
      });
      const range = {
        startLineNumber: position.lineNumber,
        startColumn: result.startColumn + 1,
        endLineNumber: position.lineNumber,
        endColumn: position.column,
      };

      return {
        suggestions: result.items.map((item): ImportingItem => ({
          label: item.label,
          kind: KIND_MAP[item.kind],
          ...(item.detail === undefined ? {} : { detail: item.detail }),
          ...(item.documentation === undefined
            ? {}
            : { documentation: { value: item.documentation } }),
          insertText: item.insertText,
          sortText: item.sortText,
          range,
          ...(item.importStatement === undefined
            ? {}
            : { importFor: { uri: model.uri, statement: item.importStatement } }),
        })),
      };
    },
    // The import is placed on the text as it is when the item is accepted.
    resolveCompletionItem(item: ImportingItem) {
      const target = item.importFor;
      const model = target === undefined ? null : monaco.editor.getModel(target.uri);
      if (target === undefined || model === null) {
        return item;
      }

      return {
        ...item,
        additionalTextEdits: [toTextEdit(importEditFor(model.getValue(), target.statement))],
      };
    },
  });

  monaco.languages.registerHoverProvider('python', {
    provideHover(model, position) {
      const info = EXPRESSION_MODELS.get(model.uri.toString());
      if (info === undefined) {
        return null;
      }

      const hover = hoverAt(model.getValue(), position.lineNumber, position.column - 1, {
        kind: info.kind,
        ...(info.mappingModel === undefined ? {} : { mappingModel: info.mappingModel }),
        ...(info.placement === undefined ? {} : { placement: info.placement }),
      });
      return hover === undefined
        ? null
        : { range: toMonacoRange(hover), contents: [{ value: hover.markdown }] };
    },
  });

  monaco.languages.registerCodeActionProvider('python', {
    provideCodeActions(model, _range, context) {
      const info = EXPRESSION_MODELS.get(model.uri.toString());
      const actions: monaco.languages.CodeAction[] = [];

      for (const marker of context.markers) {
        const diagnostic = info?.diagnostics.find(
          (candidate) => candidate.message === marker.message && sameRange(marker, candidate),
        );
        for (const fix of diagnostic?.fixes ?? []) {
          actions.push({
            title: fix.title,
            kind: 'quickfix',
            diagnostics: [marker],
            isPreferred: true,
            edit: {
              edits: fix.edits.map((edit) => ({
                resource: model.uri,
                textEdit: toTextEdit(edit),
                versionId: model.getVersionId(),
              })),
            },
          });
        }
      }

      return { actions, dispose: () => undefined };
    },
  });
}

export { monaco };
