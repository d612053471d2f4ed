-- Governing documents (styrdokument) with their earlier versions, and the internal
-- control plan (internkontrollplan) with the yearly reports of the administrations.
--
-- A document's earlier versions are history: they are never changed or removed.

CREATE TABLE governing_document (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    search_title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    owner_id INTEGER NOT NULL,
    approver TEXT NOT NULL DEFAULT '',
    case_number TEXT NOT NULL DEFAULT '',
    valid_from TEXT,
    next_review TEXT,
    requirement_code TEXT,
    legal_reference TEXT NOT NULL DEFAULT '',
    consultation TEXT NOT NULL,
    status TEXT NOT NULL,
    unit_id INTEGER,
    checklist_item TEXT,
    revision INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT governing_document_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT governing_document_owner_fkey FOREIGN KEY (owner_id) REFERENCES app_user (id),
    CONSTRAINT governing_document_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id),
    CONSTRAINT governing_document_kind_check CHECK (kind IN ('policy', 'guideline', 'routine', 'instruction', 'plan', 'process')),
    CONSTRAINT governing_document_status_check CHECK (status IN ('draft', 'approved', 'repealed')),
    CONSTRAINT governing_document_consultation_check CHECK (consultation IN ('not_started', 'ongoing', 'done'))
);
CREATE INDEX governing_document_organisation_title_idx ON governing_document (organisation_id, search_title);
CREATE INDEX governing_document_organisation_review_idx ON governing_document (organisation_id, next_review);
CREATE INDEX governing_document_organisation_checklist_idx ON governing_document (organisation_id, checklist_item);

CREATE TABLE governing_document_revision (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    valid_from TEXT,
    snapshot TEXT NOT NULL,
    change_note TEXT NOT NULL DEFAULT '',
    superseded_at TEXT NOT NULL,
    superseded_by_label TEXT NOT NULL,
    CONSTRAINT governing_document_revision_number_key UNIQUE (document_id, number),
    CONSTRAINT governing_document_revision_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT governing_document_revision_document_fkey FOREIGN KEY (document_id) REFERENCES governing_document (id)
);
CREATE TRIGGER governing_document_revision_refuse_update BEFORE UPDATE ON governing_document_revision
BEGIN
    SELECT RAISE(ABORT, 'governing_document_revision is append-only');
END;
CREATE TRIGGER governing_document_revision_refuse_delete BEFORE DELETE ON governing_document_revision
BEGIN
    SELECT RAISE(ABORT, 'governing_document_revision is append-only');
END;

CREATE TABLE internal_control_item (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    risk TEXT NOT NULL,
    control TEXT NOT NULL,
    responsible TEXT NOT NULL,
    frequency TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT internal_control_item_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT internal_control_item_frequency_check CHECK (frequency IN ('yearly', 'half_yearly', 'quarterly', 'monthly'))
);
CREATE INDEX internal_control_item_organisation_year_idx ON internal_control_item (organisation_id, year);

CREATE TABLE internal_control_item_unit (
    item_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    CONSTRAINT internal_control_item_unit_key UNIQUE (item_id, unit_id),
    CONSTRAINT internal_control_item_unit_item_fkey FOREIGN KEY (item_id) REFERENCES internal_control_item (id),
    CONSTRAINT internal_control_item_unit_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id)
);

CREATE TABLE internal_control_report (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    result TEXT NOT NULL,
    comments TEXT NOT NULL DEFAULT '',
    deviations TEXT NOT NULL DEFAULT '',
    reported_by_label TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT internal_control_report_unit_key UNIQUE (item_id, unit_id),
    CONSTRAINT internal_control_report_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT internal_control_report_item_fkey FOREIGN KEY (item_id) REFERENCES internal_control_item (id),
    CONSTRAINT internal_control_report_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id),
    CONSTRAINT internal_control_report_status_check CHECK (status IN ('reported', 'deviation'))
);
CREATE INDEX internal_control_report_organisation_idx ON internal_control_report (organisation_id, item_id);
