-- Up Migration
-- The whole schema of DESIGN §2–§3. Tenant tables carry location_id, and every primary key,
-- unique and exclusion constraint on them includes it, so that distributing them by location_id
-- on Citus is a configuration step. Foreign keys between tenant tables are composite on
-- (location_id, id): a row can never point at another shop's barber, service or client.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- ── accounts (global, not tenant data) ─────────────────────────────────────────────────────
CREATE TABLE users (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  password_hash    text NOT NULL,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  phone            text CHECK (length(phone) <= 32),
  is_admin         boolean NOT NULL DEFAULT false,
  email_verified_at timestamptz,
  mfa_secret       text,
  mfa_enabled_at   timestamptz,
  -- Highest TOTP time step accepted so far: a code is accepted at most once (RFC 6238 §5.2).
  mfa_last_step    bigint,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
-- Login and registration look users up by e-mail, case-insensitively.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

-- A session is a refresh-token family; an access token carries its id.
CREATE TABLE sessions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_agent  text,
  ip          text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id  uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  token_hash  bytea NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  -- Set when this token was exchanged for the next one; a second use revokes the family.
  rotated_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);

CREATE TABLE mfa_recovery_codes (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash  bytea NOT NULL,
  used_at    timestamptz,
  UNIQUE (user_id, code_hash)
);

-- Single-use, expiring tokens sent by e-mail (password reset, e-mail verification).
CREATE TABLE account_tokens (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose     text NOT NULL CHECK (purpose IN ('password_reset', 'email_verification')),
  token_hash  bytea NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

-- ── shops: the tenants ─────────────────────────────────────────────────────────────────────
CREATE TABLE locations (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  slug                   text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  timezone               text NOT NULL,
  currency               char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  slot_interval_minutes  integer NOT NULL DEFAULT 15 CHECK (slot_interval_minutes BETWEEN 5 AND 240),
  min_notice_minutes     integer NOT NULL DEFAULT 60 CHECK (min_notice_minutes BETWEEN 0 AND 10080),
  max_advance_days       integer NOT NULL DEFAULT 60 CHECK (max_advance_days BETWEEN 1 AND 730),
  -- Minutes a pending (deposit due) booking waits for payment before it lapses.
  payment_window_minutes integer NOT NULL DEFAULT 30 CHECK (payment_window_minutes BETWEEN 5 AND 1440),
  annual_income_target_cents bigint NOT NULL DEFAULT 10000000 CHECK (annual_income_target_cents > 0),
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  location_id  uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role         text NOT NULL CHECK (role IN ('owner', 'manager', 'barber', 'receptionist')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (location_id, user_id)
);
-- The caller's memberships are read on every tenant-scoped request.
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

CREATE TABLE barbers (
  location_id      uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id          uuid REFERENCES users (id) ON DELETE SET NULL,
  display_name     text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  bio              text CHECK (length(bio) <= 2000),
  commission_rate  numeric(5, 4) NOT NULL DEFAULT 0.3000 CHECK (commission_rate BETWEEN 0 AND 1),
  is_active        boolean NOT NULL DEFAULT true,
  stripe_account_id text,
  stripe_payouts_enabled boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (location_id, id),
  UNIQUE (location_id, user_id)
);
CREATE INDEX barbers_id_idx ON barbers (id);

CREATE TABLE services (
  location_id      uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description      text CHECK (length(description) <= 2000),
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 720),
  price_cents      integer NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000),
  currency         char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  buffer_minutes   integer NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240),
  deposit_cents    integer NOT NULL DEFAULT 0 CHECK (deposit_cents >= 0 AND deposit_cents <= price_cents),
  is_active        boolean NOT NULL DEFAULT true,
  bookable_online  boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (location_id, id)
);
CREATE INDEX services_id_idx ON services (id);

