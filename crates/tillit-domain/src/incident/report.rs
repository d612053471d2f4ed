//! The fields of the report drafts. Each regime's obligations list the fields their
//! recipient asks for; the case fills them.

/// Every report-draft field an obligation may ask for.
pub const REPORT_FIELDS: [&str; 19] = [
    "summary",
    "affected_services",
    "incident_type",
    "severity",
    "impact",
    "indicators",
    "suspected_malicious",
    "cross_border",
    "root_cause",
    "measures_taken",
    "lessons_learned",
    "data_subject_groups",
    "data_categories",
    "subjects_count",
    "records_count",
    "consequences",
    "inform_subjects",
    "dpo_contact",
    "patient_impact",
];
