/**
 * The input values the simulated user sends to stages. They come from `--input key=value`, then
 * the persona's stored inputs, then defaults derived from the persona (its username, its captcha
 * result, ...). A key may repeat: each value is used once, in order, so a second value replies
 * to a retry.
 */
import { MASK, isSecretKey } from '../../shared/simulator/mask.js';
import type { InputUse } from '../../shared/simulator/trace.js';

/** Well-known input keys of the built-in stages. Prompt fields use their `field_key`. */
export const INPUT_KEYS = {
  username: 'username',
  password: 'password',
  captcha: 'captcha',
  consent: 'consent',
  device: 'device',
  mfa: 'mfa',
  emailLink: 'email_link',
  rememberMe: 'remember_me',
  configureStage: 'configure_stage',
} as const;

/** Returns the input key that decides a stage the simulator does not implement. */
export function stageInputKey(stageName: string): string {
  return `stage:${stageName}`;
}

/** An input value taken from the queues, with where it came from. */
export interface TakenInput {
  value: string;
  use: InputUse;
}

/** The queues of answers of one run. */
export class RunInputs {
  private readonly explicit: Map<string, string[]>;
  private readonly persona: Map<string, string[]>;
  private readonly defaults: Map<string, string[]>;
  // Every value taken so far by key, in order and unmasked, so a resumed run can be repeated
  // from the start with the same inputs.
  private readonly taken = new Map<string, string[]>();

  constructor(
    explicit: Record<string, readonly string[]> = {},
    persona: Record<string, string | readonly string[]> = {},
    defaults: Record<string, string | undefined> = {},
  ) {
    this.explicit = new Map(Object.entries(explicit).map(([key, values]) => [key, [...values]]));
    this.persona = new Map(
      Object.entries(persona).map(([key, values]) => [
        key,
        typeof values === 'string' ? [values] : [...values],
      ]),
    );
    this.defaults = new Map(
      Object.entries(defaults)
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([key, value]) => [key, [value]]),
    );
  }

  /** Tells whether an answer for `key` is still available. */
  has(key: string): boolean {
    return (this.queueFor(key)?.queue.length ?? 0) > 0;
  }

  /** Takes the next answer for `key`, or undefined when none is left. */
  take(key: string): TakenInput | undefined {
    const found = this.queueFor(key);
    const value = found?.queue.shift();
    if (found === undefined || value === undefined) {
      return undefined;
    }
    this.taken.set(key, [...(this.taken.get(key) ?? []), value]);

    return { value, use: { key, value: isSecretKey(key) ? MASK : value, source: found.source } };
  }

  /** Returns an independent copy, with the same remaining and taken values. */
  clone(): RunInputs {
    const copy = new RunInputs();
    for (const [target, source] of [
      [copy.explicit, this.explicit],
      [copy.persona, this.persona],
      [copy.defaults, this.defaults],
      [copy.taken, this.taken],
    ] as const) {
      for (const [key, values] of source) {
        target.set(key, [...values]);
      }
    }

    return copy;
  }

  /**
   * Makes `values` the only remaining values for `key`. The key then counts as given
   * explicitly, so the persona's values and the defaults no longer apply to it.
   */
  replaceRemaining(key: string, values: readonly string[]): void {
    this.explicit.set(key, [...values]);
  }

  /** Drops the remaining explicit answers of every key; the keys stay explicit. */
  dropRemainingExplicit(): void {
    for (const key of this.explicit.keys()) {
      this.explicit.set(key, []);
    }
  }

  /** Returns the values taken so far for `key`, in order and unmasked. */
  takenValues(key: string): string[] {
    return [...(this.taken.get(key) ?? [])];
  }

  /**
   * Returns explicit inputs that reproduce this run from its start: for each explicit key, the
   * values taken so far (from any source) followed by the remaining ones. Values are unmasked.
   */
  explicitInputs(): Record<string, string[]> {
    const inputs: Record<string, string[]> = {};
    for (const [key, remaining] of this.explicit) {
      inputs[key] = [...(this.taken.get(key) ?? []), ...remaining];
    }

    return inputs;
  }

  /** Returns the keys given with `--input` that no stage has used yet. */
  unusedExplicitKeys(): string[] {
    return [...this.explicit].filter(([, values]) => values.length > 0).map(([key]) => key);
  }

  // Explicit answers replace the persona's and the defaults for the same key, even when used up,
  // so that a run stops for input instead of falling back to a different answer.
  private queueFor(key: string): { queue: string[]; source: InputUse['source'] } | undefined {
    const explicit = this.explicit.get(key);
    if (explicit !== undefined) {
      return { queue: explicit, source: 'input' };
    }

    const persona = this.persona.get(key);
    if (persona !== undefined) {
      return { queue: persona, source: 'persona' };
    }

    const fallback = this.defaults.get(key);
    return fallback === undefined ? undefined : { queue: fallback, source: 'default' };
  }
}
