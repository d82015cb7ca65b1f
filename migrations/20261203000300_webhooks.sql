-- Webhooks: an MSP's subscriptions, the events recorded for them (an outbox written in the transaction that made
-- the change) and the log of every delivery attempt.
--
-- The signing secret must be readable by the server (it signs every delivery), so it cannot be stored as a hash:
-- it is sealed with AES-256-GCM under a key from the configuration, bound to the subscription's id.
CREATE TABLE webhook_subscriptions (
  id uuid PRIMARY KEY,
  msp_id uuid NOT NULL REFERENCES msps (id) ON DELETE CASCADE,
  url text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2000),
  events text[] NOT NULL CHECK (cardinality(events) >= 1),
  description text CHECK (description IS NULL OR char_length(description) BETWEEN 1 AND 500),
  active boolean NOT NULL DEFAULT true,
  secret_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (msp_id, id)
);
CREATE INDEX webhook_subscriptions_msp_idx ON webhook_subscriptions (msp_id, id);

-- One row per event, written in the caller's transaction. `body` is the exact JSON delivered (signatures are over
-- its bytes); `subscription_id` limits a test event to the one subscription it was sent to. An event is dispatched
-- (one queue job per subscription) once, after commit or by the worker's sweep.
CREATE TABLE webhook_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL REFERENCES msps (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 100),
  body text NOT NULL,
  subscription_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX webhook_events_waiting_idx ON webhook_events (created_at) WHERE dispatched_at IS NULL;

CREATE TABLE webhook_delivery_attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL,
  subscription_id uuid NOT NULL,
  event_id uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  event_type text NOT NULL,
  attempt integer NOT NULL CHECK (attempt >= 1),
  outcome text NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
  status_code integer,
  error text,
  duration_ms integer NOT NULL CHECK (duration_ms >= 0),
  attempted_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (msp_id, subscription_id) REFERENCES webhook_subscriptions (msp_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_delivery_attempts_log_idx
  ON webhook_delivery_attempts (msp_id, subscription_id, attempted_at DESC, id DESC);
CREATE INDEX webhook_delivery_attempts_event_idx ON webhook_delivery_attempts (event_id);
