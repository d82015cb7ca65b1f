/** The packet-run tables; their row types live with the rest of the schema in src/db/schema.ts. */
export type {
  PacketRunClientOutcome,
  PacketRunClientStatus,
  PacketRunClientTable,
  PacketRunStatus,
  PacketRunTable,
} from '../db/schema.js';
import type { PacketRunClientTable, PacketRunTable } from '../db/schema.js';

export type PacketRunTables = {
  packet_runs: PacketRunTable;
  packet_run_clients: PacketRunClientTable;
};
