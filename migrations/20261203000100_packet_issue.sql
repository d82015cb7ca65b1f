-- A packet is a draft until the vCIO issues it (hands it to the client); "since the last packet" means since the
-- last issued one. Issuing does not re-render: the PDF and its sha256 stay as they were reviewed.
-- content_sha256 is the hash of what the packet shows (its view model), so that a packet run can tell whether a
-- client's data changed since its packet; snapshot holds the few figures needed to say later what changed
-- (forecast per period, the assets, initiatives and decisions shown). Packets made before this have neither.
ALTER TABLE packets
  ADD COLUMN status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
  ADD COLUMN issued_at timestamptz,
  -- The principal's actor that issued it, e.g. {"kind":"api_key","keyId":"…"} or {"kind":"system","name":"cli"}.
  ADD COLUMN issued_by jsonb,
  ADD COLUMN content_sha256 text CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
  ADD COLUMN snapshot jsonb,
  ADD CONSTRAINT packets_issued_check CHECK ((status = 'issued') = (issued_at IS NOT NULL AND issued_by IS NOT NULL));
CREATE INDEX packets_client_issued_idx ON packets (client_id, issued_at DESC, id DESC) WHERE status = 'issued';

-- Whether a run's client got a packet rendered for it or reused one whose content is what it would show now.
ALTER TABLE packet_run_clients
  ADD COLUMN outcome text CHECK (outcome IN ('rendered', 'reused')),
  ADD CONSTRAINT packet_run_clients_outcome_when_done_check CHECK (outcome IS NULL OR status = 'done');
