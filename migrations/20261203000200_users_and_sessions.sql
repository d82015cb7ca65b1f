-- People at an MSP who sign in to the web console. An email address names one person across the whole service
-- (unique over every MSP, stored lower-cased), so the sign-in form asks for an email and a password only and never
-- for the MSP. The password hash is argon2id in its PHC string form; it is null until the person sets a password
-- through a one-time link (or when a later sign-in kind, such as Entra ID, needs none).
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL REFERENCES msps (id) ON DELETE CASCADE,
  email text NOT NULL CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 254),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'vcio', 'viewer')),
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (email),
  UNIQUE (msp_id, id)
);

-- Server-side sessions: the cookie holds a random token, the database only its SHA-256. A session ends at the first
-- of its idle expiry (pushed forward as it is used), its absolute expiry, or its revocation.
CREATE TABLE user_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL,
  user_id uuid NOT NULL,
  token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  idle_expires_at timestamptz NOT NULL,
  absolute_expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  user_agent text CHECK (char_length(user_agent) <= 500),
  ip_address text CHECK (char_length(ip_address) <= 64),
  FOREIGN KEY (msp_id, user_id) REFERENCES users (msp_id, id) ON DELETE CASCADE
);
CREATE INDEX user_sessions_user_idx ON user_sessions (msp_id, user_id, created_at);

-- One-time links to set a password (a new user's first, or a reset). Stored hashed; used once; they expire.
CREATE TABLE password_set_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL,
  user_id uuid NOT NULL,
  token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  purpose text NOT NULL CHECK (purpose IN ('invite', 'reset')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  FOREIGN KEY (msp_id, user_id) REFERENCES users (msp_id, id) ON DELETE CASCADE
);
CREATE INDEX password_set_tokens_user_idx ON password_set_tokens (msp_id, user_id);
