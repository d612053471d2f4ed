//! The risk part of the large dataset: about a thousand analyses across the large tree —
//! one per operation and several per unit, each covering one of the operation's systems
//! — with twenty risks from the sector catalogue and thirty measures each, at varied
//! positions, treatments and stages. Most analyses are approved (some so long ago that
//! their renewal is overdue); the rest are drafts with undecided risks.
//!
//! Rows go in with the store's multi-row inserts, one transaction for the analyses, one
//! for the risks and one for the measures; the approvals take a fourth.

use std::collections::HashMap;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use tillit_domain::pagination::PageRequest;
use tillit_domain::risk::{
    AnalysisInput, CatalogueRisk, MeasureInput, RiskContent, RiskInput, RiskMatrix, Scope,
    Treatment,
};
use tillit_store::registers::SystemFilter;
use tillit_store::risk::{self as store, NewAnalysis, NewMeasure, NewRisk, NewTreatment};
use tillit_store::{Actor, Db};

use super::{demo_actor, large_email, LargeTree};

/// Analyses of systems at every unit of the large tree, besides one per operation.
const ANALYSES_PER_UNIT: usize = 4;
const RISKS_PER_ANALYSIS: usize = 20;
const MEASURES_PER_ANALYSIS: usize = 30;
/// Of every ten analyses, this many are approved; the rest are drafts.
const APPROVED_OF_TEN: u64 = 7;

/// Which of an operation's systems (by template index, see `large_registers`) the unit
/// analyses cover, in turn.
const ANALYSED_SYSTEMS: [usize; 12] = [2, 7, 28, 4, 10, 6, 9, 12, 29, 16, 3, 8];

const LIKELIHOOD_REASONS: [&str; 4] = [
    "Har inte inträffat hos oss och är ovanligt i sektorn.",
    "Har inträffat i sektorn men sällan hos oss.",
    "Har inträffat hos oss eller hos liknande verksamheter de senaste åren.",
    "Inträffar flera gånger per år eller pågår redan.",
];

const CONSEQUENCE_REASONS: [&str; 4] = [
    "Hanteras inom det vanliga arbetet utan påverkan på vården.",
    "Stör verksamheten tillfälligt; reservrutiner behövs några timmar.",
    "Kan ge vårdskada eller röja känsliga uppgifter om många personer.",
    "Hotar liv och hälsa eller verksamhetens viktigaste uppgifter under lång tid.",
];

/// What the large risk dataset holds.
pub(super) struct LargeRisks {
    pub(super) analyses: usize,
    pub(super) risks: usize,
    pub(super) measures: usize,
    pub(super) approved: usize,
}

/// One planned analysis of the large dataset.
struct Plan {
    unit_id: i64,
    /// Index into the tree's placements, or `None` for an operation's own analysis.
    placement: Option<usize>,
    operation: usize,
    system: Option<i64>,
    title: String,
    /// Days before the load it was created.
    created: i64,
    /// Days before the load it was approved, if it was.
    approved: Option<i64>,
    /// The information owner who decides treatments and approves.
    owner: Actor,
}

/// splitmix64: a well-spread, repeatable number for choice `n`.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A step from 1 to 4, weighted by `weights` (per cent, summing to 100).
fn step(h: u64, weights: [u64; 4]) -> i64 {
    let mut roll = h % 100;
    for (i, weight) in weights.iter().enumerate() {
        if roll < *weight {
            return i as i64 + 1;
        }
        roll -= weight;
    }
    4
}

/// Index into `users` of the `k`th person (wrapping around) working at placement `p`:
/// users are placed round-robin over the placements.
fn worker(tree: &LargeTree, users: &[i64], p: usize, k: usize) -> anyhow::Result<usize> {
    let n = tree.placements.len().max(1);
    let working_there = users.len().saturating_sub(p).div_ceil(n).max(1);
    let index = p + n * (k % working_there);
    if index < users.len() {
        Ok(index)
    } else {
        Err(anyhow!(
            "the large dataset has too few users for its risk work"
        ))
    }
}

fn actor(users: &[i64], index: usize) -> anyhow::Result<Actor> {
    let id = users
        .get(index)
        .copied()
        .context("a large-dataset user out of range")?;
    Ok(Actor::user(id, large_email(index + 1)))
}

/// The names of the organisation's register entries, by id.
async fn system_names(db: &Db, organisation_id: i64) -> anyhow::Result<HashMap<i64, String>> {
    let mut names = HashMap::new();
    for page in 1.. {
        let listed = tillit_store::registers::list_systems(
            db,
            organisation_id,
            &SystemFilter::default(),
            PageRequest {
                page,
                per_page: 500,
            },
        )
        .await?;
        let done = listed.items.len() < 500;
        names.extend(listed.items.into_iter().map(|s| (s.id, s.name)));
        if done {
            break;
        }
    }
    Ok(names)
}

