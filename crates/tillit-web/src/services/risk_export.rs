//! A risk analysis with its action plan as a PDF (typst) or an XLSX workbook, in
//! Swedish or English: the working copy, or an approved version as it was frozen.

use chrono::Utc;
use tillit_domain::risk::{step_label, RiskLevel, RiskMatrix, Step};
use tillit_domain::users::Language;
use tillit_pdf::{
    FollowUpRow, Labels, LevelSummary, MatrixSummary, MeasureRow, MethodSummary,
    RiskAnalysisDocument, RiskRow,
};
use tillit_reports::Sheet;
use tillit_store::risk::{AnalysisSnapshot, SnapshotMeasure, SnapshotRisk};

use crate::auth::Principal;
use crate::error::AppError;
pub use crate::services::register_export::Export as DownloadFile;
use crate::services::risk as service;
use crate::state::AppState;
use crate::time::format_local;

/// Which state of the analysis to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    WorkingCopy,
    Version(i64),
}

/// The analysis, its approval and the method in force, ready to lay out.
struct Export {
    snapshot: AnalysisSnapshot,
    version: Option<(i64, String, String)>,
    matrix: RiskMatrix,
    method: MethodSummary,
    organisation: String,
}

async fn gather(
    state: &AppState,
    principal: &Principal,
    id: i64,
    edition: Edition,
) -> Result<Export, AppError> {
    let method = service::method(state, principal).await?;
    let (snapshot, version) = match edition {
        Edition::WorkingCopy => (service::working_copy(state, principal, id).await?, None),
        Edition::Version(number) => {
            let version = service::version(state, principal, id, number).await?;
            let approval = (
                version.number,
                version.approved_by_label.clone(),
                format_local(&version.approved_at),
            );
            (version.snapshot, Some(approval))
        }
    };
    let summary = match &method.version {
        Some(v) => MethodSummary {
            name: v.name.clone(),
            standard: v.standard.clone(),
            decided_by: v.decided_by.clone(),
            decided_on: v.decided_on.to_string(),
        },
        None => MethodSummary {
            name: String::new(),
            standard: String::new(),
            decided_by: String::new(),
            decided_on: String::new(),
        },
    };
    let organisation = crate::services::org::organisation(state, principal)
        .await?
        .name;
    Ok(Export {
        snapshot,
        version,
        matrix: method.matrix,
        method: summary,
        organisation,
    })
}

/// Texts for stored codes, from the locale files.
struct Words<'a> {
    state: &'a AppState,
    language: Language,
}

impl Words<'_> {
    fn code(&self, prefix: &str, code: &str) -> String {
        self.state.i18n.text(
            self.language,
            &format!("{prefix}-{}", code.replace('_', "-")),
        )
    }

    fn level(&self, code: &str) -> (String, String) {
        RiskLevel::parse(code)
            .and_then(|level| service::content().ok().map(|c| c.level(level)))
            .map(|l| {
                (
                    l.label.in_language(self.language).to_owned(),
                    l.colour.clone(),
                )
            })
            .unwrap_or_else(|| (code.to_owned(), "#9e9e9e".to_owned()))
    }

    fn step(&self, steps: &[Step], value: i64) -> String {
        step_label(steps, value, self.language)
    }
}

