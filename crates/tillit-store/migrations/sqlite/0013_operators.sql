-- Operators: the people who run a deployment for many organisations. Their accounts,
-- sessions and API tokens are kept apart from the organisations' users, so no query of
-- an organisation ever meets an operator and no operator credential opens an
-- organisation's content. An organisation can be suspended by an operator; an account
-- given a one-time password by an operator must choose its own at the next sign-in.

CREATE TABLE operator (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_enabled_at TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT operator_email_key UNIQUE (email)
);

CREATE TABLE operator_session (
    id_hash TEXT NOT NULL PRIMARY KEY,
    operator_id INTEGER NOT NULL,
    csrf_token TEXT NOT NULL,
    second_factor_pending BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    CONSTRAINT operator_session_operator_fkey FOREIGN KEY (operator_id) REFERENCES operator (id)
);
CREATE INDEX operator_session_expires_idx ON operator_session (expires_at);

CREATE TABLE operator_api_token (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operator_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    CONSTRAINT operator_api_token_token_hash_key UNIQUE (token_hash),
    CONSTRAINT operator_api_token_operator_fkey FOREIGN KEY (operator_id) REFERENCES operator (id)
);

ALTER TABLE organisation ADD COLUMN suspended_at TEXT;
ALTER TABLE app_user ADD COLUMN password_change_required BOOLEAN NOT NULL DEFAULT FALSE;
