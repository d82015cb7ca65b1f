-- Through what each decision was recorded (SPEC §2 Decision): the API (a key), the console (a signed-in user, for
-- example in present mode) or the client portal (a share link, with the signer's address and browser). The ids are
-- kept as evidence, not as foreign keys: decisions are append-only (an ON DELETE SET NULL would be an update), and
-- the trail must outlive a revoked key, a removed user or an expired link. `recorded_by` is the name of the user or
-- key as it was when the decision was recorded.
-- Decisions recorded before this change came through the API.
ALTER TABLE decisions
  ADD COLUMN via text NOT NULL DEFAULT 'api' CHECK (via IN ('api', 'console', 'portal')),
  ADD COLUMN recorded_by text CHECK (char_length(recorded_by) <= 200),
  ADD COLUMN user_id uuid,
  ADD COLUMN api_key_id uuid,
  ADD COLUMN share_link_id uuid,
  ADD COLUMN ip_address text CHECK (char_length(ip_address) <= 64),
  ADD COLUMN user_agent text CHECK (char_length(user_agent) <= 1000);
