/**
 * All checks of the policy editor that run without Python: undefined names, context keys that
 * may be missing where the policy is bound, Discord scopes and error bodies, and what a policy
 * returns. Syntax errors come from Python itself (see syntax.ts), because only the real
 * compiler gives authentik's exact messages.
 */
import type { ExpressionKind } from './api-globals.js';
import type { PolicyPlacement, SourceInfo } from './binding-context.js';
import type { EditorDiagnostic } from './diagnostic.js';
import { lintContextKeys } from './lint-context.js';
import { lintDiscordErrorBodies, lintDiscordScopes } from './lint-discord.js';
import { lintNames } from './lint-names.js';
import { lintReturns } from './lint-returns.js';
import type { Scan } from './python-scan.js';
import { scanPython } from './python-scan.js';

/** The facts about the expression that the checks use. */
export interface DiagnosticOptions {
  kind: ExpressionKind;
  /** Model of a property mapping, e.g. `authentik_sources_oauth.oauthsourcepropertymapping`. */
  mappingModel?: string;
  /** The places the policy is bound. Without them, context keys are not checked. */
  placement?: PolicyPlacement;
  /** The project's sources, used for Discord scopes when the policy is bound nowhere yet. */
  projectSources?: readonly SourceInfo[];
}

/** Runs every local check on `text`. Diagnostics are sorted by position. */
export function diagnoseExpression(text: string, options: DiagnosticOptions): EditorDiagnostic[] {
  return diagnoseScan(scanPython(text), options);
}

/** Runs every local check on an already scanned expression. */
export function diagnoseScan(scan: Scan, options: DiagnosticOptions): EditorDiagnostic[] {
  const diagnostics: EditorDiagnostic[] = [
    ...lintNames(scan, {
      kind: options.kind,
      ...(options.mappingModel === undefined ? {} : { mappingModel: options.mappingModel }),
    }),
  ];

  if (options.kind === 'policy') {
    diagnostics.push(...lintContextKeys(scan, options.placement));
    diagnostics.push(...lintReturns(scan));
  }

  const bound = options.placement !== undefined && options.placement.sites.length > 0;
  const sources = bound ? options.placement!.sources : (options.projectSources ?? []);
  diagnostics.push(...lintDiscordScopes(scan, sources));
  diagnostics.push(...lintDiscordErrorBodies(scan));

  return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}
