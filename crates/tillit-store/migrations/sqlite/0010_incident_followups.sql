-- Incident follow-ups: the incident cases a risk analysis has considered, beside its free
-- text on external events. The links are part of the analysis and frozen with it into
-- each approved version's snapshot.

CREATE TABLE risk_analysis_incident (
    analysis_id INTEGER NOT NULL,
    incident_id INTEGER NOT NULL,
    CONSTRAINT risk_analysis_incident_key UNIQUE (analysis_id, incident_id),
    CONSTRAINT risk_analysis_incident_analysis_fkey FOREIGN KEY (analysis_id) REFERENCES risk_analysis (id),
    CONSTRAINT risk_analysis_incident_incident_fkey FOREIGN KEY (incident_id) REFERENCES incident (id)
);
CREATE INDEX risk_analysis_incident_incident_idx ON risk_analysis_incident (incident_id);
