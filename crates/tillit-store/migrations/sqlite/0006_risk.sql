-- Risk analysis and action plans: the method record (7 §), analyses with their approved
-- versions (6 and 8 §§), risks with their treatment and measures with the ten items of
-- the action plan and their yearly follow-up (9 §).
--
-- Approved versions and method versions are never changed, and cannot be removed until
-- `kept_until` (five years after they were made). Handled risks and done measures are
-- history the action plan must show, so they cannot be removed at all.

CREATE TABLE risk_method (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    standard TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    matrix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER,
    created_by_label TEXT NOT NULL,
    kept_until TEXT NOT NULL,
    CONSTRAINT risk_method_number_key UNIQUE (organisation_id, number),
    CONSTRAINT risk_method_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id)
);
CREATE TRIGGER risk_method_refuse_update BEFORE UPDATE ON risk_method
BEGIN
    SELECT RAISE(ABORT, 'risk_method is append-only');
END;
CREATE TRIGGER risk_method_refuse_early_delete BEFORE DELETE ON risk_method
WHEN OLD.kept_until > date('now')
BEGIN
    SELECT RAISE(ABORT, 'risk_method is kept for five years');
END;

CREATE TABLE risk_analysis (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    designation TEXT NOT NULL,
    title TEXT NOT NULL,
    search_title TEXT NOT NULL,
    scope TEXT NOT NULL,
    unit_id INTEGER,
    process_name TEXT NOT NULL DEFAULT '',
    participants TEXT NOT NULL DEFAULT '',
    external_developments TEXT NOT NULL DEFAULT '',
    incidents_considered TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    current_version INTEGER NOT NULL DEFAULT 0,
    approved_at TEXT,
    approved_by_label TEXT,
    next_renewal TEXT,
    last_risk_number INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT risk_analysis_designation_key UNIQUE (organisation_id, designation),
    CONSTRAINT risk_analysis_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT risk_analysis_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id),
    CONSTRAINT risk_analysis_status_check CHECK (status IN ('draft', 'approved'))
);
CREATE INDEX risk_analysis_organisation_title_idx ON risk_analysis (organisation_id, search_title);
CREATE INDEX risk_analysis_organisation_renewal_idx ON risk_analysis (organisation_id, next_renewal);

CREATE TABLE risk_analysis_system (
    analysis_id INTEGER NOT NULL,
    system_id INTEGER NOT NULL,
    CONSTRAINT risk_analysis_system_key UNIQUE (analysis_id, system_id),
    CONSTRAINT risk_analysis_system_analysis_fkey FOREIGN KEY (analysis_id) REFERENCES risk_analysis (id),
    CONSTRAINT risk_analysis_system_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id)
);
CREATE INDEX risk_analysis_system_system_idx ON risk_analysis_system (system_id);

CREATE TABLE risk_analysis_asset (
    analysis_id INTEGER NOT NULL,
    asset_id INTEGER NOT NULL,
    CONSTRAINT risk_analysis_asset_key UNIQUE (analysis_id, asset_id),
    CONSTRAINT risk_analysis_asset_analysis_fkey FOREIGN KEY (analysis_id) REFERENCES risk_analysis (id),
    CONSTRAINT risk_analysis_asset_asset_fkey FOREIGN KEY (asset_id) REFERENCES information_asset (id)
);

-- An approved analysis as it stood: description, risks and measures, as JSON.
CREATE TABLE risk_analysis_version (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    analysis_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    method_number INTEGER,
    snapshot TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by INTEGER,
    approved_by_label TEXT NOT NULL,
    kept_until TEXT NOT NULL,
    CONSTRAINT risk_analysis_version_number_key UNIQUE (analysis_id, number),
    CONSTRAINT risk_analysis_version_analysis_fkey FOREIGN KEY (analysis_id) REFERENCES risk_analysis (id)
);
CREATE TRIGGER risk_analysis_version_refuse_update BEFORE UPDATE ON risk_analysis_version
BEGIN
    SELECT RAISE(ABORT, 'risk_analysis_version is append-only');
END;
CREATE TRIGGER risk_analysis_version_refuse_early_delete BEFORE DELETE ON risk_analysis_version
WHEN OLD.kept_until > date('now')
BEGIN
    SELECT RAISE(ABORT, 'risk_analysis_version is kept for five years');
END;

