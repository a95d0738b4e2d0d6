/**
 * The policy types other than expression policies, reproduced from their `passes()` methods
 * (authentik/policies/<type>/models.py, read at the versions named per function). Data the
 * server keeps elsewhere (reputation scores, GeoIP lookups, password history) comes from the
 * persona. Checks that need the internet (Have I Been Pwned) or a library Stagecraft does not
 * ship (zxcvbn) are skipped with a warning.
 */
import { mergeEntryData } from '../../shared/model/view.js';
import { PLAN_CONTEXT } from '../../shared/simulator/context-keys.js';
import type { EvaluationError, JsonValue } from '../../shared/simulator/evaluation.js';
import type { JsonMap } from '../../shared/simulator/trace.js';
import { verifyPassword } from './passwords.js';
import type { PolicyRunInput, PolicyRunOutput } from './policies.js';
import type { RunState } from './types.js';

type BuiltinResult = Pick<
  PolicyRunOutput,
  'passing' | 'messages' | 'raised' | 'warnings' | 'crashed'
> & {
  error?: EvaluationError;
};

/** An exception a policy raises; `policyException` marks authentik's PolicyException. */
class PolicyRaise extends Error {
  constructor(
    message: string,
    readonly policyException: boolean,
    readonly type: string,
  ) {
    super(message);
  }
}

function pass(passing: boolean, ...messages: string[]): BuiltinResult {
  return { passing, messages, raised: false, warnings: [] };
}

