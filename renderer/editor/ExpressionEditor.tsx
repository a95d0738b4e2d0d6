/**
 * A Monaco editor for one expression policy or property mapping. Typing saves through
 * `project.apply` (one `field.set` of `expression`, merged into one undo step while typing) and
 * checks the text: the local checks at once, Python's syntax check through the simulator
 * service, both within a short pause after the last keystroke.
 */
import { useEffect, useMemo, useRef, useState } from 'react';

import { describePlacement, listSources } from '../../shared/editor/binding-context.js';
import type { EditorDiagnostic } from '../../shared/editor/diagnostic.js';
import { diagnoseScan } from '../../shared/editor/diagnostics.js';
import { scanPython } from '../../shared/editor/python-scan.js';
import { syntaxDiagnostic } from '../../shared/editor/syntax.js';
import { sendChanges } from '../canvas/actions.js';
import { setField } from '../model/edits.js';
import { client } from '../state/client.js';
import { useProject } from '../state/project-store.js';
import type { ExpressionObject } from './expression-objects.js';
import { readExpressionObject } from './expression-objects.js';
import {
  EXPRESSION_MODELS,
  monaco,
  monacoTheme,
  registerAuthentikLanguage,
  toMarkers,
} from './monaco-setup.js';
import './editor.css';

/** Pause after the last keystroke before the text is checked, in milliseconds. */
export const CHECK_DELAY_MS = 60;

/** Pause after the last keystroke before the text is saved, in milliseconds. */
const SAVE_DELAY_MS = 300;

/** The state of the checks, for the status line. */
export interface CheckStatus {
  problems: EditorDiagnostic[];
  /** `checking` while Python compiles the text; `unavailable` when Python could not run. */
  syntax: 'idle' | 'checking' | 'valid' | 'invalid' | 'unavailable';
}

function modelUri(uid: string): monaco.Uri {
  return monaco.Uri.parse(`inmemory://stagecraft/expression/${encodeURIComponent(uid)}.py`);
}

/** Returns the text of the expression open in an editor, or undefined when none is open. */
export function currentExpressionText(uid: string): string | undefined {
  return monaco.editor.getModel(modelUri(uid))?.getValue();
}

/** Moves the cursor of the open editor of `uid` to the start of `line` and shows that line. */
export function revealExpressionLine(uid: string, line: number): void {
  const uri = modelUri(uid).toString();
  const editor = monaco.editor
    .getEditors()
    .find((candidate) => candidate.getModel()?.uri.toString() === uri);
  if (editor === undefined) {
    return;
  }

  editor.setPosition({ lineNumber: line, column: 1 });
  editor.revealLineInCenter(line);
  editor.focus();
}

function saveExpression(uid: string, text: string): void {
  const current = useProject.getState().objects.get(uid);
  if (current === undefined) {
    return;
  }

  const change = setField(current, 'expression', text);
  if (change !== undefined) {
    void sendChanges([change], 'Edit expression', `expression:${uid}`);
  }
}

