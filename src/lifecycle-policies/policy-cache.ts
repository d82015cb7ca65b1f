import type { PoliciesInEffect } from './lifecycle-policy.repository.js';
import { perDatabase } from '../db/per-database.js';

/** How long one process trusts the policies it read; another process's change shows within this time. */
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * The lifecycle policies in effect per client, remembered for a few seconds so that reading assets does not cost
 * a policy query on every request (the same bargain as the API key cache). A change made through this process
 * forgets the affected entries at once; other processes see it within TTL_MS.
 */
export class PolicyCache {
  private readonly entries = new Map<string, { policies: PoliciesInEffect; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(mspId: string, clientId: string): PoliciesInEffect | undefined {
    const key = `${mspId}/${clientId}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.policies;
    this.entries.delete(key);
    return undefined;
  }

  set(mspId: string, clientId: string, policies: PoliciesInEffect): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(`${mspId}/${clientId}`, { policies, expiresAt: this.now() + TTL_MS });
  }

  /** Forgets one client's entry, or every client of the MSP when an MSP-level policy changed. */
  forget(mspId: string, clientId: string | null): void {
    if (clientId !== null) {
      this.entries.delete(`${mspId}/${clientId}`);
      return;
    }
    for (const key of this.entries.keys()) if (key.startsWith(`${mspId}/`)) this.entries.delete(key);
  }
}

/** The cache that belongs to one database (each app and each test database has its own). */
export const policyCacheOf = perDatabase(() => new PolicyCache());