function numberOf(value: JsonValue | undefined, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function textOf(value: JsonValue | undefined, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function isMap(value: JsonValue | undefined): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs a non-expression policy; unknown policy types fail with a message naming the model. */
export function runBuiltinPolicy(state: RunState, input: PolicyRunInput): BuiltinResult {
  const data = mergeEntryData(input.policy) as JsonMap;

  try {
    switch (input.policy.model) {
      case 'authentik_policies_dummy.dummypolicy':
        return dummy(data);
      case 'authentik_policies_password.passwordpolicy':
        return password(data, input.context);
      case 'authentik_policies_reputation.reputationpolicy':
        return reputation(state, data, input);
      case 'authentik_policies_event_matcher.eventmatcherpolicy':
        return eventMatcher(data, input.context);
      case 'authentik_policies_expiry.passwordexpirypolicy':
        return passwordExpiry(data, input);
      case 'authentik_policies_geoip.geoippolicy':
        return geoip(data, input.context);
      case 'authentik_policies_unique_password.uniquepasswordpolicy':
        return uniquePassword(state, data, input);
      default: {
        const result = pass(false, `Policy type ${input.policy.model} is not simulated.`);
        result.warnings.push(
          `${input.policy.model} is not simulated; the binding fails. Bind an expression policy ` +
            'that reproduces it to test this path.',
        );
        return result;
      }
    }
  } catch (error) {
    if (!(error instanceof PolicyRaise)) {
      throw error;
    }

    return {
      passing: false,
      messages: [error.message],
      raised: error.policyException,
      crashed: !error.policyException,
      warnings: [],
      error: { type: error.type, message: error.message, traceback: '' },
    };
  }
}

// authentik/policies/dummy/models.py: sleeps wait_min..wait_max seconds, then returns `result`.
function dummy(data: JsonMap): BuiltinResult {
  const result = pass(data.result === true, 'dummy');
  const low = numberOf(data.wait_min, 5);
  const high = numberOf(data.wait_max, 30);
  result.warnings.push(
    `On the server this policy first waits ${low} to ${high} s; the simulation does not.`,
  );

  return result;
}

// authentik/policies/password/models.py: the password comes from prompt_data, else the context.
function passwordFrom(context: JsonMap, field: string): string | undefined {
  const prompt = context[PLAN_CONTEXT.prompt];
  const value = isMap(prompt) && field in prompt ? prompt[field] : context[field];
  if (value === undefined || value === null || value === '' || value === false) {
    return undefined;
  }

  return typeof value === 'string' ? value : JSON.stringify(value);
}

function password(data: JsonMap, context: JsonMap): BuiltinResult {
  const field = textOf(data.password_field, 'password');
  const value = passwordFrom(context, field);
  if (value === undefined) {
    return pass(false, 'Password not set in context');
  }

  const errorMessage = textOf(data.error_message, '');
  if (data.check_static_rules !== false) {
    const symbols = textOf(data.symbol_charset, '!\\"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ ');
    const count = (pattern: RegExp): number => value.match(pattern)?.length ?? 0;
    const symbolCount = [...symbols].reduce(
      (total, symbol) => total + value.split(symbol).length - 1,
      0,
    );

    const failed =
      value.length < numberOf(data.length_min, 0) ||
      count(/[0-9]/g) < numberOf(data.amount_digits, 0) ||
      count(/[a-z]/g) < numberOf(data.amount_lowercase, 0) ||
      count(/[A-Z]/g) < numberOf(data.amount_uppercase, 0) ||
      symbolCount < numberOf(data.amount_symbols, 0);
    if (failed) {
      return pass(false, errorMessage);
    }
  }

  const result = pass(true);
  if (data.check_have_i_been_pwned === true) {
    result.warnings.push('The Have I Been Pwned check needs the internet and was skipped.');
  }
  if (data.check_zxcvbn === true) {
    result.warnings.push('The zxcvbn strength check is not available offline and was skipped.');
  }

  return result;
}

// authentik/policies/reputation/models.py: passes when the summed score is at or below the
// threshold. Each persona score stands for the reputation rows of its IP or its username.
function reputation(state: RunState, data: JsonMap, input: PolicyRunInput): BuiltinResult {
  const scores = state.persona?.reputation ?? {};
  let score = 0;
  if (data.check_ip !== false) {
    score += scores.ip ?? 0;
  }
  if (data.check_username !== false && input.user !== null) {
    score += scores.username ?? 0;
  }

  const result = pass(score <= numberOf(data.threshold, -5));
  result.warnings.push(
    `Reputation score ${score} (from the persona), threshold ${numberOf(data.threshold, -5)}.`,
  );

  return result;
}

// authentik/policies/event_matcher/models.py: only passes for an event in the context, which
// notification rules provide and flows do not.
function eventMatcher(data: JsonMap, context: JsonMap): BuiltinResult {
  const event = context.event;
  if (!isMap(event)) {
    return pass(false);
  }

  const checks: [string, JsonValue | undefined][] = [
    ['action', event.action],
    ['app', event.app],
    ['client_ip', event.client_ip],
  ];
  const matches = checks.every(([field, actual]) => {
    const wanted = data[field];
    return wanted === undefined || wanted === null || wanted === '' || wanted === actual;
  });

  return pass(matches);
}

// authentik/policies/expiry/models.py. AnonymousUser has no password_change_date, so the
// attribute error is a crash rather than a PolicyException.
function passwordExpiry(data: JsonMap, input: PolicyRunInput): BuiltinResult {
  if (input.user === null) {
    throw new PolicyRaise(
      "'AnonymousUser' object has no attribute 'password_change_date'",
      false,
      'AttributeError',
    );
  }

  const changed = input.user.map.password_change_date;
  const changedAt = typeof changed === 'string' ? Date.parse(changed) : Date.now();
  const days = numberOf(data.days, 0);
  const actualDays = Math.floor((Date.now() - changedAt) / 86_400_000);
  if (actualDays < days) {
    return pass(true);
  }

  if (data.deny_only === true) {
    return pass(false, 'Password has expired.');
  }

  const result = pass(
    false,
    `Password expired ${actualDays - days} days ago. Please update your password.`,
  );
  result.warnings.push("On the server this also makes the user's password unusable.");

  return result;
}

// authentik/policies/geoip/models.py: passes when any configured check passes. Missing GeoIP or
// ASN data raises a PolicyException, so the binding's failure_result applies.
function geoip(data: JsonMap, context: JsonMap): BuiltinResult {
  const results: BuiltinResult[] = [];
  const warnings: string[] = [];

  const asns = Array.isArray(data.asns) ? data.asns : [];
  if (asns.length > 0) {
    const asnData = context.asn;
    const asn = isMap(asnData) ? asnData.asn : null;
    if (asn === null || asn === undefined || asn === 0) {
      throw new PolicyRaise(
        'GeoIP: client IP not found in ASN database.',
        true,
        'GeoIPNotFoundException',
      );
    }
    results.push(
      asns.includes(asn)
        ? pass(true)
        : pass(false, 'Client IP is not part of an allowed autonomous system.'),
    );
  }

  const countries = Array.isArray(data.countries) ? data.countries : [];
  if (countries.length > 0) {
    const geo = context.geoip;
    const country = isMap(geo) ? geo.country : null;
    if (country === null || country === undefined || country === '') {
      throw new PolicyRaise(
        'GeoIP: client IP address not found in City database.',
        true,
        'GeoIPNotFoundException',
      );
    }
    results.push(
      countries.includes(country)
        ? pass(true)
        : pass(false, 'Client IP is not in an allowed country.'),
    );
  }

  if (data.check_history === true) {
    warnings.push('The login-history distance check needs past login events and was skipped.');
  }

  if (results.length === 0) {
    return { ...pass(true), warnings };
  }

  return {
    passing: results.some((result) => result.passing),
    messages: results.flatMap((result) => result.messages),
    raised: false,
    warnings,
  };
}

// authentik/enterprise/policies/unique_password/models.py: the new password must not match one
// of the last `num_historical_passwords` passwords. The persona's current password replaces the
// history that the server records on password changes.
function uniquePassword(state: RunState, data: JsonMap, input: PolicyRunInput): BuiltinResult {
  const value = passwordFrom(input.context, textOf(data.password_field, 'password'));
  if (value === undefined) {
    return pass(false, 'Password not set in context');
  }

  if (numberOf(data.num_historical_passwords, 1) < 1) {
    return pass(true);
  }

  const stored = state.directory.userByPk(input.user?.pk ?? null)?.passwordHash;
  const result =
    stored !== undefined && verifyPassword(value, stored)
      ? pass(false, 'This password has been used previously. Please choose a different one.')
      : pass(true);
  result.warnings.push("Password history is approximated by the persona's current password.");

  return result;
}
