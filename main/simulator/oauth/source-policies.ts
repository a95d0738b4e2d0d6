/**
 * The expressions a login through a source runs: the expression policies bound to the source's
 * authentication and enrollment flows and to their stage bindings, and the source's property
 * mappings. Before a login, their text is checked against the scopes the source requests.
 */
import type { ModelObject } from '../../../shared/model/object.js';
import { mergeEntryData } from '../../../shared/model/view.js';
import { asText } from '../json.js';
import { EXPRESSION_POLICY_MODEL } from '../policies.js';
import { refUid } from '../project-index.js';
import type { RunState } from '../types.js';
import { recordFinding } from './advice.js';
import type { CheckedExpression } from './scope-check.js';
import { checkDiscordScopes, describeScopeWarning } from './scope-check.js';
import type { OAuthSourceConfig } from './source-config.js';
import { OAUTH_MAPPING_MODEL } from './properties.js';

function boundPolicies(state: RunState, targetUid: string): ModelObject[] {
  return state.index
    .policyBindingsOf(targetUid)
    .map((binding) => state.index.get(refUid(mergeEntryData(binding).policy)))
    .filter((policy): policy is ModelObject => policy?.model === EXPRESSION_POLICY_MODEL);
}

/** Returns the expressions a login through the source can run, each once. */
export function sourceExpressions(state: RunState, config: OAuthSourceConfig): CheckedExpression[] {
  const found = new Map<string, CheckedExpression>();
  const add = (object: ModelObject, kind: CheckedExpression['kind']): void => {
    const data = mergeEntryData(object);
    found.set(object.uid, {
      kind,
      name: asText(data.name, object.uid),
      expression: asText(data.expression),
    });
  };

  for (const flowUid of [config.authenticationFlow, config.enrollmentFlow]) {
    if (flowUid === undefined) {
      continue;
    }

    for (const policy of boundPolicies(state, flowUid)) {
      add(policy, 'policy');
    }
    for (const binding of state.index.stageBindingsOf(flowUid)) {
      for (const policy of boundPolicies(state, binding.uid)) {
        add(policy, 'policy');
      }
    }
  }

  for (const uid of [...config.userPropertyMappings, ...config.groupPropertyMappings]) {
    const mapping = state.index.get(uid);
    if (mapping?.model === OAUTH_MAPPING_MODEL) {
      add(mapping, 'property mapping');
    }
  }

  return [...found.values()];
}

/**
 * Records a warning for each call of the source's expressions to a Discord endpoint whose scope
 * the source does not request. Runs for Discord sources only.
 */
export function checkSourceScopes(
  state: RunState,
  config: OAuthSourceConfig,
  scopes: readonly string[],
): void {
  if (config.providerType !== 'discord') {
    return;
  }

  const expressions = sourceExpressions(state, config);
  reportPlaceholders(state, expressions);

  const warnings = checkDiscordScopes(expressions, scopes);
  for (const warning of warnings) {
    const { message, fix } = describeScopeWarning(warning, config.slug, scopes);
    recordFinding(state, 'warning', 'source-scope-missing', message, fix);
  }
}

// Guides mark the values to fill in as `<YOUR GUILD ID>`; left in, they end up in request URLs.
const PLACEHOLDER = /<YOUR [A-Z][A-Z ]*>/;

function reportPlaceholders(state: RunState, expressions: readonly CheckedExpression[]): void {
  for (const item of expressions) {
    const lines = item.expression.split('\n');
    const index = lines.findIndex(
      (line) => PLACEHOLDER.test(line) && !line.trimStart().startsWith('#'),
    );
    if (index < 0) {
      continue;
    }

    const placeholder = PLACEHOLDER.exec(lines[index]!)![0];
    recordFinding(
      state,
      'warning',
      'expression-placeholder',
      `${item.kind === 'policy' ? 'Policy' : 'Property mapping'} "${item.name}" still contains the placeholder ${placeholder} on line ${index + 1}, so its requests go to a URL that names no real object.`,
      `Replace ${placeholder} with the real value.`,
    );
  }
}
