/**
 * Behaviour of authentik that changed between releases, as named rules. The simulator picks the
 * variant for the simulated version and the trace names the rule it used, so a result can be
 * checked against the release it claims to reproduce.
 */
import type { RuleUse } from './trace.js';

/** An authentik release as year, month and patch. */
export interface AuthentikVersion {
  year: number;
  month: number;
  /** Patch level; a version written without one (`2025.12`) means the newest patch. */
  patch: number;
}

/** The release the simulator reproduces by default. */
export const DEFAULT_AUTHENTIK_VERSION = '2025.12';

// A version without a patch level compares above every written patch of its release.
const NEWEST_PATCH = Number.MAX_SAFE_INTEGER;

/**
 * Parses `2025.12`, `2025.12.4` or `version/2025.12.4`. Returns undefined for anything else, so
 * the caller can name the value in its error.
 */
export function parseAuthentikVersion(text: string): AuthentikVersion | undefined {
  const match = /^(?:version\/)?(\d{4})\.(\d{1,2})(?:\.(\d+))?$/.exec(text.trim());
  if (match === null) {
    return undefined;
  }

  return {
    year: Number(match[1]),
    month: Number(match[2]),
    patch: match[3] === undefined ? NEWEST_PATCH : Number(match[3]),
  };
}

/** Compares two versions: negative when `a` is older, 0 when equal, positive when newer. */
export function compareVersions(a: AuthentikVersion, b: AuthentikVersion): number {
  return a.year - b.year || a.month - b.month || a.patch - b.patch;
}

/** One variant of a rule: applies from `since` (inclusive) until the next variant. */
interface RuleVariant {
  /** Oldest version the variant applies to; undefined for "every older release". */
  since?: string;
  /** Short id suffix, e.g. `2025.12.5`. */
  tag: string;
  summary: string;
}

interface RuleDefinition {
  id: string;
  /** Variants, oldest first. */
  variants: RuleVariant[];
}

/** Rules whose behaviour depends on the authentik version. */
export const RULES = {
  /** Group and user bindings combined under engine mode `all` (authentik/policies/engine.py). */
  staticBindingsAll: {
    id: 'static-bindings-all',
    variants: [
      {
        tag: 'before-2025.12.5',
        summary:
          'Under engine mode "all", the group and user bindings pass together when any one of ' +
          'them matches.',
      },
      {
        since: '2025.12.5',
        tag: '2025.12.5',
        summary: 'Under engine mode "all", every group and user binding must match.',
      },
    ],
  },
  /**
   * When the password stage gives up (authentik/stages/password/stage.py). The fix that changed
   * `>` into `>=` was merged in September 2023; 2023.10 as its first release is an estimate from
   * the release calendar.
   */
  passwordAttempts: {
    id: 'password-attempts',
    variants: [
      {
        tag: 'before-2023.10',
        summary:
          'The password stage denies after more wrong passwords than failed_attempts_before_cancel.',
      },
      {
        since: '2023.10',
        tag: '2023.10',
        summary:
          'The password stage denies on the wrong password that brings the session counter to ' +
          'failed_attempts_before_cancel.',
      },
    ],
  },
  /**
   * The user properties authentik's Discord source derives from `users/@me`
   * (authentik/sources/oauth/types/discord.py). The newer variant came with the `discord_guild_id`
   * field, whose migration was generated on 2026-05-25; 2026.5 as its first release is an
   * estimate from that date.
   */
  discordUserProperties: {
    id: 'discord-user-properties',
    variants: [
      {
        tag: 'before-2026.5',
        summary:
          'The Discord source sets username and name to the Discord username and email to the ' +
          'email, or None without the email scope.',
      },
      {
        since: '2026.5',
        tag: '2026.5',
        summary:
          'The Discord source sets name to global_name (a null global_name leaves the user ' +
          'without a name), attributes.discord_avatar to the avatar URL, and the roles of ' +
          'discord_guild_id as groups when the token scope contains guilds.members.read.',
      },
    ],
  },
} as const satisfies Record<string, RuleDefinition>;

/** A rule of the table above. */
export type RuleName = keyof typeof RULES;

function variantFor(rule: RuleDefinition, version: AuthentikVersion): RuleVariant {
  let chosen = rule.variants[0] as RuleVariant;

  for (const variant of rule.variants) {
    const since = variant.since === undefined ? undefined : parseAuthentikVersion(variant.since);
    if (since === undefined || compareVersions(version, since) >= 0) {
      chosen = variant;
    }
  }

  return chosen;
}

function versionsOf(rule: RuleDefinition, variant: RuleVariant): string {
  const index = rule.variants.indexOf(variant);
  const next = rule.variants[index + 1];
  const from = variant.since ?? 'older';

  return next?.since === undefined ? `${from} and newer` : `${from} until before ${next.since}`;
}

/**
 * Returns the variant of a rule for a version: its id (`static-bindings-all@2025.12.5`), the
 * versions it covers and what it does.
 */
export function ruleFor(name: RuleName, version: AuthentikVersion): RuleUse & { tag: string } {
  const rule = RULES[name] as RuleDefinition;
  const variant = variantFor(rule, version);

  return {
    id: `${rule.id}@${variant.tag}`,
    tag: variant.tag,
    versions: versionsOf(rule, variant),
    summary: variant.summary,
  };
}
