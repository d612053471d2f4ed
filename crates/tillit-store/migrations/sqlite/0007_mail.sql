-- E-mail waiting to be sent. Each mail is composed once (dedupe_key), claimed by one
-- server process at a time (locked_until), marked when sent, and retried after a
-- failure from next_attempt_at.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    recipient_user_id INTEGER,
    recipient_name TEXT NOT NULL DEFAULT '',
    recipient_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    locked_until TEXT,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    CONSTRAINT mail_outbox_dedupe_key_key UNIQUE (dedupe_key),
    CONSTRAINT mail_outbox_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT mail_outbox_recipient_user_fkey FOREIGN KEY (recipient_user_id) REFERENCES app_user (id)
);
CREATE INDEX mail_outbox_unsent_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at);
