-- Risk work scoped by unit, designations in number order, one follow-up a year.
--
-- An analysis belongs to its unit, and those who hold a role at that unit or above it
-- see and change it; an organisation-wide analysis belongs to the organisation itself
-- (no unit), which only organisation-wide roles reach.
--
-- designation_number is the number of the designation (ÅT-0012 → 12), so lists sort
-- ÅT-9999 before ÅT-10000; the text sorts them the other way round.
--
-- A measure is followed up once a year: a second follow-up for the same year is refused.
UPDATE risk_analysis SET unit_id = NULL WHERE scope = 'organisation';
CREATE INDEX risk_analysis_organisation_unit_idx ON risk_analysis (organisation_id, unit_id);

ALTER TABLE risk_analysis ADD COLUMN designation_number BIGINT NOT NULL DEFAULT 0;
UPDATE risk_analysis SET designation_number = CAST(split_part(designation, '-', 2) AS BIGINT);
CREATE INDEX risk_analysis_organisation_number_idx ON risk_analysis (organisation_id, designation_number);

ALTER TABLE measure ADD COLUMN designation_number BIGINT NOT NULL DEFAULT 0;
UPDATE measure SET designation_number = CAST(split_part(designation, '-', 2) AS BIGINT);
CREATE INDEX measure_organisation_number_idx ON measure (organisation_id, designation_number);

DROP INDEX measure_follow_up_measure_idx;
CREATE UNIQUE INDEX measure_follow_up_year_key ON measure_follow_up (measure_id, year);
