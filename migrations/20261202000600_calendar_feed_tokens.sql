-- Calendar apps cannot send headers, so a calendar feed is fetched with a token in its URL. These tokens read one
-- client's calendar and nothing else (an API key in a URL would open the whole API to whoever sees the URL), are
-- shown once and stored only as a SHA-256 hash, and are revoked by deleting them.
CREATE TABLE calendar_feed_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL REFERENCES msps (id) ON DELETE CASCADE,
  client_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  token_prefix text NOT NULL CHECK (char_length(token_prefix) BETWEEN 4 AND 32),
  token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE
);
CREATE INDEX calendar_feed_tokens_client_idx ON calendar_feed_tokens (msp_id, client_id, id);
CREATE INDEX calendar_feed_tokens_prefix_idx ON calendar_feed_tokens (token_prefix);
