-- The annual information security report (C25): one per year and scope (the whole
-- organisation or one unit and the units below it). While a draft its figures are
-- computed from the registers at each reading and its texts are edited; approval
-- (fastställelse) freezes figures and texts as a numbered version that is never
-- changed or removed. A new draft may then be started from the approved report.

CREATE TABLE annual_report (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    unit_id INTEGER,
    -- `organisation`, or `unit:<id>`: one report per year and scope.
    scope_key TEXT NOT NULL,
    texts TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    current_version INTEGER NOT NULL DEFAULT 0,
    approved_at TEXT,
    approved_by_label TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT annual_report_scope_key UNIQUE (organisation_id, year, scope_key),
    CONSTRAINT annual_report_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT annual_report_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id),
    CONSTRAINT annual_report_status_check CHECK (status IN ('draft', 'approved'))
);
CREATE INDEX annual_report_organisation_year_idx ON annual_report (organisation_id, year);

CREATE TABLE annual_report_version (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    report_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by INTEGER,
    approved_by_label TEXT NOT NULL,
    CONSTRAINT annual_report_version_number_key UNIQUE (report_id, number),
    CONSTRAINT annual_report_version_report_fkey FOREIGN KEY (report_id) REFERENCES annual_report (id)
);
CREATE TRIGGER annual_report_version_refuse_update BEFORE UPDATE ON annual_report_version
BEGIN
    SELECT RAISE(ABORT, 'annual_report_version is append-only');
END;
CREATE TRIGGER annual_report_version_refuse_delete BEFORE DELETE ON annual_report_version
BEGIN
    SELECT RAISE(ABORT, 'annual_report_version is append-only');
END;

-- The figures count by period: approvals, done measures and incidents of the year.
CREATE INDEX classification_version_organisation_approved_idx ON classification_version (organisation_id, approved_at);
CREATE INDEX risk_analysis_version_organisation_approved_idx ON risk_analysis_version (organisation_id, approved_at);