/// Plans an analysis for every operation of `tree` and [`ANALYSES_PER_UNIT`] for every
/// unit, each unit analysis covering one of its operation's `systems` (given operation
/// by operation, as `create_large_systems` returns them).
fn plan(
    tree: &LargeTree,
    users: &[i64],
    systems: &[i64],
    names: &HashMap<i64, String>,
) -> anyhow::Result<Vec<Plan>> {
    let per_operation = systems.len() / tree.operations.len().max(1);
    let mut plans = Vec::new();
    for (o, operation) in tree.operations.iter().enumerate() {
        let first = *operation
            .placements
            .first()
            .context("a large operation without units")?;
        let operation_id = tree.placements[first].operation_id;
        let owner = actor(users, worker(tree, users, first, 1)?)?;
        plans.push(Plan {
            unit_id: operation_id,
            placement: None,
            operation: o,
            system: None,
            title: format!("Riskanalys {}", operation.name),
            created: 0,
            approved: None,
            owner: owner.clone(),
        });
        let operation_systems = systems
            .get(o * per_operation..(o + 1) * per_operation)
            .unwrap_or_default();
        for (u, p) in operation.placements.iter().enumerate() {
            let place = tree.placements[*p];
            for k in 0..ANALYSES_PER_UNIT {
                let template =
                    ANALYSED_SYSTEMS[(u * ANALYSES_PER_UNIT + k) % ANALYSED_SYSTEMS.len()];
                let system = operation_systems.get(template).copied();
                let system_name = system
                    .and_then(|id| names.get(&id))
                    .map_or(operation.name.as_str(), String::as_str);
                plans.push(Plan {
                    unit_id: place.unit_id,
                    placement: Some(*p),
                    operation: o,
                    system,
                    title: format!("Riskanalys {system_name} – {}", place.unit_name),
                    created: 0,
                    approved: None,
                    owner: owner.clone(),
                });
            }
        }
    }
    for (i, plan) in plans.iter_mut().enumerate() {
        let h = mix(i as u64);
        if h % 10 < APPROVED_OF_TEN {
            // Created 40–500 days ago and approved a month later: those approved more
            // than a year ago are overdue for renewal.
            plan.created = 40 + (h >> 8) as i64 % 460;
            plan.approved = Some(plan.created - 30);
        } else {
            plan.created = 30 + (h >> 8) as i64 % 200;
        }
    }
    Ok(plans)
}

/// A risk's treatment: every risk of an approved analysis is decided, four in ten of a
/// draft's are not. Low and medium risks are sometimes accepted.
fn treatment_for(h: u64, approved: bool, serious: bool) -> Option<Treatment> {
    let roll = (h >> 16) % 100;
    if !approved && roll < 40 {
        return None;
    }
    match (h >> 24) % 100 {
        r if r < 15 && !serious => Some(Treatment::Accept),
        r if (15..23).contains(&r) => Some(Treatment::Eliminate),
        _ => Some(Treatment::Reduce),
    }
}

/// Builds the rows of the large risk dataset from the plans.
struct Generator<'a> {
    tree: &'a LargeTree,
    users: &'a [i64],
    content: RiskContent,
    matrix: RiskMatrix,
    now: DateTime<Utc>,
}

/// What the measures need to know about a risk already written.
struct Written {
    id: i64,
    likelihood: i64,
    consequence: i64,
    treatment: Option<Treatment>,
}

