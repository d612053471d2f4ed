-- Runs of register imports: the process running an import writes its state and
-- progress here, so every server process shows it (ADR 0010). A run is finished once,
-- as done or failed; a refused file keeps every problem found in `errors` (JSON).
CREATE TABLE import_run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    total_rows INTEGER NOT NULL DEFAULT 0,
    rows_done INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    error_count INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    failure TEXT,
    started_by INTEGER,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT,
    CONSTRAINT import_run_kind_check CHECK (kind IN ('systems', 'assets')),
    CONSTRAINT import_run_state_check CHECK (state IN ('validating', 'importing', 'done', 'failed')),
    CONSTRAINT import_run_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT import_run_started_by_fkey FOREIGN KEY (started_by) REFERENCES app_user (id)
);
CREATE INDEX import_run_started_by_idx ON import_run (organisation_id, started_by, id);
