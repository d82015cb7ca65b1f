import type { Generated } from 'kysely';
import type { DateColumn, Timestamp } from '../db/schema.js';

/**
 * The row types of migrations/20261122120000_packet_runs.sql. They belong in src/db/schema.ts (with their column
 * lists in `schemaColumns`); until they move there, repositories reach the tables through `withPacketRunTables`.
 */
export type PacketRunStatus = 'queued' | 'running' | 'done' | 'failed';
export type PacketRunClientStatus = 'queued' | 'rendering' | 'done' | 'failed';

// Type aliases rather than interfaces: Kysely's withTables wants types that are indexable by column name.
export type PacketRunTable = {
  id: Generated<string>;
  msp_id: string;
  as_of: DateColumn;
  period_label: string | null;
  scenario: 'committed' | 'proposed';
  periods: number;
  status: Generated<PacketRunStatus>;
  total: number;
  created_at: Generated<Date>;
  finished_at: Date | null;
};

export type PacketRunClientTable = {
  run_id: string;
  msp_id: string;
  client_id: string;
  period_label: string;
  packet_key: string;
  status: Generated<PacketRunClientStatus>;
  packet_id: string | null;
  attempts: Generated<number>;
  error: string | null;
  updated_at: Timestamp;
};

export type PacketRunTables = {
  packet_runs: PacketRunTable;
  packet_run_clients: PacketRunClientTable;
};

/** The column lists for `schemaColumns`, in table order. */
export const packetRunSchemaColumns = {
  packet_runs: [
    'id',
    'msp_id',
    'as_of',
    'period_label',
    'scenario',
    'periods',
    'status',
    'total',
    'created_at',
    'finished_at',
  ],
  packet_run_clients: [
    'run_id',
    'msp_id',
    'client_id',
    'period_label',
    'packet_key',
    'status',
    'packet_id',
    'attempts',
    'error',
    'updated_at',
  ],
} as const satisfies { [Table in keyof PacketRunTables]: readonly (keyof PacketRunTables[Table])[] };
