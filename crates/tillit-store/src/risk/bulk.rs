//! Many analyses, risks and measures in one transaction: the large demo dataset and other
//! loads of prepared risk work. Rows go in with multi-row INSERTs of up to
//! [`ROWS_PER_STATEMENT`] rows, yet every analysis, risk and measure gets its own audit
//! event, and every risk's status and expected residual position end as if its
//! measures had been added one at a time.
//!
//! Each function checks that everything it refers to belongs to the organisation before
//! it writes; a bad reference fails the whole call and, with the caller's transaction,
//! writes nothing. Approval is not bulk: approve the finished drafts one by one with
//! [`approve_analysis_in`](super::approve_analysis_in), which freezes each into a version.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::FromRow;
use tillit_domain::risk::{
    AnalysisDraft, MeasureDraft, RiskDraft, RiskMatrix, RiskStatus, Treatment,
};
use tillit_domain::search::fold;
use tillit_domain::ValidationErrors;

use super::analyses::Analysis;
use super::measures::Measure;
use super::refused;
use super::risks::{refresh_risks, Risk};
use crate::audit::{self, NewEvent};
use crate::batch::{fetch, insert_pairs, values_sql, Value, ROWS_PER_STATEMENT};
use crate::db::Tx;
use crate::designations;
use crate::error::{Result, StoreError};
use crate::{truncate_to_micros, Actor};

/// A new analysis, created as a draft at `created_at`.
#[derive(Debug, Clone)]
pub struct NewAnalysis {
    pub draft: AnalysisDraft,
    pub created_at: DateTime<Utc>,
}

/// A new risk in a draft analysis, optionally with its treatment already decided.
#[derive(Debug, Clone)]
pub struct NewRisk {
    pub analysis_id: i64,
    pub draft: RiskDraft,
    pub created_at: DateTime<Utc>,
    pub treatment: Option<NewTreatment>,
}

/// A treatment decision recorded with a new risk, in the name of whoever made it.
#[derive(Debug, Clone)]
pub struct NewTreatment {
    pub treatment: Treatment,
    pub justification: String,
    pub decided_by: Actor,
    pub decided_at: DateTime<Utc>,
}

/// A new measure of the action plan, added at `created_at`.
#[derive(Debug, Clone)]
pub struct NewMeasure {
    pub draft: MeasureDraft,
    pub created_at: DateTime<Utc>,
}

