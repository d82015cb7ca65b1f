/** What a caller may do, from least to most: read, write (a client's plans), admin (the MSP's administration). */
export type Scope = 'admin' | 'write' | 'read';

const rank: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** Whether a caller granted `granted` may do what needs `needed`. */
export function scopeCovers(granted: Scope, needed: Scope): boolean {
  return rank[granted] >= rank[needed];
}
