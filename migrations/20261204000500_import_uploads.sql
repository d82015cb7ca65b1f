-- Files uploaded on the console's import page, kept between the dry run and the commit so the file is not sent
-- twice, in the database so that any app process can answer either step. Each belongs to the MSP and the console
-- session that uploaded it (another session, even of the same user, does not find it) and expires after an hour;
-- expired ones are deleted as new ones arrive. After the commit only its result is kept.
CREATE TABLE import_uploads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL,
  session_id uuid NOT NULL REFERENCES user_sessions (id) ON DELETE CASCADE,
  client_id uuid NOT NULL,
  file_name text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 300),
  content bytea NOT NULL CHECK (octet_length(content) <= 52428800),
  charset text CHECK (char_length(charset) <= 100),
  declared text CHECK (declared IN ('csv', 'json')),
  preset text NOT NULL CHECK (char_length(preset) <= 50),
  detected boolean NOT NULL,
  mapping jsonb,
  date_order text NOT NULL CHECK (date_order IN ('mdy', 'dmy')),
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE
);
CREATE INDEX import_uploads_session_idx ON import_uploads (session_id, created_at);
CREATE INDEX import_uploads_expiry_idx ON import_uploads (expires_at);