/// Adds `rows` as draft analyses under the next free designations (in the order
/// given), with the systems and assets they cover. Returns their ids in that order.
pub async fn insert_analyses(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    rows: &[NewAnalysis],
) -> Result<Vec<i64>> {
    let units: HashMap<i64, String> = fetch::<(i64, String)>(
        tx,
        "SELECT id, name FROM org_unit WHERE organisation_id = $1",
        &[Value::Int(organisation_id)],
    )
    .await?
    .into_iter()
    .collect();
    let systems = id_set(tx, "information_system", organisation_id).await?;
    let assets = id_set(tx, "information_asset", organisation_id).await?;
    let mut errors = ValidationErrors::new();
    for row in rows {
        check(&mut errors, "unit_id", row.draft.unit_id, |id| {
            units.contains_key(&id)
        });
        for id in &row.draft.system_ids {
            check(&mut errors, "system_ids", Some(*id), |id| {
                systems.contains(&id)
            });
        }
        for id in &row.draft.asset_ids {
            check(&mut errors, "asset_ids", Some(*id), |id| {
                assets.contains(&id)
            });
        }
    }
    errors.finish(()).map_err(StoreError::Invalid)?;

    let designations =
        designations::reserve_numbered(tx, organisation_id, "risk_analysis", "RA", rows.len())
            .await?;
    let mut ids = Vec::with_capacity(rows.len());
    for (chunk, chunk_designations) in rows
        .chunks(ROWS_PER_STATEMENT)
        .zip(designations.chunks(ROWS_PER_STATEMENT))
    {
        let sql = format!(
            "INSERT INTO risk_analysis (organisation_id, designation, designation_number, title, search_title, scope, \
             unit_id, process_name, participants, external_developments, incidents_considered, status, created_at, \
             updated_at) VALUES {} RETURNING designation, id",
            values_sql("($1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)", chunk.len(), 1)
        );
        let mut values = vec![Value::Int(organisation_id)];
        for (row, (designation, number)) in chunk.iter().zip(chunk_designations) {
            let at = truncate_to_micros(row.created_at);
            let draft = &row.draft;
            values.extend([
                Value::Text(designation),
                Value::Int(*number),
                Value::Text(&draft.title),
                Value::Owned(fold(&draft.title)),
                Value::Text(draft.scope.as_str()),
                Value::OptInt(draft.unit_id),
                Value::Text(&draft.process_name),
                Value::Text(&draft.participants),
                Value::Text(&draft.external_developments),
                Value::Text(&draft.incidents_considered),
                Value::Time(at),
                Value::Time(at),
            ]);
        }
        let created: HashMap<String, i64> = fetch::<(String, i64)>(tx, &sql, &values)
            .await
            .map_err(|e| e.on_unique("risk_analysis_designation_key", "designation"))?
            .into_iter()
            .collect();
        let chunk_ids = chunk_designations
            .iter()
            .map(|(d, _)| created.get(d).copied().ok_or(StoreError::Conflict))
            .collect::<Result<Vec<i64>>>()?;
        let mut system_links = Vec::new();
        let mut asset_links = Vec::new();
        for (row, id) in chunk.iter().zip(&chunk_ids) {
            system_links.extend(row.draft.system_ids.iter().map(|s| (*id, *s)));
            asset_links.extend(row.draft.asset_ids.iter().map(|a| (*id, *a)));
        }
        insert_pairs(
            tx,
            "risk_analysis_system (analysis_id, system_id)",
            &system_links,
        )
        .await?;
        insert_pairs(
            tx,
            "risk_analysis_asset (analysis_id, asset_id)",
            &asset_links,
        )
        .await?;
        for ((row, (designation, _)), id) in chunk.iter().zip(chunk_designations).zip(&chunk_ids) {
            let at = truncate_to_micros(row.created_at);
            let draft = &row.draft;
            let analysis = Analysis {
                id: *id,
                designation: designation.clone(),
                title: draft.title.clone(),
                scope: draft.scope.as_str().to_owned(),
                unit_id: draft.unit_id,
                unit_name: draft.unit_id.and_then(|u| units.get(&u).cloned()),
                process_name: draft.process_name.clone(),
                participants: draft.participants.clone(),
                external_developments: draft.external_developments.clone(),
                incidents_considered: draft.incidents_considered.clone(),
                status: "draft".to_owned(),
                current_version: 0,
                approved_at: None,
                approved_by_label: None,
                next_renewal: None,
                risk_count: 0,
                version: 1,
                created_at: at,
                updated_at: at,
            };
            audit::append(
                tx,
                actor,
                NewEvent::new(Some(organisation_id), "create", "risk_analysis", id)
                    .after(&(&analysis, draft)),
            )
            .await?;
        }
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

/// What a new risk needs to know about its analysis.
#[derive(FromRow)]
struct AnalysisRef {
    id: i64,
    designation: String,
    title: String,
    status: String,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    last_risk_number: i64,
}

/// Adds `rows` to their analyses, which must be drafts of the organisation, numbered
/// after each analysis's last risk in the order given. A risk with a treatment is
/// recorded as decided by its decision's maker; its audit event (by `actor`) shows the
/// decision. Returns the new ids in the order of `rows`.
pub async fn insert_risks(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    rows: &[NewRisk],
) -> Result<Vec<i64>> {
    let mut analyses: HashMap<i64, AnalysisRef> = fetch::<AnalysisRef>(
        tx,
        "SELECT a.id, a.designation, a.title, a.status, a.unit_id, u.name AS unit_name, a.last_risk_number \
         FROM risk_analysis a LEFT JOIN org_unit u ON u.id = a.unit_id WHERE a.organisation_id = $1",
        &[Value::Int(organisation_id)],
    )
    .await?
    .into_iter()
    .map(|a| (a.id, a))
    .collect();
    let systems = id_set(tx, "information_system", organisation_id).await?;
    let mut errors = ValidationErrors::new();
    for row in rows {
        match analyses.get(&row.analysis_id) {
            None => check(&mut errors, "analysis_id", Some(row.analysis_id), |_| false),
            Some(a) if a.status != "draft" => return Err(refused("analysis", "frozen")),
            Some(_) => {}
        }
        for id in &row.draft.system_ids {
            check(&mut errors, "system_ids", Some(*id), |id| {
                systems.contains(&id)
            });
        }
    }
    errors.finish(()).map_err(StoreError::Invalid)?;

    // Number the risks within their analyses, in the order given.
    let numbers: Vec<i64> = rows
        .iter()
        .map(|row| {
            let analysis = analyses
                .get_mut(&row.analysis_id)
                .ok_or(StoreError::NotFound)?;
            analysis.last_risk_number += 1;
            Ok(analysis.last_risk_number)
        })
        .collect::<Result<_>>()?;
    let mut touched: Vec<i64> = rows.iter().map(|r| r.analysis_id).collect();
    touched.sort_unstable();
    touched.dedup();
    for id in &touched {
        if let Some(analysis) = analyses.get(id) {
            exec_tx!(
                &mut *tx,
                "UPDATE risk_analysis SET last_risk_number = $1 WHERE id = $2",
                analysis.last_risk_number,
                id
            )?;
        }
    }

    let mut ids = Vec::with_capacity(rows.len());
    for (chunk, chunk_numbers) in rows
        .chunks(ROWS_PER_STATEMENT)
        .zip(numbers.chunks(ROWS_PER_STATEMENT))
    {
        let sql = format!(
            "INSERT INTO risk (organisation_id, analysis_id, number, title, search_title, description, threat, vulnerability, \
             likelihood, likelihood_reason, consequence, consequence_reason, level, level_rank, treatment, treatment_reason, \
             decided_by, decided_by_label, decided_at, status, handled_at, catalogue_id, created_at, updated_at) VALUES {} \
             RETURNING analysis_id, number, id",
            values_sql(
                "($1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                chunk.len(),
                1
            )
        );
        let mut values = vec![Value::Int(organisation_id)];
        let mut states = Vec::with_capacity(chunk.len());
        for (row, number) in chunk.iter().zip(chunk_numbers) {
            let state = RiskState::new(row);
            let draft = &row.draft;
            let treatment = row.treatment.as_ref();
            values.extend([
                Value::Int(row.analysis_id),
                Value::Int(*number),
                Value::Text(&draft.title),
                Value::Owned(fold(&draft.title)),
                Value::Text(&draft.description),
                Value::Text(&draft.threat),
                Value::Text(&draft.vulnerability),
                Value::Int(draft.likelihood),
                Value::Text(&draft.likelihood_reason),
                Value::Int(draft.consequence),
                Value::Text(&draft.consequence_reason),
                Value::Text(draft.level.as_str()),
                Value::Int(draft.level.index() as i64),
                Value::OptText(treatment.map(|t| t.treatment.as_str())),
                Value::Text(treatment.map_or("", |t| t.justification.as_str())),
                Value::OptInt(treatment.and_then(|t| t.decided_by.user_id)),
                Value::OptText(treatment.map(|t| t.decided_by.label.as_str())),
                Value::OptTime(state.decided_at),
                Value::Text(state.status.as_str()),
                Value::OptTime(state.handled_at),
                Value::OptText(draft.catalogue_id.as_deref()),
                Value::Time(state.updated_at),
                Value::Time(state.updated_at),
            ]);
            states.push(state);
        }
        let created: HashMap<(i64, i64), i64> = fetch::<(i64, i64, i64)>(tx, &sql, &values)
            .await
            .map_err(|e| e.on_unique("risk_number_key", "number"))?
            .into_iter()
            .map(|(analysis, number, id)| ((analysis, number), id))
            .collect();
        let chunk_ids = chunk
            .iter()
            .zip(chunk_numbers)
            .map(|(row, number)| {
                created
                    .get(&(row.analysis_id, *number))
                    .copied()
                    .ok_or(StoreError::Conflict)
            })
            .collect::<Result<Vec<i64>>>()?;
        let links: Vec<(i64, i64)> = chunk
            .iter()
            .zip(&chunk_ids)
            .flat_map(|(row, id)| row.draft.system_ids.iter().map(move |s| (*id, *s)))
            .collect();
        insert_pairs(tx, "risk_system (risk_id, system_id)", &links).await?;
        for (((row, number), id), state) in
            chunk.iter().zip(chunk_numbers).zip(&chunk_ids).zip(states)
        {
            let analysis = analyses.get(&row.analysis_id).ok_or(StoreError::NotFound)?;
            let risk = risk_snapshot(row, analysis, *id, *number, state);
            audit::append(
                tx,
                actor,
                NewEvent::new(Some(organisation_id), "create", "risk", id)
                    .after(&(&risk, &row.draft.system_ids)),
            )
            .await?;
        }
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

/// A new risk's status before any measure: open, to be treated, or handled when
/// accepted (on the day of the decision).
struct RiskState {
    status: RiskStatus,
    decided_at: Option<DateTime<Utc>>,
    handled_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

impl RiskState {
    fn new(row: &NewRisk) -> Self {
        let created_at = truncate_to_micros(row.created_at);
        let decided_at = row
            .treatment
            .as_ref()
            .map(|t| truncate_to_micros(t.decided_at));
        let status = RiskStatus::of(row.treatment.as_ref().map(|t| t.treatment), 0, 0);
        RiskState {
            status,
            decided_at,
            handled_at: decided_at.filter(|_| status == RiskStatus::Handled),
            updated_at: decided_at.map_or(created_at, |d| d.max(created_at)),
        }
    }
}

fn risk_snapshot(
    row: &NewRisk,
    analysis: &AnalysisRef,
    id: i64,
    number: i64,
    state: RiskState,
) -> Risk {
    let draft = &row.draft;
    let treatment = row.treatment.as_ref();
    Risk {
        id,
        analysis_id: row.analysis_id,
        analysis_designation: analysis.designation.clone(),
        analysis_title: analysis.title.clone(),
        analysis_status: analysis.status.clone(),
        unit_id: analysis.unit_id,
        unit_name: analysis.unit_name.clone(),
        number,
        title: draft.title.clone(),
        description: draft.description.clone(),
        threat: draft.threat.clone(),
        vulnerability: draft.vulnerability.clone(),
        likelihood: draft.likelihood,
        likelihood_reason: draft.likelihood_reason.clone(),
        consequence: draft.consequence,
        consequence_reason: draft.consequence_reason.clone(),
        level: draft.level.as_str().to_owned(),
        residual_likelihood: None,
        residual_consequence: None,
        residual_level: None,
        treatment: treatment.map(|t| t.treatment.as_str().to_owned()),
        treatment_reason: treatment.map_or_else(String::new, |t| t.justification.clone()),
        decided_by_label: treatment.map(|t| t.decided_by.label.clone()),
        decided_at: state.decided_at,
        status: state.status.as_str().to_owned(),
        handled_at: state.handled_at,
        catalogue_id: draft.catalogue_id.clone(),
        version: 1,
        created_at: truncate_to_micros(row.created_at),
        updated_at: state.updated_at,
    }
}

/// Adds `rows` to the action plan under the next free designations (in the order
/// given), linked to their risks and systems, then brings every risk they handle up to
/// date in `matrix`, as [`create_measure`](super::create_measure) does for one.
/// Returns the new ids in the order of `rows`.
pub async fn insert_measures(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    rows: &[NewMeasure],
    matrix: &RiskMatrix,
) -> Result<Vec<i64>> {
    let users: HashMap<i64, String> = fetch::<(i64, String)>(
        tx,
        "SELECT id, display_name FROM app_user WHERE organisation_id = $1",
        &[Value::Int(organisation_id)],
    )
    .await?
    .into_iter()
    .collect();
    let risks = id_set(tx, "risk", organisation_id).await?;
    let systems = id_set(tx, "information_system", organisation_id).await?;
    let objects = if rows.iter().any(|r| r.draft.source.is_some()) {
        id_set(tx, "classification_object", organisation_id).await?
    } else {
        HashSet::new()
    };
    let mut errors = ValidationErrors::new();
    for row in rows {
        let draft = &row.draft;
        check(
            &mut errors,
            "responsible_id",
            Some(draft.responsible_id),
            |id| users.contains_key(&id),
        );
        for id in &draft.risk_ids {
            check(&mut errors, "risk_ids", Some(*id), |id| risks.contains(&id));
        }
        for id in &draft.system_ids {
            check(&mut errors, "system_ids", Some(*id), |id| {
                systems.contains(&id)
            });
        }
        check(
            &mut errors,
            "source",
            draft.source.as_ref().map(|s| s.0),
            |id| objects.contains(&id),
        );
    }
    errors.finish(()).map_err(StoreError::Invalid)?;

    let designations =
        designations::reserve_numbered(tx, organisation_id, "measure", "ÅT", rows.len()).await?;
    let mut ids = Vec::with_capacity(rows.len());
    for (chunk, chunk_designations) in rows
        .chunks(ROWS_PER_STATEMENT)
        .zip(designations.chunks(ROWS_PER_STATEMENT))
    {
        let sql = format!(
            "INSERT INTO measure (organisation_id, designation, designation_number, title, search_title, description, reason, \
             category, function, residual_likelihood, residual_consequence, residual_level, responsible_id, planned_on, \
             done_on, done_note, source_object_id, source_requirement_code, created_at, updated_at) VALUES {} \
             RETURNING designation, id",
            values_sql(
                "($1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                chunk.len(),
                1
            )
        );
        let mut values = vec![Value::Int(organisation_id)];
        for (row, (designation, number)) in chunk.iter().zip(chunk_designations) {
            let draft = &row.draft;
            let at = truncate_to_micros(row.created_at);
            values.extend([
                Value::Text(designation),
                Value::Int(*number),
                Value::Text(&draft.title),
                Value::Owned(fold(&draft.title)),
                Value::Text(&draft.description),
                Value::Text(&draft.reason),
                Value::Text(draft.category.as_str()),
                Value::Text(draft.function.as_str()),
                Value::OptInt(draft.residual.map(|r| r.0)),
                Value::OptInt(draft.residual.map(|r| r.1)),
                Value::OptText(draft.residual.map(|r| r.2.as_str())),
                Value::Int(draft.responsible_id),
                Value::Date(draft.planned_on),
                Value::OptDate(draft.done_on),
                Value::Text(&draft.done_note),
                Value::OptInt(draft.source.as_ref().map(|s| s.0)),
                Value::OptText(draft.source.as_ref().map(|s| s.1.as_str())),
                Value::Time(at),
                Value::Time(at),
            ]);
        }
        let created: HashMap<String, i64> = fetch::<(String, i64)>(tx, &sql, &values)
            .await
            .map_err(|e| e.on_unique("measure_designation_key", "designation"))?
            .into_iter()
            .collect();
        let chunk_ids = chunk_designations
            .iter()
            .map(|(d, _)| created.get(d).copied().ok_or(StoreError::Conflict))
            .collect::<Result<Vec<i64>>>()?;
        let mut risk_links = Vec::new();
        let mut system_links = Vec::new();
        for (row, id) in chunk.iter().zip(&chunk_ids) {
            risk_links.extend(row.draft.risk_ids.iter().map(|r| (*id, *r)));
            system_links.extend(row.draft.system_ids.iter().map(|s| (*id, *s)));
        }
        insert_pairs(tx, "measure_risk (measure_id, risk_id)", &risk_links).await?;
        insert_pairs(tx, "measure_system (measure_id, system_id)", &system_links).await?;
        ids.extend(chunk_ids);
    }

    // Each risk is brought up to date as of its latest new measure, so a risk handled by
    // them is handled when the last of them was added.
    let mut latest: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for row in rows {
        let at = truncate_to_micros(row.created_at);
        for risk in &row.draft.risk_ids {
            let entry = latest.entry(*risk).or_insert(at);
            *entry = (*entry).max(at);
        }
    }
    let mut by_time: BTreeMap<DateTime<Utc>, Vec<i64>> = BTreeMap::new();
    for (risk, at) in latest {
        by_time.entry(at).or_default().push(risk);
    }
    for (at, mut risk_ids) in by_time {
        risk_ids.sort_unstable();
        refresh_risks(tx, &risk_ids, matrix, at).await?;
    }

    for ((row, (designation, _)), id) in rows.iter().zip(&designations).zip(&ids) {
        let draft = &row.draft;
        let at = truncate_to_micros(row.created_at);
        let measure = Measure {
            id: *id,
            designation: designation.clone(),
            title: draft.title.clone(),
            description: draft.description.clone(),
            reason: draft.reason.clone(),
            category: draft.category.as_str().to_owned(),
            function: draft.function.as_str().to_owned(),
            residual_likelihood: draft.residual.map(|r| r.0),
            residual_consequence: draft.residual.map(|r| r.1),
            residual_level: draft.residual.map(|r| r.2.as_str().to_owned()),
            responsible_id: draft.responsible_id,
            responsible_name: users
                .get(&draft.responsible_id)
                .cloned()
                .unwrap_or_default(),
            planned_on: draft.planned_on,
            done_on: draft.done_on,
            done_note: draft.done_note.clone(),
            source_object_id: draft.source.as_ref().map(|s| s.0),
            source_requirement_code: draft.source.as_ref().map(|s| s.1.clone()),
            risk_count: draft.risk_ids.len() as i64,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        audit::append(
            tx,
            actor,
            NewEvent::new(Some(organisation_id), "create", "measure", id).after(&(
                &measure,
                &draft.risk_ids,
                &draft.system_ids,
            )),
        )
        .await?;
    }
    Ok(ids)
}

/// Records `unknown-reference` for `field` (once) when `id` is given and not `known`.
fn check(errors: &mut ValidationErrors, field: &str, id: Option<i64>, known: impl Fn(i64) -> bool) {
    if id.is_some_and(|id| !known(id)) && !errors.has(field) {
        errors.add(field, "unknown-reference");
    }
}

/// The ids of the organisation's rows in `table`.
async fn id_set(tx: &mut Tx, table: &str, organisation_id: i64) -> Result<HashSet<i64>> {
    let sql = format!("SELECT id FROM {table} WHERE organisation_id = $1");
    let rows: Vec<(i64,)> = fetch(tx, &sql, &[Value::Int(organisation_id)]).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use tillit_domain::org::OrganisationKind;
    use tillit_domain::registers::SystemInput;
    use tillit_domain::risk::{
        AnalysisInput, MeasureCategory, MeasureFunction, MeasureInput, RiskContent, RiskInput,
        Scope,
    };

    use super::*;
    use crate::db::Db;
    use crate::org::{self, NewOrganisation};
    use crate::risk::{self as store, RiskFilter};
    use crate::users::{self, NewUser};
    use crate::{db_test, registers};

    #[test]
    fn placeholders_follow_the_shared_ones() {
        assert_eq!(values_sql("($1, ?, ?)", 2, 1), "($1, $2, $3), ($1, $4, $5)");
        assert_eq!(values_sql("(?)", 0, 0), "");
    }

    fn actor() -> Actor {
        Actor::system("test")
    }

    /// An organisation with one user and one system; returns their ids.
    async fn organisation(db: &Db, name: &str, org_number: &str) -> (i64, i64, i64) {
        let mut tx = db.begin().await.unwrap();
        let new = NewOrganisation {
            name,
            kind: OrganisationKind::Region,
            org_number,
            demo: false,
        };
        let organisation = org::create_organisation(&mut tx, &actor(), &new)
            .await
            .unwrap()
            .id;
        let email = format!("owner@{org_number}.example");
        let user = NewUser {
            email: &email,
            display_name: "Ägare",
            title: "",
            password_hash: "x",
        };
        let user = users::create_user_in(&mut tx, organisation, &actor(), &user)
            .await
            .unwrap()
            .id;
        tx.commit().await.unwrap();
        let draft = SystemInput {
            name: format!("Journal {name}"),
            kind: "information_system".into(),
            criticality: "high".into(),
            hosting: "supplier".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let system = registers::create_system(db, organisation, &actor(), &draft)
            .await
            .unwrap()
            .id;
        (organisation, user, system)
    }

    fn analysis(title: &str, systems: &[i64], days_ago: i64) -> NewAnalysis {
        let draft = AnalysisInput {
            title,
            scope: Some(if systems.is_empty() {
                Scope::Organisation
            } else {
                Scope::Systems
            }),
            unit_id: None,
            process_name: "",
            system_ids: systems,
            asset_ids: &[],
            participants: "",
            external_developments: "",
            incidents_considered: "",
        }
        .validate()
        .unwrap();
        NewAnalysis {
            draft,
            created_at: crate::now() - Duration::days(days_ago),
        }
    }

    fn risk(analysis_id: i64, position: (i64, i64), treatment: Option<Treatment>) -> NewRisk {
        let matrix = RiskContent::builtin().unwrap().default_matrix().clone();
        let draft = RiskInput {
            title: "Utpressningsattack",
            description: "",
            threat: "Kriminella grupper",
            vulnerability: "Platt nät",
            likelihood: Some(position.0),
            likelihood_reason: "Vanligt i sektorn",
            consequence: Some(position.1),
            consequence_reason: "Vården stannar",
            system_ids: &[],
            catalogue_id: Some("RC-RANSOM"),
        }
        .validate(&matrix)
        .unwrap();
        NewRisk {
            analysis_id,
            draft,
            created_at: crate::now() - Duration::days(50),
            treatment: treatment.map(|treatment| NewTreatment {
                treatment,
                justification: "Beslutat".into(),
                decided_by: Actor::user(1, "owner@example"),
                decided_at: crate::now() - Duration::days(45),
            }),
        }
    }

    fn measure(
        risk_ids: &[i64],
        responsible: i64,
        residual: (i64, i64),
        done_days_ago: Option<i64>,
        days_ago: i64,
    ) -> NewMeasure {
        let matrix = RiskContent::builtin().unwrap().default_matrix().clone();
        let today = crate::now().date_naive();
        let draft = MeasureInput {
            title: "Skyddade säkerhetskopior",
            description: "",
            reason: "Återställning utan lösensumma",
            category: Some(MeasureCategory::Technical),
            function: Some(MeasureFunction::Corrective),
            risk_ids,
            system_ids: &[],
            residual_likelihood: Some(residual.0),
            residual_consequence: Some(residual.1),
            responsible_id: Some(responsible),
            planned_on: Some(today - Duration::days(5)),
            done_on: done_days_ago.map(|d| today - Duration::days(d)),
            done_note: "",
            source: None,
        }
        .validate(&matrix, today)
        .unwrap();
        NewMeasure {
            draft,
            created_at: crate::now() - Duration::days(days_ago),
        }
    }

    async fn event_count(db: &Db, object_type: &str) -> i64 {
        read_scalar!(
            db,
            fetch_one,
            i64,
            "SELECT COUNT(*) FROM audit_event WHERE object_type = $1",
            object_type
        )
        .unwrap()
    }

    db_test!(
        bulk_risk_work_ends_as_if_written_one_at_a_time,
        |db| async move {
            let (region, owner, journal) = organisation(db, "Region A", "232100-0016").await;
            let (_, _, foreign_system) = organisation(db, "Region B", "232100-0024").await;
            let matrix = RiskContent::builtin().unwrap().default_matrix().clone();

            let mut tx = db.begin().await.unwrap();
            let rows = [
                analysis("Riskanalys journalen", &[journal], 60),
                analysis("Övergripande riskanalys", &[], 30),
            ];
            let ids = insert_analyses(&mut tx, region, &actor(), &rows)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let first = store::get_analysis(db, region, ids[0]).await.unwrap();
            let second = store::get_analysis(db, region, ids[1]).await.unwrap();
            assert_eq!(
                (first.designation.as_str(), second.designation.as_str()),
                ("RA-0001", "RA-0002")
            );
            assert!(first.is_draft());
            let (systems, _) = store::analysis_systems(db, region, first.id).await.unwrap();
            assert_eq!(systems.len(), 1);

            let mut tx = db.begin().await.unwrap();
            let rows = [
                risk(first.id, (3, 4), Some(Treatment::Reduce)),
                risk(second.id, (1, 2), Some(Treatment::Accept)),
                risk(first.id, (4, 4), None),
                risk(first.id, (2, 2), Some(Treatment::Eliminate)),
            ];
            let risk_ids = insert_risks(&mut tx, region, &actor(), &rows)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let risks: Vec<Risk> = {
                let mut loaded = Vec::new();
                for id in &risk_ids {
                    loaded.push(store::get_risk(db, region, *id).await.unwrap());
                }
                loaded
            };
            let numbers: Vec<i64> = risks.iter().map(|r| r.number).collect();
            assert_eq!(numbers, [1, 1, 2, 3]);
            assert_eq!(risks[0].level, "very_high");
            assert_eq!(risks[0].status, "in_treatment");
            assert_eq!(risks[1].status, "handled");
            assert!(risks[1].handled_at.is_some());
            assert_eq!(risks[1].decided_by_label.as_deref(), Some("owner@example"));
            assert_eq!(risks[2].status, "open");
            let untreated = store::serious_untreated(
                db,
                region,
                None,
                &tillit_domain::auth::Reach::Everywhere,
                10,
            )
            .await
            .unwrap();
            assert_eq!(untreated.total, 1);
            assert_eq!(untreated.items[0].id, risk_ids[2]);

            // Two measures for the first risk (one done), one done for the eliminated one.
            let mut tx = db.begin().await.unwrap();
            let rows = [
                measure(&[risk_ids[0]], owner, (2, 3), Some(3), 20),
                measure(&[risk_ids[0], risk_ids[3]], owner, (2, 4), None, 10),
                measure(&[risk_ids[3]], owner, (1, 1), Some(2), 15),
            ];
            let measure_ids = insert_measures(&mut tx, region, &actor(), &rows, &matrix)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let designations: Vec<String> = {
                let mut loaded = Vec::new();
                for id in &measure_ids {
                    loaded.push(
                        store::get_measure(db, region, *id)
                            .await
                            .unwrap()
                            .designation,
                    );
                }
                loaded
            };
            assert_eq!(designations, ["ÅT-0001", "ÅT-0002", "ÅT-0003"]);
            let reduced = store::get_risk(db, region, risk_ids[0]).await.unwrap();
            assert_eq!(reduced.status, "in_treatment");
            assert_eq!(
                (reduced.residual_likelihood, reduced.residual_consequence),
                (Some(2), Some(3))
            );
            assert_eq!(reduced.residual_level.as_deref(), Some("high"));
            let eliminated = store::get_risk(db, region, risk_ids[3]).await.unwrap();
            assert_eq!(
                eliminated.status, "in_treatment",
                "one of its measures is not done"
            );
            assert_eq!(eliminated.residual_level.as_deref(), Some("low"));
            let measures = store::risk_measures(db, region, risk_ids[0]).await.unwrap();
            assert_eq!(measures.len(), 2);

            let mut tx = db.begin().await.unwrap();
            let done = [measure(&[risk_ids[3]], owner, (1, 2), Some(1), 1)];
            insert_measures(&mut tx, region, &actor(), &done, &matrix)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let still = store::get_risk(db, region, risk_ids[3]).await.unwrap();
            assert_eq!(still.status, "in_treatment");
            assert!(still.handled_at.is_none());

            // A risk whose measures are all done is handled when the last of them was added.
            let mut tx = db.begin().await.unwrap();
            let rows = [risk(first.id, (2, 3), Some(Treatment::Reduce))];
            let handled = insert_risks(&mut tx, region, &actor(), &rows)
                .await
                .unwrap()[0];
            let rows = [
                measure(&[handled], owner, (1, 3), Some(4), 12),
                measure(&[handled], owner, (2, 2), Some(3), 8),
            ];
            insert_measures(&mut tx, region, &actor(), &rows, &matrix)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let handled = store::get_risk(db, region, handled).await.unwrap();
            assert_eq!(handled.number, 4);
            assert_eq!(handled.status, "handled");
            assert_eq!(
                handled.handled_at,
                Some(truncate_to_micros(rows[1].created_at))
            );
            assert_eq!(
                (handled.residual_likelihood, handled.residual_consequence),
                (Some(1), Some(3)),
                "the best position any of its measures promises"
            );

            // One event per row, as if each had been created on its own.
            assert_eq!(event_count(db, "risk_analysis").await, 2);
            assert_eq!(event_count(db, "risk").await, 5);
            assert_eq!(event_count(db, "measure").await, 6);

            // The second analysis has every risk decided and can be approved as usual.
            let mut tx = db.begin().await.unwrap();
            let approved =
                store::approve_analysis_in(&mut tx, region, &actor(), second.id, 1, crate::now())
                    .await
                    .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(approved.current_version, 1);

            // A risk for an approved analysis, another organisation's system or an unknown
            // analysis is refused, and nothing is written.
            let mut frozen = risk(second.id, (1, 1), None);
            let mut tx = db.begin().await.unwrap();
            let error = insert_risks(&mut tx, region, &actor(), std::slice::from_ref(&frozen))
                .await
                .unwrap_err();
            assert!(matches!(error, StoreError::Invalid(_)), "{error:?}");
            drop(tx);
            frozen.analysis_id = first.id;
            frozen.draft.system_ids = vec![foreign_system];
            let mut tx = db.begin().await.unwrap();
            let error = insert_risks(&mut tx, region, &actor(), &[frozen])
                .await
                .unwrap_err();
            let StoreError::Invalid(errors) = error else {
                panic!("{error:?}")
            };
            assert!(errors.has("system_ids"));
            drop(tx);
            let mut tx = db.begin().await.unwrap();
            let error = insert_measures(
                &mut tx,
                region,
                &actor(),
                &[measure(&[i64::MAX], owner, (1, 1), None, 1)],
                &matrix,
            )
            .await
            .unwrap_err();
            assert!(matches!(error, StoreError::Invalid(_)), "{error:?}");
            drop(tx);
            let all = store::list_risks(db, region, &RiskFilter::default(), false, 50, 0)
                .await
                .unwrap();
            assert_eq!(all.total, 5);
        }
    );
}
