/**
 * Names an expression uses that authentik does not define. authentik runs the expression inside
 * a function whose parameters are the evaluator's variables and whose globals are its helpers;
 * nothing else is imported (authentik/lib/expression/evaluator.py). A model such as OAuthSource
 * therefore needs an import, and using it without one raises NameError when the line runs.
 */
import type { ApiGlobal, ExpressionKind } from './api-globals.js';
import { availableNames, importFor, PYTHON_BUILTINS } from './api-globals.js';
import type { EditorDiagnostic, QuickFix, TextEdit } from './diagnostic.js';
import { insertAt, rangeOf } from './diagnostic.js';
import type { Scan } from './python-scan.js';

/** Options of {@link lintNames}. */
export interface NameLintOptions {
  kind: ExpressionKind;
  mappingModel?: string;
}

/** Reports every use of a name that is neither defined by authentik nor bound in the text. */
export function lintNames(scan: Scan, options: NameLintOptions): EditorDiagnostic[] {
  const { names, complete } = availableNames(options.kind, options.mappingModel);
  if (!complete || scan.starImport) {
    return [];
  }

  const defined = new Set<string>([...names.map((item: ApiGlobal) => item.name), ...scan.bound]);
  const diagnostics: EditorDiagnostic[] = [];

  for (const token of scan.uses) {
    if (defined.has(token.text) || PYTHON_BUILTINS.has(token.text)) {
      continue;
    }

    diagnostics.push(undefinedName(scan, token.text, rangeOf(token), options.kind));
  }

  return diagnostics;
}

function undefinedName(
  scan: Scan,
  name: string,
  range: ReturnType<typeof rangeOf>,
  kind: ExpressionKind,
): EditorDiagnostic {
  const statement = importFor(name);

  if (name === 'user' && kind === 'policy') {
    return {
      severity: 'error',
      code: 'undefined-name',
      message:
        '"user" is not defined: expression policies have no `user` variable, so this raises ' +
        'NameError. The user the policy decides about is `request.user`.',
      ...range,
      fixes: [{ title: 'Use request.user', edits: [{ ...range, text: 'request.user' }] }],
    };
  }

  if (statement === undefined) {
    return {
      severity: 'error',
      code: 'undefined-name',
      message: `"${name}" is not defined, so this line raises NameError when it runs.`,
      ...range,
    };
  }

  const fix: QuickFix = { title: `Add "${statement}"`, edits: [importEdit(scan, statement)] };
  return {
    severity: 'error',
    code: 'undefined-name',
    message:
      `"${name}" is not defined: authentik imports no models or modules into expressions, ` +
      `so this raises NameError. Add \`${statement}\`.`,
    ...range,
    fixes: [fix],
  };
}

// New imports go after the expression's leading imports, or above its first statement (below
// any comment lines at the top).
/** Returns the edit that adds an import statement to the expression. */
export function importEdit(scan: Scan, statement: string): TextEdit {
  const firstOther = scan.statements.findIndex((item) => item.kind !== 'import');
  const leading = firstOther < 0 ? scan.statements : scan.statements.slice(0, firstOther);
  const last = leading[leading.length - 1];
  if (last !== undefined) {
    const lastToken = last.tokens[last.tokens.length - 1]!;
    return insertAt(lastToken.endLine, lastToken.endColumn, `\n${statement}`);
  }

  return insertAt(scan.lines[0]?.line ?? 1, 0, `${statement}\n`);
}
