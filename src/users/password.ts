import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's second recommended set (19 MiB, 2 passes, 1 lane): about 20–40 ms here, slow enough to
 * make guessing costly, fast enough for a sign-in form. The PHC string records the parameters, so they can be
 * raised later without invalidating stored hashes.
 */
const parameters = {
  // Algorithm.Argon2id: the package's enum is a const enum, which this build cannot import.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, parameters);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

let decoy: Promise<string> | undefined;

/**
 * Spends the time of one verification when there is no hash to check (an unknown email, a user without a
 * password), so that the answer's timing does not tell which emails have accounts.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword('decoy password that no account has');
  await verifyPassword(await decoy, password);
  return false;
}
