-- Platform core: organisations, units, users, roles, sessions, throttles, jobs, audit trail.

CREATE TABLE organisation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    org_number TEXT NOT NULL,
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    reporting_role TEXT NOT NULL DEFAULT 'head_of_operations',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT organisation_org_number_key UNIQUE (org_number)
);

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_enabled_at TEXT,
    locale TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT app_user_email_key UNIQUE (email),
    CONSTRAINT app_user_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id)
);
CREATE INDEX app_user_organisation_name_idx ON app_user (organisation_id, display_name);

CREATE TABLE org_unit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    parent_id INTEGER,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    manager_id INTEGER,
    description TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT org_unit_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT org_unit_parent_fkey FOREIGN KEY (parent_id) REFERENCES org_unit (id),
    CONSTRAINT org_unit_manager_fkey FOREIGN KEY (manager_id) REFERENCES app_user (id)
);
CREATE INDEX org_unit_organisation_parent_idx ON org_unit (organisation_id, parent_id);

CREATE TABLE role_assignment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    role TEXT NOT NULL,
    unit_id INTEGER,
    created_at TEXT NOT NULL,
    CONSTRAINT role_assignment_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (id),
    CONSTRAINT role_assignment_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id)
);
CREATE INDEX role_assignment_user_idx ON role_assignment (user_id);
CREATE INDEX role_assignment_organisation_role_idx ON role_assignment (organisation_id, role);

CREATE TABLE data_controller (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    org_number TEXT NOT NULL DEFAULT '',
    unit_id INTEGER,
    description TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT data_controller_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT data_controller_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id)
);
CREATE INDEX data_controller_organisation_idx ON data_controller (organisation_id);

CREATE TABLE api_token (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT,
    CONSTRAINT api_token_token_hash_key UNIQUE (token_hash),
    CONSTRAINT api_token_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (id)
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

CREATE TABLE web_session (
    id_hash TEXT NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL,
    csrf_token TEXT NOT NULL,
    second_factor_pending BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    CONSTRAINT web_session_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (id)
);
CREATE INDEX web_session_expires_idx ON web_session (expires_at);

CREATE TABLE login_attempt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX login_attempt_subject_idx ON login_attempt (scope, subject, attempted_at);

CREATE TABLE job (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    run_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_error TEXT,
    finished_at TEXT,
    created_at TEXT NOT NULL,
    CONSTRAINT job_kind_dedupe_key_key UNIQUE (kind, dedupe_key)
);
CREATE INDEX job_run_at_idx ON job (run_at);

CREATE TABLE audit_event (
    seq INTEGER NOT NULL PRIMARY KEY,
    organisation_id INTEGER,
    occurred_at TEXT NOT NULL,
    actor_id INTEGER,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    leaf_hash BLOB NOT NULL,
    chain_hash BLOB NOT NULL
);
CREATE INDEX audit_event_organisation_seq_idx ON audit_event (organisation_id, seq);

CREATE TABLE audit_head (
    id INTEGER NOT NULL PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    last_chain_hash BLOB NOT NULL,
    CONSTRAINT audit_head_single_row CHECK (id = 1)
);
INSERT INTO audit_head (id, last_seq, last_chain_hash) VALUES (1, 0, zeroblob(32));

CREATE TABLE audit_checkpoint (
    tree_size INTEGER NOT NULL PRIMARY KEY,
    root_hash BLOB NOT NULL,
    issued_at TEXT NOT NULL,
    signature BLOB NOT NULL,
    key_id TEXT NOT NULL
);

CREATE TABLE audit_tree_state (
    id INTEGER NOT NULL PRIMARY KEY,
    tree_size INTEGER NOT NULL,
    frontier BLOB NOT NULL,
    CONSTRAINT audit_tree_state_single_row CHECK (id = 1)
);

CREATE TRIGGER audit_event_refuse_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
CREATE TRIGGER audit_event_refuse_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
CREATE TRIGGER audit_checkpoint_refuse_update BEFORE UPDATE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoint is append-only');
END;
CREATE TRIGGER audit_checkpoint_refuse_delete BEFORE DELETE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoint is append-only');
END;
