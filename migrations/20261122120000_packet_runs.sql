-- Quarterly batches: a packet run renders one roadmap packet for each of an MSP's clients through the job queue.
-- A run's client waits for the packet of its "packet key" (client, as-of date, period label, scenario, periods);
-- one queued job per key renders it, and every run waiting on that key takes the same packet.

-- Lets a run's client refer to its packet through (msp_id, id), like every other reference between tenant rows.
ALTER TABLE packets ADD CONSTRAINT packets_msp_id_id_key UNIQUE (msp_id, id);

CREATE TABLE packet_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL REFERENCES msps (id) ON DELETE CASCADE,
  as_of date NOT NULL,
  -- NULL: each client's own fiscal quarter of as_of ("FY2027 Q2 roadmap review").
  period_label text CHECK (char_length(period_label) BETWEEN 1 AND 100),
  scenario text NOT NULL CHECK (scenario IN ('committed', 'proposed')),
  periods integer NOT NULL CHECK (periods BETWEEN 1 AND 40),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  total integer NOT NULL CHECK (total >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (msp_id, id),
  CHECK ((finished_at IS NULL) = (status IN ('queued', 'running')))
);
CREATE INDEX packet_runs_msp_order_idx ON packet_runs (msp_id, created_at DESC, id DESC);

CREATE TABLE packet_run_clients (
  run_id uuid NOT NULL,
  msp_id uuid NOT NULL,
  client_id uuid NOT NULL,
  -- The run's label, or the client's own default when the run has none: part of the packet key.
  period_label text NOT NULL CHECK (char_length(period_label) BETWEEN 1 AND 100),
  -- The packet key as one string, also the queue job's singleton key.
  packet_key text NOT NULL CHECK (char_length(packet_key) BETWEEN 1 AND 300),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'rendering', 'done', 'failed')),
  packet_id uuid,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  error text CHECK (char_length(error) <= 1000),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, client_id),
  FOREIGN KEY (msp_id, run_id) REFERENCES packet_runs (msp_id, id) ON DELETE CASCADE,
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE,
  FOREIGN KEY (msp_id, packet_id) REFERENCES packets (msp_id, id) ON DELETE SET NULL (packet_id)
);
CREATE INDEX packet_run_clients_waiting_idx ON packet_run_clients (packet_key) WHERE status IN ('queued', 'rendering');
CREATE INDEX packet_run_clients_client_idx ON packet_run_clients (client_id);
CREATE INDEX packet_run_clients_packet_idx ON packet_run_clients (packet_id) WHERE packet_id IS NOT NULL;