CREATE TABLE risk (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    analysis_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    search_title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    threat TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    likelihood INTEGER NOT NULL,
    likelihood_reason TEXT NOT NULL,
    consequence INTEGER NOT NULL,
    consequence_reason TEXT NOT NULL,
    level TEXT NOT NULL,
    level_rank INTEGER NOT NULL,
    residual_likelihood INTEGER,
    residual_consequence INTEGER,
    residual_level TEXT,
    treatment TEXT,
    treatment_reason TEXT NOT NULL DEFAULT '',
    decided_by INTEGER,
    decided_by_label TEXT,
    decided_at TEXT,
    status TEXT NOT NULL,
    handled_at TEXT,
    catalogue_id TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT risk_number_key UNIQUE (analysis_id, number),
    CONSTRAINT risk_analysis_fkey FOREIGN KEY (analysis_id) REFERENCES risk_analysis (id),
    CONSTRAINT risk_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES app_user (id),
    CONSTRAINT risk_status_check CHECK (status IN ('open', 'in_treatment', 'handled')),
    CONSTRAINT risk_treatment_check CHECK (treatment IS NULL OR treatment IN ('eliminate', 'reduce', 'accept'))
);
CREATE INDEX risk_organisation_position_idx ON risk (organisation_id, likelihood, consequence);
CREATE INDEX risk_organisation_rank_idx ON risk (organisation_id, level_rank, status);
CREATE INDEX risk_organisation_title_idx ON risk (organisation_id, search_title);
CREATE TRIGGER risk_refuse_delete_handled BEFORE DELETE ON risk
WHEN OLD.handled_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a handled risk is kept as history');
END;

CREATE TABLE risk_system (
    risk_id INTEGER NOT NULL,
    system_id INTEGER NOT NULL,
    CONSTRAINT risk_system_key UNIQUE (risk_id, system_id),
    CONSTRAINT risk_system_risk_fkey FOREIGN KEY (risk_id) REFERENCES risk (id),
    CONSTRAINT risk_system_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id)
);
CREATE INDEX risk_system_system_idx ON risk_system (system_id);

CREATE TABLE measure (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    designation TEXT NOT NULL,
    title TEXT NOT NULL,
    search_title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    category TEXT NOT NULL,
    function TEXT NOT NULL,
    residual_likelihood INTEGER,
    residual_consequence INTEGER,
    residual_level TEXT,
    responsible_id INTEGER NOT NULL,
    planned_on TEXT NOT NULL,
    done_on TEXT,
    done_note TEXT NOT NULL DEFAULT '',
    source_object_id INTEGER,
    source_requirement_code TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT measure_designation_key UNIQUE (organisation_id, designation),
    CONSTRAINT measure_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT measure_responsible_fkey FOREIGN KEY (responsible_id) REFERENCES app_user (id),
    CONSTRAINT measure_source_object_fkey FOREIGN KEY (source_object_id) REFERENCES classification_object (id)
);
CREATE INDEX measure_organisation_planned_idx ON measure (organisation_id, done_on, planned_on);
CREATE INDEX measure_organisation_title_idx ON measure (organisation_id, search_title);
CREATE INDEX measure_responsible_idx ON measure (responsible_id, done_on);
CREATE TRIGGER measure_refuse_delete_done BEFORE DELETE ON measure
WHEN OLD.done_on IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a done measure is kept as history');
END;

CREATE TABLE measure_risk (
    measure_id INTEGER NOT NULL,
    risk_id INTEGER NOT NULL,
    CONSTRAINT measure_risk_key UNIQUE (measure_id, risk_id),
    CONSTRAINT measure_risk_measure_fkey FOREIGN KEY (measure_id) REFERENCES measure (id),
    CONSTRAINT measure_risk_risk_fkey FOREIGN KEY (risk_id) REFERENCES risk (id)
);
CREATE INDEX measure_risk_risk_idx ON measure_risk (risk_id);

CREATE TABLE measure_system (
    measure_id INTEGER NOT NULL,
    system_id INTEGER NOT NULL,
    CONSTRAINT measure_system_key UNIQUE (measure_id, system_id),
    CONSTRAINT measure_system_measure_fkey FOREIGN KEY (measure_id) REFERENCES measure (id),
    CONSTRAINT measure_system_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id)
);

-- The yearly follow-up and evaluation of a measure. Rows are never changed or removed.
CREATE TABLE measure_follow_up (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    measure_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    effect TEXT NOT NULL,
    still_valid BOOLEAN NOT NULL,
    next_step TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER,
    recorded_by_label TEXT NOT NULL,
    CONSTRAINT measure_follow_up_measure_fkey FOREIGN KEY (measure_id) REFERENCES measure (id)
);
CREATE INDEX measure_follow_up_measure_idx ON measure_follow_up (measure_id, year);
CREATE TRIGGER measure_follow_up_refuse_update BEFORE UPDATE ON measure_follow_up
BEGIN
    SELECT RAISE(ABORT, 'measure_follow_up is append-only');
END;
CREATE TRIGGER measure_follow_up_refuse_delete BEFORE DELETE ON measure_follow_up
BEGIN
    SELECT RAISE(ABORT, 'measure_follow_up is append-only');
END;
