-- Incidents: one intake, the triage of seed 000, a track per legal regime with its
-- obligations and their clocks, the case's timeline and attachments, and links to the
-- risks it confirms and the measures it leads to.
--
-- The timeline is the case's history and is never changed or removed. Obligations keep
-- their due time as planned when the track became reportable, so a deadline scan is a
-- plain index range.

CREATE TABLE incident_settings (
    organisation_id INTEGER PRIMARY KEY,
    reporting_mandate_role TEXT NOT NULL,
    recipients TEXT NOT NULL DEFAULT '{}',
    targets TEXT NOT NULL DEFAULT '{}',
    reminder_points TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    CONSTRAINT incident_settings_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id)
);

CREATE TABLE incident (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    designation TEXT NOT NULL,
    title TEXT NOT NULL,
    search_title TEXT NOT NULL,
    description TEXT NOT NULL,
    started_at TEXT,
    discovered_at TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    ended_at TEXT,
    unit_id INTEGER NOT NULL,
    reported_by INTEGER,
    reported_by_label TEXT NOT NULL,
    source TEXT NOT NULL,
    care_disrupted BOOLEAN NOT NULL DEFAULT FALSE,
    personal_data BOOLEAN NOT NULL DEFAULT FALSE,
    patient_harm BOOLEAN NOT NULL DEFAULT FALSE,
    category TEXT,
    assessed_at TEXT,
    assessed_by_label TEXT,
    assessment TEXT NOT NULL DEFAULT '',
    measures_taken TEXT NOT NULL DEFAULT '',
    root_cause TEXT NOT NULL DEFAULT '',
    lessons_learned TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    closed_at TEXT,
    closed_by_label TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT incident_designation_key UNIQUE (organisation_id, designation),
    CONSTRAINT incident_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT incident_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id),
    CONSTRAINT incident_reported_by_fkey FOREIGN KEY (reported_by) REFERENCES app_user (id),
    CONSTRAINT incident_status_check CHECK (status IN ('open', 'closed')),
    CONSTRAINT incident_source_check CHECK (source IN ('intake', 'api'))
);
CREATE INDEX incident_organisation_created_idx ON incident (organisation_id, created_at);
CREATE INDEX incident_organisation_status_idx ON incident (organisation_id, status, created_at);
CREATE INDEX incident_organisation_unit_idx ON incident (organisation_id, unit_id);
CREATE INDEX incident_organisation_reporter_idx ON incident (organisation_id, reported_by);
CREATE INDEX incident_organisation_occurred_idx ON incident (organisation_id, occurred_on);

CREATE TABLE incident_system (
    incident_id INTEGER NOT NULL,
    system_id INTEGER NOT NULL,
    CONSTRAINT incident_system_key UNIQUE (incident_id, system_id),
    CONSTRAINT incident_system_incident_fkey FOREIGN KEY (incident_id) REFERENCES incident (id),
    CONSTRAINT incident_system_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id)
);
CREATE INDEX incident_system_system_idx ON incident_system (system_id);

CREATE TABLE incident_track (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    incident_id INTEGER NOT NULL,
    track TEXT NOT NULL,
    regime TEXT,
    status TEXT NOT NULL,
    escalated_at TEXT NOT NULL,
    escalated_by_label TEXT NOT NULL,
    decided_at TEXT,
    decided_by INTEGER,
    decided_by_label TEXT,
    awareness_at TEXT,
    reasoning TEXT NOT NULL DEFAULT '',
    consulted TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL DEFAULT '{}',
    details TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT incident_track_key UNIQUE (incident_id, track),
    CONSTRAINT incident_track_incident_fkey FOREIGN KEY (incident_id) REFERENCES incident (id),
    CONSTRAINT incident_track_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES app_user (id),
    CONSTRAINT incident_track_track_check CHECK (track IN ('cybersecurity', 'personal_data', 'patient_safety')),
    CONSTRAINT incident_track_status_check CHECK (status IN ('escalated', 'not_reportable', 'documented_only', 'reportable', 'reportable_high_risk'))
);
CREATE INDEX incident_track_organisation_status_idx ON incident_track (organisation_id, status);

CREATE TABLE incident_obligation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    incident_id INTEGER NOT NULL,
    track TEXT NOT NULL,
    regime TEXT NOT NULL,
    code TEXT NOT NULL,
    clock_start TEXT NOT NULL,
    starts_at TEXT,
    due_at TEXT,
    status TEXT NOT NULL,
    submitted_at TEXT,
    submitted_by INTEGER,
    submitted_by_label TEXT,
    channel TEXT,
    reference TEXT,
    CONSTRAINT incident_obligation_key UNIQUE (incident_id, regime, code),
    CONSTRAINT incident_obligation_incident_fkey FOREIGN KEY (incident_id) REFERENCES incident (id),
    CONSTRAINT incident_obligation_submitted_by_fkey FOREIGN KEY (submitted_by) REFERENCES app_user (id),
    CONSTRAINT incident_obligation_status_check CHECK (status IN ('open', 'submitted'))
);
CREATE INDEX incident_obligation_open_due_idx ON incident_obligation (organisation_id, status, due_at);
CREATE INDEX incident_obligation_incident_idx ON incident_obligation (incident_id);

CREATE TABLE incident_entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    incident_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_id INTEGER,
    actor_label TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT incident_entry_incident_fkey FOREIGN KEY (incident_id) REFERENCES incident (id),
    CONSTRAINT incident_entry_actor_fkey FOREIGN KEY (actor_id) REFERENCES app_user (id)
);
CREATE INDEX incident_entry_incident_idx ON incident_entry (incident_id, at);
CREATE TRIGGER incident_entry_refuse_update BEFORE UPDATE ON incident_entry
BEGIN
    SELECT RAISE(ABORT, 'incident_entry is append-only');
END;
CREATE TRIGGER incident_entry_refuse_delete BEFORE DELETE ON incident_entry
BEGIN
    SELECT RAISE(ABORT, 'incident_entry is append-only');
END;

CREATE TABLE incident_attachment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    incident_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by_label TEXT NOT NULL,
    CONSTRAINT incident_attachment_incident_fkey FOREIGN KEY (incident_id) REFERENCES incident (id)
);
CREATE INDEX incident_attachment_incident_idx ON incident_attachment (incident_id);
CREATE TRIGGER incident_attachment_refuse_update BEFORE UPDATE ON incident_attachment
BEGIN
    SELECT RAISE(ABORT, 'incident_attachment is append-only');
END;

CREATE TABLE incident_risk (
    incident_id INTEGER NOT NULL,
    risk_id INTEGER NOT NULL,
    CONSTRAINT incident_risk_key UNIQUE (incident_id, risk_id),
    CONSTRAINT incident_risk_incident_fkey FOREIGN KEY (incident_id) REFERENCES incident (id),
    CONSTRAINT incident_risk_risk_fkey FOREIGN KEY (risk_id) REFERENCES risk (id)
);
CREATE INDEX incident_risk_risk_idx ON incident_risk (risk_id);

CREATE TABLE incident_measure (
    incident_id INTEGER NOT NULL,
    measure_id INTEGER NOT NULL,
    CONSTRAINT incident_measure_key UNIQUE (incident_id, measure_id),
    CONSTRAINT incident_measure_incident_fkey FOREIGN KEY (incident_id) REFERENCES incident (id),
    CONSTRAINT incident_measure_measure_fkey FOREIGN KEY (measure_id) REFERENCES measure (id)
);
CREATE INDEX incident_measure_measure_idx ON incident_measure (measure_id);