impl Generator<'_> {
    fn days_ago(&self, days: i64) -> DateTime<Utc> {
        self.now - Duration::days(days)
    }

    /// The risks of analysis `i`: [`RISKS_PER_ANALYSIS`] taken from the catalogue in turn.
    fn catalogue_risk(&self, i: usize, j: usize) -> &CatalogueRisk {
        let catalogue = self.content.catalogue();
        &catalogue[(i * 5 + j) % catalogue.len()]
    }

    fn analysis(&self, plan: &Plan) -> anyhow::Result<NewAnalysis> {
        let system_ids: Vec<i64> = plan.system.into_iter().collect();
        let draft = AnalysisInput {
            title: &plan.title,
            scope: Some(if plan.system.is_some() {
                Scope::Systems
            } else {
                Scope::Unit
            }),
            unit_id: Some(plan.unit_id),
            process_name: "",
            system_ids: &system_ids,
            asset_ids: &[],
            participants: "Verksamhetschef, informationsägare, systemförvaltare och informationssäkerhetssamordnare",
            external_developments: "Utpressningsattacker och nätfiske mot vården och dess leverantörer.",
            incidents_considered: "Verksamhetens avvikelser och incidenter under året.",
        }
        .validate()
        .map_err(|e| anyhow!("large analysis {}: {e:?}", plan.title))?;
        Ok(NewAnalysis {
            draft,
            created_at: self.days_ago(plan.created),
        })
    }

    /// Risk `j` of analysis `i`, at a varied position, usually with a decided treatment.
    fn risk(&self, plan: &Plan, analysis_id: i64, i: usize, j: usize) -> anyhow::Result<NewRisk> {
        let h = mix((i * RISKS_PER_ANALYSIS + j) as u64 ^ 0x5eed);
        let entry = self.catalogue_risk(i, j);
        let likelihood = step(h, [20, 35, 30, 15]);
        let consequence = step(h >> 32, [15, 30, 35, 20]);
        let title = if j < self.content.catalogue().len() {
            entry.title.sv.clone()
        } else {
            let subject = plan.title.trim_start_matches("Riskanalys ");
            format!("{} ({subject})", entry.title.sv)
        };
        let system_ids: Vec<i64> = plan.system.into_iter().collect();
        let draft = RiskInput {
            title: &title,
            description: &entry.description.sv,
            threat: &entry.threat.sv,
            vulnerability: &entry.vulnerability.sv,
            consequence: Some(consequence),
            consequence_reason: CONSEQUENCE_REASONS[consequence as usize - 1],
            likelihood: Some(likelihood),
            likelihood_reason: LIKELIHOOD_REASONS[likelihood as usize - 1],
            system_ids: &system_ids,
            catalogue_id: Some(&entry.id),
        }
        .validate(&self.matrix)
        .map_err(|e| anyhow!("large risk {title}: {e:?}"))?;
        let serious = draft.level.is_serious();
        let treatment =
            treatment_for(h, plan.approved.is_some(), serious).map(|treatment| NewTreatment {
                treatment,
                justification: match treatment {
                    Treatment::Accept => "Risken ryms inom verksamhetens riskaptit.",
                    Treatment::Eliminate => "Arbetssättet som ger upphov till risken upphör.",
                    Treatment::Reduce => "Risken minskas med åtgärderna i åtgärdsplanen.",
                }
                .to_owned(),
                decided_by: plan.owner.clone(),
                decided_at: self.days_ago(plan.created - 10),
            });
        Ok(NewRisk {
            analysis_id,
            draft,
            created_at: self.days_ago(plan.created - 2),
            treatment,
        })
    }

    /// The measures of analysis `i`, whose risks are `risks`: [`MEASURES_PER_ANALYSIS`]
    /// for those to be reduced or eliminated, none if there are no such risks.
    fn measures(
        &self,
        plan: &Plan,
        i: usize,
        risks: &[Written],
    ) -> anyhow::Result<Vec<NewMeasure>> {
        let treated: Vec<usize> = (0..risks.len())
            .filter(|r| {
                matches!(
                    risks[*r].treatment,
                    Some(Treatment::Reduce | Treatment::Eliminate)
                )
            })
            .collect();
        if treated.is_empty() {
            return Ok(Vec::new());
        }
        let written = plan.created - 15;
        let system_ids: Vec<i64> = plan.system.into_iter().collect();
        let place = plan
            .placement
            .or_else(|| {
                self.tree.operations[plan.operation]
                    .placements
                    .first()
                    .copied()
            })
            .context("a large operation without units")?;
        let day = |offset: i64| (self.now + Duration::days(offset)).date_naive();
        let mut measures = Vec::with_capacity(MEASURES_PER_ANALYSIS);
        for m in 0..MEASURES_PER_ANALYSIS {
            let h = mix((i * MEASURES_PER_ANALYSIS + m) as u64 ^ 0xacce55);
            let r = treated[m % treated.len()];
            let risk = &risks[r];
            // Every fourth measure handles a second risk of the analysis too.
            let mut handles = vec![risk.id];
            let second = treated[(m + 3) % treated.len()];
            if m % 4 == 3 && second != r {
                handles.push(risks[second].id);
            }
            let entry = self.catalogue_risk(i, r);
            let suggestion = &entry.measures[m % entry.measures.len()];
            let residual = (
                (risk.likelihood - 1 - (h % 2) as i64).max(1),
                (risk.consequence - ((h >> 1) % 2) as i64).max(1),
            );
            let (planned_on, done_on) = measure_dates(h, written, plan.approved, &day);
            let early = done_on.is_some_and(|done| done < planned_on);
            let responsible = worker(self.tree, self.users, place, m + 2)?;
            let draft = MeasureInput {
                title: &suggestion.title.sv,
                description: "",
                reason: &suggestion.reason.sv,
                category: Some(suggestion.category),
                function: Some(suggestion.function),
                risk_ids: &handles,
                system_ids: &system_ids,
                residual_likelihood: Some(residual.0),
                residual_consequence: Some(residual.1),
                responsible_id: Some(self.users[responsible]),
                planned_on: Some(planned_on),
                done_on,
                done_note: if early {
                    "Klar före planerat datum."
                } else {
                    ""
                },
                source: None,
            }
            .validate(&self.matrix, self.now.date_naive())
            .map_err(|e| anyhow!("large measure {}: {e:?}", suggestion.title.sv))?;
            measures.push(NewMeasure {
                draft,
                created_at: self.days_ago(written),
            });
        }
        Ok(measures)
    }
}