-- Which barbers offer which service, with optional per-barber price and duration.
CREATE TABLE barber_services (
  location_id      uuid NOT NULL,
  barber_id        uuid NOT NULL,
  service_id       uuid NOT NULL,
  price_cents      integer CHECK (price_cents BETWEEN 0 AND 100000000),
  duration_minutes integer CHECK (duration_minutes BETWEEN 5 AND 720),
  PRIMARY KEY (location_id, barber_id, service_id),
  FOREIGN KEY (location_id, barber_id) REFERENCES barbers (location_id, id) ON DELETE CASCADE,
  FOREIGN KEY (location_id, service_id) REFERENCES services (location_id, id) ON DELETE CASCADE
);

CREATE TABLE cancellation_policies (
  location_id   uuid PRIMARY KEY REFERENCES locations (id) ON DELETE CASCADE,
  -- Ordered tiers: [{min_hours_before, refund_percent, fee_cents}], the first whose threshold is met applies.
  tiers         jsonb NOT NULL,
  no_show_fee_cents integer NOT NULL DEFAULT 5000 CHECK (no_show_fee_cents >= 0),
  first_time_full_refund_min_hours integer DEFAULT 24 CHECK (first_time_full_refund_min_hours >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- ── scheduling ─────────────────────────────────────────────────────────────────────────────
-- Weekly windows in the location's wall clock, minutes from local midnight; gaps are breaks.
CREATE TABLE working_hours (
  location_id  uuid NOT NULL,
  barber_id    uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  weekday      smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute   smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  CHECK (start_minute < end_minute),
  PRIMARY KEY (location_id, id),
  FOREIGN KEY (location_id, barber_id) REFERENCES barbers (location_id, id) ON DELETE CASCADE
);
CREATE INDEX working_hours_barber_idx ON working_hours (location_id, barber_id, weekday);

CREATE TABLE time_off (
  location_id  uuid NOT NULL,
  barber_id    uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  start_time   timestamptz NOT NULL,
  end_time     timestamptz NOT NULL,
  reason       text CHECK (length(reason) <= 500),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (start_time < end_time),
  PRIMARY KEY (location_id, id),
  FOREIGN KEY (location_id, barber_id) REFERENCES barbers (location_id, id) ON DELETE CASCADE
);
CREATE INDEX time_off_barber_range_idx ON time_off USING gist (location_id, barber_id, tstzrange(start_time, end_time));

-- A date that replaces the weekly windows: closed (available = false) or open with its own windows.
CREATE TABLE special_days (
  location_id  uuid NOT NULL,
  barber_id    uuid NOT NULL,
  day          date NOT NULL,
  available    boolean NOT NULL,
  -- [{start_minute, end_minute}] when available.
  windows      jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (location_id, barber_id, day),
  FOREIGN KEY (location_id, barber_id) REFERENCES barbers (location_id, id) ON DELETE CASCADE
);

-- ── booking ────────────────────────────────────────────────────────────────────────────────
CREATE TABLE clients (
  location_id        uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id            uuid REFERENCES users (id) ON DELETE SET NULL,
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email              text CHECK (length(email) <= 254),
  phone              text CHECK (length(phone) <= 32),
  notes              text CHECK (length(notes) <= 5000),
  visits             integer NOT NULL DEFAULT 0,
  total_spent_cents  bigint NOT NULL DEFAULT 0,
  no_shows           integer NOT NULL DEFAULT 0,
  cancellations      integer NOT NULL DEFAULT 0,
  last_visit_at      timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (location_id, id),
  UNIQUE (location_id, user_id)
);
CREATE UNIQUE INDEX clients_location_email_key ON clients (location_id, lower(email)) WHERE user_id IS NULL AND email IS NOT NULL;
CREATE INDEX clients_id_idx ON clients (id);

-- Appointments and slot holds share one table so that one exclusion constraint covers both:
-- a hold is a row in status 'held' until it expires or becomes the appointment.
CREATE TABLE appointments (
  location_id        uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  barber_id          uuid NOT NULL,
  service_id         uuid NOT NULL,
  client_id          uuid,
  -- The account that booked (client or staff), null for a guest.
  booked_by_user_id  uuid REFERENCES users (id) ON DELETE SET NULL,
  status             text NOT NULL CHECK (status IN
                       ('held', 'pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show')),
  start_time         timestamptz NOT NULL,
  end_time           timestamptz NOT NULL,
  -- end_time + the service buffer: the chair is busy until then (clean-up time).
  busy_until         timestamptz NOT NULL,
  price_cents        integer NOT NULL CHECK (price_cents >= 0),
  deposit_cents      integer NOT NULL DEFAULT 0 CHECK (deposit_cents >= 0),
  currency           char(3) NOT NULL DEFAULT 'USD',
  notes              text CHECK (length(notes) <= 2000),
  confirmation_code  text,
  hold_expires_at    timestamptz,
  payment_due_by     timestamptz,
  cancelled_at       timestamptz,
  cancellation_reason text CHECK (length(cancellation_reason) <= 500),
  cancelled_by_user_id uuid,
  refund_cents       integer,
  cancellation_fee_cents integer,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (start_time < end_time AND end_time <= busy_until),
  CHECK ((status = 'held') = (hold_expires_at IS NOT NULL)),
  CHECK (status = 'held' OR client_id IS NOT NULL),
  PRIMARY KEY (location_id, id),
  UNIQUE (location_id, confirmation_code),
  FOREIGN KEY (location_id, barber_id) REFERENCES barbers (location_id, id),
  FOREIGN KEY (location_id, service_id) REFERENCES services (location_id, id),
  FOREIGN KEY (location_id, client_id) REFERENCES clients (location_id, id),
  -- The no-double-booking guarantee: no two live rows of one barber overlap, buffers included.
  CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
    location_id WITH =,
    barber_id WITH =,
    tstzrange(start_time, busy_until, '[)') WITH &&
  ) WHERE (status <> 'cancelled')
);
-- Calendars and listings: a barber's appointments by time on live statuses.
CREATE INDEX appointments_barber_time_idx ON appointments (location_id, barber_id, start_time) WHERE status <> 'cancelled';
CREATE INDEX appointments_location_time_idx ON appointments (location_id, start_time);
CREATE INDEX appointments_client_time_idx ON appointments (location_id, client_id, start_time);
CREATE INDEX appointments_booked_by_idx ON appointments (booked_by_user_id, start_time) WHERE booked_by_user_id IS NOT NULL;
CREATE INDEX appointments_id_idx ON appointments (id);
CREATE INDEX appointments_held_expiry_idx ON appointments (hold_expires_at) WHERE status = 'held';

-- A retry with the same key returns the first response and creates nothing.
CREATE TABLE idempotency_keys (
  -- The caller: a user id, or 'guest:' + the guest e-mail for public bookings.
  scope            text NOT NULL,
  key              text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash     bytea NOT NULL,
  response_status  integer,
  response_body    jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- ── payments ───────────────────────────────────────────────────────────────────────────────
CREATE TABLE gift_certificates (
  location_id     uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  code            text NOT NULL,
  initial_cents   integer NOT NULL CHECK (initial_cents > 0),
  balance_cents   integer NOT NULL CHECK (balance_cents >= 0),
  currency        char(3) NOT NULL DEFAULT 'USD',
  purchaser_email text,
  recipient_name  text,
  expires_at      timestamptz,
  created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (balance_cents <= initial_cents),
  PRIMARY KEY (location_id, id),
  UNIQUE (location_id, code)
);

CREATE TABLE payouts (
  location_id     uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  barber_id       uuid NOT NULL,
  period_start    date NOT NULL,
  period_end      date NOT NULL,
  amount_cents    integer NOT NULL CHECK (amount_cents >= 1000),
  currency        char(3) NOT NULL DEFAULT 'USD',
  status          text NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
  stripe_transfer_id text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (period_start <= period_end),
  PRIMARY KEY (location_id, id),
  FOREIGN KEY (location_id, barber_id) REFERENCES barbers (location_id, id)
);

CREATE TABLE payments (
  location_id     uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  appointment_id  uuid NOT NULL,
  barber_id       uuid NOT NULL,
  client_id       uuid,
  kind            text NOT NULL CHECK (kind IN ('deposit', 'full')),
  status          text NOT NULL CHECK (status IN
                    ('requires_payment', 'processing', 'succeeded', 'failed', 'canceled')),
  amount_cents    integer NOT NULL CHECK (amount_cents >= 0),
  currency        char(3) NOT NULL DEFAULT 'USD',
  gift_certificate_id uuid,
  gift_certificate_cents integer NOT NULL DEFAULT 0 CHECK (gift_certificate_cents >= 0),
  platform_fee_cents integer NOT NULL CHECK (platform_fee_cents >= 0),
  barber_share_cents integer NOT NULL CHECK (barber_share_cents >= 0),
  refunded_cents  integer NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
  stripe_payment_intent_id text,
  payout_id       uuid,
  completed_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (platform_fee_cents + barber_share_cents = amount_cents),
  CHECK (refunded_cents <= amount_cents),
  PRIMARY KEY (location_id, id),
  UNIQUE (location_id, stripe_payment_intent_id),
  FOREIGN KEY (location_id, appointment_id) REFERENCES appointments (location_id, id),
  FOREIGN KEY (location_id, barber_id) REFERENCES barbers (location_id, id),
  FOREIGN KEY (location_id, gift_certificate_id) REFERENCES gift_certificates (location_id, id),
  FOREIGN KEY (location_id, payout_id) REFERENCES payouts (location_id, id)
);
-- Webhooks find the payment by intent id.
CREATE INDEX payments_intent_idx ON payments (stripe_payment_intent_id);
-- Revenue analytics: completed payments by location and day.
CREATE INDEX payments_completed_idx ON payments (location_id, completed_at) INCLUDE (amount_cents, refunded_cents, barber_id)
  WHERE status = 'succeeded';
-- Payouts sum a barber's unpaid shares of a period.
CREATE INDEX payments_unpaid_share_idx ON payments (location_id, barber_id, completed_at)
  WHERE status = 'succeeded' AND payout_id IS NULL;
CREATE INDEX payments_appointment_idx ON payments (location_id, appointment_id);
CREATE INDEX payments_id_idx ON payments (id);

CREATE TABLE refunds (
  location_id     uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  payment_id      uuid NOT NULL,
  amount_cents    integer NOT NULL CHECK (amount_cents > 0),
  reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  stripe_refund_id text,
  created_by_user_id uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (location_id, id),
  FOREIGN KEY (location_id, payment_id) REFERENCES payments (location_id, id)
);
CREATE INDEX refunds_payment_idx ON refunds (location_id, payment_id);

-- Stripe event ids already processed: a redelivered webhook is acknowledged and ignored.
CREATE TABLE stripe_events (
  id            text PRIMARY KEY,
  type          text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz
);

-- ── notifications ──────────────────────────────────────────────────────────────────────────
CREATE TABLE notifications (
  location_id     uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  appointment_id  uuid NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('confirmation', 'reminder_24h', 'reminder_2h', 'cancellation', 'reschedule')),
  channel         text NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient       text NOT NULL,
  send_at         timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'sent', 'failed', 'cancelled')),
  attempts        integer NOT NULL DEFAULT 0,
  sent_at         timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (location_id, id),
  UNIQUE (location_id, appointment_id, kind, channel),
  FOREIGN KEY (location_id, appointment_id) REFERENCES appointments (location_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_due_idx ON notifications (send_at) WHERE status = 'scheduled';

-- Down Migration
DROP TABLE IF EXISTS notifications, stripe_events, refunds, payments, payouts, gift_certificates,
  idempotency_keys, appointments, clients, special_days, time_off, working_hours, cancellation_policies,
  barber_services, services, barbers, memberships, locations, account_tokens, mfa_recovery_codes,
  refresh_tokens, sessions, users CASCADE;
