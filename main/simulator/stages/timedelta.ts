/** authentik's timedelta strings (`hours=1;minutes=30`), from authentik/lib/utils/time.py. */

const UNIT_SECONDS: Record<string, number> = {
  microseconds: 1e-6,
  milliseconds: 1e-3,
  seconds: 1,
  minutes: 60,
  hours: 3600,
  days: 86_400,
  weeks: 604_800,
};

/** Returns the seconds of a timedelta string; unknown units and bad numbers count as 0. */
export function timedeltaSeconds(text: string): number {
  let total = 0;

  for (const part of text.split(';')) {
    const [unit, amount] = part.split('=').map((piece) => piece.trim());
    const factor = UNIT_SECONDS[unit ?? ''];
    const value = Number(amount);
    if (factor !== undefined && Number.isFinite(value)) {
      total += factor * value;
    }
  }

  return total;
}