/// Loads the risk dataset for the large tree in its own transactions, as the demo
/// actor, dated relative to `now`.
pub(super) async fn load_large_risks(
    db: &Db,
    organisation_id: i64,
    tree: &LargeTree,
    users: &[i64],
    systems: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<LargeRisks> {
    let content = RiskContent::builtin().map_err(|e| anyhow!("{e}"))?;
    if content.catalogue().is_empty() {
        return Err(anyhow!("the risk catalogue is empty"));
    }
    let matrix = match store::current_method(db, organisation_id).await? {
        Some(method) => method.matrix,
        None => content.default_matrix().clone(),
    };
    let names = system_names(db, organisation_id).await?;
    let plans = plan(tree, users, systems, &names)?;
    let generator = Generator {
        tree,
        users,
        content,
        matrix,
        now,
    };
    let actor = demo_actor();

    let rows = plans
        .iter()
        .map(|plan| generator.analysis(plan))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut tx = db.begin().await?;
    let analysis_ids = store::insert_analyses(&mut tx, organisation_id, &actor, &rows)
        .await
        .context("creating the large dataset's analyses")?;
    tx.commit().await?;

    let mut rows = Vec::with_capacity(plans.len() * RISKS_PER_ANALYSIS);
    for (i, (plan, id)) in plans.iter().zip(&analysis_ids).enumerate() {
        for j in 0..RISKS_PER_ANALYSIS {
            rows.push(generator.risk(plan, *id, i, j)?);
        }
    }
    let mut tx = db.begin().await?;
    let risk_ids = store::insert_risks(&mut tx, organisation_id, &actor, &rows)
        .await
        .context("creating the large dataset's risks")?;
    tx.commit().await?;
    let written: Vec<Written> = rows
        .iter()
        .zip(&risk_ids)
        .map(|(row, id)| Written {
            id: *id,
            likelihood: row.draft.likelihood,
            consequence: row.draft.consequence,
            treatment: row.treatment.as_ref().map(|t| t.treatment),
        })
        .collect();
    drop(rows);

    let mut rows = Vec::with_capacity(plans.len() * MEASURES_PER_ANALYSIS);
    for (i, (plan, risks)) in plans
        .iter()
        .zip(written.chunks(RISKS_PER_ANALYSIS))
        .enumerate()
    {
        rows.extend(generator.measures(plan, i, risks)?);
    }
    let mut tx = db.begin().await?;
    let measure_ids =
        store::insert_measures(&mut tx, organisation_id, &actor, &rows, &generator.matrix)
            .await
            .context("creating the large dataset's measures")?;
    tx.commit().await?;

    // Approval freezes each approved analysis, with its risks and measures, as version 1.
    let mut approved = 0;
    let mut tx = db.begin().await?;
    for (plan, id) in plans.iter().zip(&analysis_ids) {
        let Some(days) = plan.approved else {
            continue;
        };
        let at = generator.days_ago(days);
        store::approve_analysis_in(&mut tx, organisation_id, &plan.owner, *id, 1, at)
            .await
            .with_context(|| format!("approving {}", plan.title))?;
        approved += 1;
    }
    tx.commit().await?;

    Ok(LargeRisks {
        analyses: analysis_ids.len(),
        risks: risk_ids.len(),
        measures: measure_ids.len(),
        approved,
    })
}

/// The planned and done days of a measure written `written` days before the load:
/// about 45 % done, 20 % late and the rest planned ahead. A measure of an approved
/// analysis was done before the approval, so the approved version agrees with the plan.
fn measure_dates(
    h: u64,
    written: i64,
    approved: Option<i64>,
    day: &impl Fn(i64) -> NaiveDate,
) -> (NaiveDate, Option<NaiveDate>) {
    let roll = (h >> 8) % 100;
    let spread = |range: i64| ((h >> 20) % range.max(1) as u64) as i64;
    if roll < 45 {
        // Done between the writing and the approval (or the load).
        let latest = approved.unwrap_or(0) + 1;
        let done = latest + spread(written - latest);
        let planned = done + 14 - spread(28);
        (day(-planned), Some(day(-done)))
    } else if roll < 65 {
        // Late: planned after it was written, before the load.
        let planned = 1 + spread((written - 1).min(300));
        (day(-planned), None)
    } else {
        (day(10 + spread(300)), None)
    }
}