fn systems_text(risk: &SnapshotRisk) -> String {
    risk.systems
        .iter()
        .map(|s| format!("{} {}", s.designation, s.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn risk_row(words: &Words<'_>, matrix: &RiskMatrix, r: &SnapshotRisk) -> RiskRow {
    let risk = &r.risk;
    let (level, level_colour) = words.level(&risk.level);
    RiskRow {
        designation: risk.designation(),
        title: risk.title.clone(),
        description: risk.description.clone(),
        threat: risk.threat.clone(),
        vulnerability: risk.vulnerability.clone(),
        systems: systems_text(r),
        consequence: words.step(&matrix.consequence, risk.consequence),
        consequence_reason: risk.consequence_reason.clone(),
        likelihood: words.step(&matrix.likelihood, risk.likelihood),
        likelihood_reason: risk.likelihood_reason.clone(),
        level,
        level_colour,
        treatment: risk
            .treatment
            .as_deref()
            .map(|t| words.code("risk-treatment", t))
            .unwrap_or_else(|| words.code("risk-treatment", "none")),
        treatment_reason: risk.treatment_reason.clone(),
        status: words.code("risk-status", &risk.status),
    }
}

fn measure_row(words: &Words<'_>, snapshot: &AnalysisSnapshot, m: &SnapshotMeasure) -> MeasureRow {
    let measure = &m.measure;
    let today = service::today();
    let yes = words.state.i18n.text(words.language, "yes");
    let no = words.state.i18n.text(words.language, "no");
    MeasureRow {
        designation: measure.designation.clone(),
        title: measure.title.clone(),
        risks: snapshot
            .risks
            .iter()
            .filter(|r| m.risk_ids.contains(&r.risk.id))
            .map(|r| r.risk.designation())
            .collect::<Vec<_>>()
            .join(", "),
        systems: m
            .systems
            .iter()
            .map(|s| format!("{} {}", s.designation, s.name))
            .collect::<Vec<_>>()
            .join(", "),
        reason: measure.reason.clone(),
        residual_level: measure
            .residual_level
            .as_deref()
            .map(|l| words.level(l).0)
            .unwrap_or_default(),
        responsible: measure.responsible_name.clone(),
        planned: measure.planned_on.to_string(),
        done: measure.done_on.map(|d| d.to_string()).unwrap_or_default(),
        status: words.code("measure-status", measure.status(today).as_str()),
        follow_ups: m
            .follow_ups
            .iter()
            .map(|f| FollowUpRow {
                year: i32::try_from(f.year).unwrap_or_default(),
                effect: f.effect.clone(),
                still_valid: if f.still_valid {
                    yes.clone()
                } else {
                    no.clone()
                },
                next_step: f.next_step.clone(),
            })
            .collect(),
    }
}

fn document(state: &AppState, language: Language, export: Export) -> RiskAnalysisDocument {
    let words = Words { state, language };
    let Export {
        snapshot,
        version,
        matrix,
        method,
        organisation,
    } = export;
    let levels: Vec<LevelSummary> = RiskLevel::ALL
        .into_iter()
        .map(|l| {
            let (label, colour) = words.level(l.as_str());
            LevelSummary { label, colour }
        })
        .collect();
    let counts = matrix
        .cells
        .iter()
        .enumerate()
        .map(|(l, row)| {
            (0..row.len())
                .map(|c| {
                    snapshot
                        .risks
                        .iter()
                        .filter(|r| {
                            r.risk.likelihood == l as i64 + 1 && r.risk.consequence == c as i64 + 1
                        })
                        .count() as i64
                })
                .collect()
        })
        .collect();
    let analysis = &snapshot.analysis;
    let scope = {
        let mut scope = words.code("risk-scope", &analysis.scope);
        if !analysis.process_name.is_empty() {
            scope = format!("{scope}: {}", analysis.process_name);
        }
        let systems: Vec<String> = snapshot
            .systems
            .iter()
            .map(|s| format!("{} {}", s.designation, s.name))
            .chain(snapshot.assets.iter().map(|a| a.1.clone()))
            .collect();
        if !systems.is_empty() {
            scope = format!("{scope} – {}", systems.join(", "));
        }
        scope
    };
    let risks = snapshot
        .risks
        .iter()
        .map(|r| risk_row(&words, &matrix, r))
        .collect();
    let measures = snapshot
        .measures
        .iter()
        .map(|m| measure_row(&words, &snapshot, m))
        .collect();
    let handled_risks = snapshot
        .risks
        .iter()
        .filter(|r| r.risk.handled_at.is_some())
        .map(|r| {
            format!(
                "{} {} ({})",
                r.risk.designation(),
                r.risk.title,
                r.risk
                    .handled_at
                    .as_ref()
                    .map(format_local)
                    .unwrap_or_default()
            )
        })
        .collect();
    let done_measures = snapshot
        .measures
        .iter()
        .filter_map(|m| {
            Some(format!(
                "{} {} ({})",
                m.measure.designation, m.measure.title, m.measure.done_on?
            ))
        })
        .collect();
    let now = Utc::now();
    RiskAnalysisDocument {
        lang: language.as_str().to_owned(),
        labels: match language {
            Language::Sv => Labels::swedish(),
            Language::En => Labels::english(),
        },
        organisation,
        title: format!("{} {}", analysis.designation, analysis.title),
        scope,
        version: version.as_ref().map(|v| v.0),
        approved_by: version.as_ref().map(|v| v.1.clone()),
        approved_at: version.as_ref().map(|v| v.2.clone()),
        generated_at: format_local(&now),
        generated_on: now.date_naive().to_string(),
        next_renewal: analysis.next_renewal.map(|d| d.to_string()),
        method,
        participants: analysis.participants.clone(),
        external_developments: analysis.external_developments.clone(),
        incidents_considered: analysis.incidents_considered.clone(),
        matrix: MatrixSummary {
            likelihood: matrix
                .likelihood
                .iter()
                .map(|s| s.label.in_language(language).to_owned())
                .collect(),
            consequence: matrix
                .consequence
                .iter()
                .map(|s| s.label.in_language(language).to_owned())
                .collect(),
            levels,
            cells: matrix
                .cells
                .iter()
                .map(|row| row.iter().map(|l| l.index()).collect())
                .collect(),
            counts,
        },
        risks,
        measures,
        handled_risks,
        done_measures,
    }
}

/// The file name of an export: designation, version or draft, extension.
fn file_name(export: &Export, extension: &str) -> String {
    let edition = match &export.version {
        Some((number, ..)) => format!("v{number}"),
        None => "utkast".to_owned(),
    };
    format!(
        "{}-{edition}.{extension}",
        export.snapshot.analysis.designation
    )
}

/// The analysis as a PDF. Typesetting runs off the async workers.
pub async fn pdf(
    state: &AppState,
    principal: &Principal,
    id: i64,
    edition: Edition,
    language: Language,
) -> Result<DownloadFile, AppError> {
    let export = gather(state, principal, id, edition).await?;
    let file_name = file_name(&export, "pdf");
    let doc = document(state, language, export);
    let bytes = tokio::task::spawn_blocking(move || tillit_pdf::risk_analysis_pdf(&doc))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(DownloadFile {
        file_name,
        content_type: "application/pdf",
        bytes,
    })
}

/// The analysis as an XLSX workbook: one sheet of risks, one of measures.
pub async fn xlsx(
    state: &AppState,
    principal: &Principal,
    id: i64,
    edition: Edition,
    language: Language,
) -> Result<DownloadFile, AppError> {
    let export = gather(state, principal, id, edition).await?;
    let file_name = file_name(&export, "xlsx");
    let doc = document(state, language, export);
    let t = |id: &str| state.i18n.text(language, id);
    let risk_header: Vec<String> = [
        "risk-field-risk",
        "risk-field-title",
        "risk-field-threat",
        "risk-field-vulnerability",
        "risk-field-system-ids",
        "risk-field-consequence",
        "risk-field-consequence-reason",
        "risk-field-likelihood",
        "risk-field-likelihood-reason",
        "risk-level",
        "risk-field-treatment",
        "risk-field-justification",
        "risk-status",
    ]
    .into_iter()
    .map(t)
    .collect();
    let measure_header: Vec<String> = [
        "risk-field-measure",
        "risk-field-title",
        "risk-field-risks",
        "risk-field-system-ids",
        "risk-field-reason",
        "risk-residual-level",
        "risk-field-responsible-id",
        "risk-field-planned-on",
        "risk-field-done-on",
        "risk-status",
    ]
    .into_iter()
    .map(t)
    .collect();
    let risks = Sheet {
        name: &doc.labels.risks,
        header: risk_header.iter().map(String::as_str).collect(),
        widths: vec![
            8.0, 40.0, 30.0, 30.0, 30.0, 18.0, 40.0, 18.0, 40.0, 14.0, 14.0, 40.0, 14.0,
        ],
        rows: Box::new(doc.risks.iter().map(|r| {
            vec![
                r.designation.clone(),
                r.title.clone(),
                r.threat.clone(),
                r.vulnerability.clone(),
                r.systems.clone(),
                r.consequence.clone(),
                r.consequence_reason.clone(),
                r.likelihood.clone(),
                r.likelihood_reason.clone(),
                r.level.clone(),
                r.treatment.clone(),
                r.treatment_reason.clone(),
                r.status.clone(),
            ]
        })),
    };
    let measures = Sheet {
        name: &doc.labels.action_plan,
        header: measure_header.iter().map(String::as_str).collect(),
        widths: vec![10.0, 40.0, 14.0, 30.0, 40.0, 16.0, 24.0, 12.0, 12.0, 12.0],
        rows: Box::new(doc.measures.iter().map(|m| {
            vec![
                m.designation.clone(),
                m.title.clone(),
                m.risks.clone(),
                m.systems.clone(),
                m.reason.clone(),
                m.residual_level.clone(),
                m.responsible.clone(),
                m.planned.clone(),
                m.done.clone(),
                m.status.clone(),
            ]
        })),
    };
    let bytes = tillit_reports::write_xlsx(vec![risks, measures]).map_err(AppError::internal)?;
    Ok(DownloadFile {
        file_name,
        content_type: tillit_reports::Format::Xlsx.content_type(),
        bytes,
    })
}