/** Renders the editor of one expression. */
export function ExpressionEditor(props: {
  uid: string;
  onStatus?: (status: CheckStatus) => void;
  height?: number | string;
}) {
  const { uid, onStatus } = props;
  const container = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const lastSaved = useRef<string | null>(null);
  const objects = useProject((state) => state.objects);
  const object = objects.get(uid);
  const item: ExpressionObject | undefined = useMemo(() => readExpressionObject(object), [object]);
  const placement = useMemo(
    () => (item?.kind === 'policy' ? describePlacement(objects.values(), uid) : undefined),
    [objects, uid, item?.kind],
  );
  const sources = useMemo(() => listSources(objects.values()), [objects]);
  const readOnly = useProject((state) => state.readOnly);
  const [status, setStatus] = useState<CheckStatus>({ problems: [], syntax: 'idle' });

  // Everything the checks read, kept in a ref so the editor's listeners see current values.
  const context = useRef({ item, placement, sources });
  context.current = { item, placement, sources };

  useEffect(() => {
    onStatus?.(status);
  }, [status, onStatus]);

  useEffect(() => {
    registerAuthentikLanguage();
    const element = container.current;
    const initial = readExpressionObject(useProject.getState().objects.get(uid));
    if (element === null || initial === undefined) {
      return undefined;
    }

    const uri = modelUri(uid);
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(initial.expression, 'python', uri);
    EXPRESSION_MODELS.set(uri.toString(), {
      kind: initial.kind,
      ...(initial.kind === 'property_mapping' ? { mappingModel: initial.model } : {}),
      diagnostics: [],
    });
    lastSaved.current = initial.expression;

    const editor = monaco.editor.create(element, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      tabSize: 4,
      insertSpaces: true,
      // A plain textarea receives the keys, so the window's shortcuts see a text field.
      editContext: false,
      quickSuggestionsDelay: 0,
      // The authentik provider lists the expression's own names; Monaco's word list would add a
      // round trip to its worker on every keystroke.
      wordBasedSuggestions: 'off',
      fixedOverflowWidgets: true,
      theme: monacoTheme(),
      readOnly: useProject.getState().readOnly,
      ariaLabel: `Expression of ${initial.name}`,
    });
    editorRef.current = editor;

    let checkTimer: number | undefined;
    let saveTimer: number | undefined;
    let request = 0;

    const check = (): void => {
      const text = model.getValue();
      const version = model.getVersionId();
      const { item: current, placement: where, sources: projectSources } = context.current;
      if (current === undefined) {
        return;
      }

      const scan = scanPython(text);
      const local = diagnoseScan(scan, {
        kind: current.kind,
        ...(current.kind === 'property_mapping' ? { mappingModel: current.model } : {}),
        ...(where === undefined ? {} : { placement: where }),
        projectSources,
      });
      const info = EXPRESSION_MODELS.get(uri.toString());
      if (info !== undefined) {
        info.scan = scan;
      }
      const publish = (syntax: EditorDiagnostic[], state: CheckStatus['syntax']): void => {
        if (info !== undefined) {
          info.diagnostics = [...syntax, ...local];
        }
        monaco.editor.setModelMarkers(model, 'stagecraft', toMarkers(local));
        monaco.editor.setModelMarkers(model, 'stagecraft-syntax', toMarkers(syntax));
        setStatus({ problems: [...syntax, ...local], syntax: state });
      };

      const previousSyntax = (info?.diagnostics ?? []).filter((d) => d.code === 'syntax-error');
      publish(previousSyntax, 'checking');

      const own = ++request;
      client()
        .simulator.checkSyntax({ expression: text, kind: current.kind, name: current.name })
        .then((result) => {
          if (own !== request || model.isDisposed() || model.getVersionId() !== version) {
            return;
          }
          const found = syntaxDiagnostic(result, text);
          publish(found === undefined ? [] : [found], result.valid ? 'valid' : 'invalid');
        })
        .catch(() => {
          if (own === request && !model.isDisposed()) {
            publish([], 'unavailable');
          }
        });
    };

    const changes = model.onDidChangeContent(() => {
      window.clearTimeout(checkTimer);
      checkTimer = window.setTimeout(check, CHECK_DELAY_MS);

      window.clearTimeout(saveTimer);
      saveTimer = window.setTimeout(() => {
        const text = model.getValue();
        lastSaved.current = text;
        saveExpression(uid, text);
      }, SAVE_DELAY_MS);
    });
    check();

    return () => {
      window.clearTimeout(checkTimer);
      // A pending save goes out now, so leaving the editor loses no keystroke.
      if (saveTimer !== undefined && model.getValue() !== lastSaved.current) {
        saveExpression(uid, model.getValue());
      }
      window.clearTimeout(saveTimer);
      changes.dispose();
      editor.dispose();
      EXPRESSION_MODELS.delete(uri.toString());
      model.dispose();
      editorRef.current = null;
    };
  }, [uid]);

  // Take text changed elsewhere (undo, the inspector), but not the echo of our own save.
  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (item === undefined || model === null || model === undefined) {
      return;
    }
    const info = EXPRESSION_MODELS.get(model.uri.toString());
    if (info !== undefined) {
      if (placement === undefined) {
        delete info.placement;
      } else {
        info.placement = placement;
      }
    }
    if (item.expression !== lastSaved.current && item.expression !== model.getValue()) {
      lastSaved.current = item.expression;
      model.setValue(item.expression);
    }
  }, [item, placement]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  if (item === undefined) {
    return <p className="hint">This object has no expression to edit.</p>;
  }

  return (
    <div
      ref={container}
      className="expression-editor"
      data-testid="expression-editor"
      style={{ height: props.height ?? '100%' }}
    />
  );
}
