-- Share links (SPEC §2 Share link, §4 Client portal): what a client's executive opens to read the plan and, with
-- scope view_and_decide, to approve, decline or defer proposed initiatives. The 256-bit token travels in the URL
-- (`/p/<token>`), is shown once and kept only as its SHA-256 hash. A link is revoked by stamping revoked_at rather
-- than deleting it: decisions made through it keep its id as evidence, and the console keeps showing who it was for.
CREATE TABLE share_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL REFERENCES msps (id) ON DELETE CASCADE,
  client_id uuid NOT NULL,
  recipient_name text NOT NULL CHECK (char_length(recipient_name) BETWEEN 1 AND 200),
  recipient_email text CHECK (char_length(recipient_email) BETWEEN 3 AND 320),
  scope text NOT NULL CHECK (scope IN ('view', 'view_and_decide')),
  expires_on date NOT NULL,
  token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text CHECK (char_length(created_by) <= 200),
  revoked_at timestamptz,
  last_opened_at timestamptz,
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE
);
CREATE INDEX share_links_client_idx ON share_links (msp_id, client_id, created_at, id);
