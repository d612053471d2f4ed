-- Maturity self-assessments and the annual cycle.
--
-- An assessment belongs to the organisation or to one administration (a top-level
-- unit). Its answers are kept as one JSON object (question id -> met, note) because the
-- question set is content that may grow; the level reached is stored when it is
-- completed, so reports read it without scoring again.
CREATE TABLE maturity_assessment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    unit_id INTEGER,
    title TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    status TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '{}',
    level INTEGER NOT NULL DEFAULT 0,
    completed_at TEXT,
    completed_by_label TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT maturity_assessment_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT maturity_assessment_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id),
    CONSTRAINT maturity_assessment_status_check CHECK (status IN ('draft', 'completed')),
    CONSTRAINT maturity_assessment_level_check CHECK (level BETWEEN 0 AND 4)
);
CREATE INDEX maturity_assessment_organisation_idx ON maturity_assessment (organisation_id, status, assessed_on);

-- The organisation's own recurring duties: access reviews, continuity exercises, …
CREATE TABLE calendar_duty (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    recurrence TEXT NOT NULL,
    next_due TEXT NOT NULL,
    owner_id INTEGER,
    unit_id INTEGER,
    reminder_days INTEGER NOT NULL DEFAULT 14,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT calendar_duty_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT calendar_duty_owner_fkey FOREIGN KEY (owner_id) REFERENCES app_user (id),
    CONSTRAINT calendar_duty_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id),
    CONSTRAINT calendar_duty_kind_check CHECK (kind IN ('access_review', 'continuity_exercise', 'other_duty')),
    CONSTRAINT calendar_duty_recurrence_check CHECK (recurrence IN ('yearly', 'half_yearly', 'quarterly', 'monthly'))
);
CREATE INDEX calendar_duty_organisation_due_idx ON calendar_duty (organisation_id, next_due);

-- Personal calendar feed tokens: a calendar client cannot send headers, so the token is
-- in the feed's URL. Only its hash is kept; a revoked token never works again.
CREATE TABLE calendar_feed_token (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    CONSTRAINT calendar_feed_token_hash_key UNIQUE (token_hash),
    CONSTRAINT calendar_feed_token_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT calendar_feed_token_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (id)
);
CREATE INDEX calendar_feed_token_user_idx ON calendar_feed_token (user_id);
