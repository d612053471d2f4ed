-- Information classification (C08), the organisation's own requirements, the owners'
-- self-assessment, and tasks prompted by changes to register entries.

-- What is classified: an asset, a system, or a process or document named here. The
-- columns after `unit_id` repeat the current approved version for lists and coverage.
CREATE TABLE classification_object (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    asset_id INTEGER,
    system_id INTEGER,
    name TEXT NOT NULL DEFAULT '',
    search_name TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    unit_id INTEGER,
    current_version INTEGER NOT NULL DEFAULT 0,
    level_k INTEGER,
    level_r INTEGER,
    level_t INTEGER,
    level_s INTEGER,
    approved_at TEXT,
    next_review TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT classification_object_asset_key UNIQUE (asset_id),
    CONSTRAINT classification_object_system_key UNIQUE (system_id),
    CONSTRAINT classification_object_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT classification_object_asset_fkey FOREIGN KEY (asset_id) REFERENCES information_asset (id),
    CONSTRAINT classification_object_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id),
    CONSTRAINT classification_object_owner_fkey FOREIGN KEY (owner_id) REFERENCES app_user (id),
    CONSTRAINT classification_object_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id),
    CONSTRAINT classification_object_kind_check CHECK (
        (kind = 'asset' AND asset_id IS NOT NULL AND system_id IS NULL)
        OR (kind = 'system' AND system_id IS NOT NULL AND asset_id IS NULL)
        OR (kind IN ('process', 'document') AND asset_id IS NULL AND system_id IS NULL AND owner_id IS NOT NULL)
    )
);
CREATE INDEX classification_object_organisation_kind_idx ON classification_object (organisation_id, kind);

-- Every approved classification. Rows are never changed or removed.
CREATE TABLE classification_version (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    object_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    level_k INTEGER NOT NULL,
    level_r INTEGER NOT NULL,
    level_t INTEGER NOT NULL,
    level_s INTEGER,
    derived TEXT,
    reasons TEXT NOT NULL,
    participants TEXT NOT NULL,
    next_review TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by INTEGER,
    approved_by_label TEXT NOT NULL,
    CONSTRAINT classification_version_number_key UNIQUE (object_id, number),
    CONSTRAINT classification_version_object_fkey FOREIGN KEY (object_id) REFERENCES classification_object (id),
    CONSTRAINT classification_version_levels_check CHECK (
        level_k BETWEEN 0 AND 4 AND level_r BETWEEN 0 AND 4 AND level_t BETWEEN 0 AND 4
        AND (level_s IS NULL OR level_s BETWEEN 0 AND 4)
    )
);
CREATE TRIGGER classification_version_refuse_update BEFORE UPDATE ON classification_version
BEGIN
    SELECT RAISE(ABORT, 'classification_version is append-only');
END;
CREATE TRIGGER classification_version_refuse_delete BEFORE DELETE ON classification_version
BEGIN
    SELECT RAISE(ABORT, 'classification_version is append-only');
END;

-- Requirements the organisation adds to the built-in catalogue.
CREATE TABLE own_requirement (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    aspect TEXT NOT NULL,
    min_level INTEGER NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    procurement TEXT NOT NULL DEFAULT '',
    iso27002 TEXT NOT NULL DEFAULT '',
    sources TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT own_requirement_code_key UNIQUE (organisation_id, code),
    CONSTRAINT own_requirement_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT own_requirement_min_level_check CHECK (min_level BETWEEN 1 AND 4)
);

-- The owner's self-assessment of one requirement for one classified object.
CREATE TABLE requirement_assessment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    object_id INTEGER NOT NULL,
    requirement_code TEXT NOT NULL,
    status TEXT NOT NULL,
    how TEXT NOT NULL DEFAULT '',
    assessed_at TEXT NOT NULL,
    assessed_by INTEGER,
    assessed_by_label TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT requirement_assessment_key UNIQUE (object_id, requirement_code),
    CONSTRAINT requirement_assessment_object_fkey FOREIGN KEY (object_id) REFERENCES classification_object (id)
);
CREATE INDEX requirement_assessment_organisation_status_idx ON requirement_assessment (organisation_id, status);

-- A change or procurement noted on a register entry.
CREATE TABLE system_event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    system_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER,
    recorded_by_label TEXT NOT NULL,
    CONSTRAINT system_event_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id)
);
CREATE INDEX system_event_system_idx ON system_event (system_id, recorded_at);

-- Something a person is asked to do, e.g. classify a system after a change.
CREATE TABLE task (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    assignee_id INTEGER,
    kind TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    due_on TEXT,
    created_at TEXT NOT NULL,
    done_at TEXT,
    done_by INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT task_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT task_assignee_fkey FOREIGN KEY (assignee_id) REFERENCES app_user (id)
);
CREATE INDEX task_assignee_open_idx ON task (assignee_id, done_at);
CREATE INDEX task_subject_idx ON task (organisation_id, subject_kind, subject_id);
