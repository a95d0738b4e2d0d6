/**
 * Salted password hashes for simulated users. Personas store only these; the plain password
 * exists in memory for one run (from `--password` or an input) and is never written.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// scrypt cost parameters (N, r, p). N = 2^14 keeps a check near 20 ms, which is slow enough for
// stored test credentials and fast enough for a simulated login.
const COST = 16384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;

/** Hashes a password with a random salt: `scrypt$N$r$p$<salt base64>$<hash base64>`. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, {
    N: COST,
    r: BLOCK_SIZE,
    p: PARALLELISM,
  });

  return [
    'scrypt',
    COST,
    BLOCK_SIZE,
    PARALLELISM,
    salt.toString('base64'),
    hash.toString('base64'),
  ].join('$');
}

// Results of recent checks, keyed by a SHA-256 of hash and password, so that repeated runs of
// the same persona do not pay for scrypt again. The plain password is not kept.
const recentChecks = new Map<string, boolean>();
const RECENT_CHECKS_LIMIT = 256;

/** Tells whether `password` matches a hash made by {@link hashPassword}; false for other formats. */
export function verifyPassword(password: string, stored: string): boolean {
  const memoKey = createHash('sha256').update(stored).update('\0').update(password).digest('hex');
  const known = recentChecks.get(memoKey);
  if (known !== undefined) {
    return known;
  }

  const result = checkScrypt(password, stored);
  if (recentChecks.size >= RECENT_CHECKS_LIMIT) {
    recentChecks.clear();
  }
  recentChecks.set(memoKey, result);

  return result;
}

function checkScrypt(password: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    return false;
  }

  const [, cost, blockSize, parallelism, saltText, hashText] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const expected = Buffer.from(hashText, 'base64');
  const actual = scryptSync(password, Buffer.from(saltText, 'base64'), expected.length, {
    N: Number(cost),
    r: Number(blockSize),
    p: Number(parallelism),
  });

  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
