//! The demo's governance: Region Sörmark's governing documents (the information security
//! policy adopted by the regional council in three versions, guidelines, routines for
//! log follow-up, incidents, changes and continuity; one review overdue, one draft out on
//! consultation, one repealed), and the internal control plan of this year with reports
//! from some administrations, one of them a deviation.
//!
//! Written after the demo organisation, as the coordinator.

use anyhow::{anyhow, Context};
use chrono::{Datelike, Days, NaiveDate, Utc};
use tillit_domain::documents::{Consultation, DocumentDraft, DocumentKind, DocumentStatus};
use tillit_domain::internal_control::{Frequency, ItemDraft, ReportDraft, ReportStatus};
use tillit_store::{documents, internal_control, org, users, Actor, Db};

const COORDINATOR: &str = "samordnare@region.example";
const OWNER: &str = "informationsagare@region.example";
const HEALTH_CARE: &str = "Hälso- och sjukvårdsförvaltningen";
const SOCIAL_CARE: &str = "Vård- och omsorgsförvaltningen";

/// Titles the tests look for.
pub(super) const POLICY: &str = "Informationssäkerhetspolicy";
pub(super) const OVERDUE: &str = "Rutin för incidenthantering";

/// What the demo's governance wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DemoGovernance {
    pub(crate) documents: usize,
    pub(crate) control_items: usize,
    pub(crate) control_reports: usize,
}

/// One demo document: the fields that differ between them.
struct Spec {
    kind: DocumentKind,
    title: &'static str,
    summary: &'static str,
    approver: &'static str,
    case_number: &'static str,
    valid_from: &'static str,
    /// Days from today to the next review; negative is overdue.
    review_in_days: i64,
    status: DocumentStatus,
    consultation: Consultation,
    checklist_item: Option<&'static str>,
    requirement_code: Option<&'static str>,
    legal_reference: &'static str,
    /// Placed at this administration; the whole organisation when `None`.
    unit: Option<&'static str>,
}

const fn approved(
    kind: DocumentKind,
    title: &'static str,
    approver: &'static str,
    case_number: &'static str,
    valid_from: &'static str,
    review_in_days: i64,
) -> Spec {
    Spec {
        kind,
        title,
        summary: "",
        approver,
        case_number,
        valid_from,
        review_in_days,
        status: DocumentStatus::Approved,
        consultation: Consultation::Done,
        checklist_item: None,
        requirement_code: None,
        legal_reference: "",
        unit: None,
    }
}

fn specs() -> Vec<Spec> {
    use DocumentKind::*;
    vec![
        Spec {
            summary: "Mål och principer för informationssäkerheten i hela regionen: säker och riskbaserad informationshantering, god säkerhetskultur, effektiv incidenthantering och robust informationshantering.",
            checklist_item: Some("security-policy"),
            requirement_code: Some("K-GOV-01"),
            legal_reference: "HSLF-FS 2016:40 3 kap.",
            ..approved(Policy, POLICY, "Regionfullmäktige", "RS/937/2018", "2022-11-01", 240)
        },
        Spec {
            summary: "Hur policyn tillämpas: roller och ansvar, informationsklassning, riskanalys och uppföljning.",
            ..approved(Guideline, "Riktlinje för informationssäkerhet", "Regionstyrelsen", "RS/1021/2019", "2023-03-01", 120)
        },
        approved(Guideline, "Riktlinje för informationsklassning", "Regionstyrelsen", "RS/455/2021", "2024-01-15", 300),
        Spec {
            summary: "Regionens val av metod för riskanalys, byggd på SS-ISO/IEC 27005, med skalor och riskmatris.",
            checklist_item: Some("risk-method"),
            legal_reference: "Socialstyrelsens förslag till föreskrifter om säkerhetsåtgärder 7 §",
            ..approved(Routine, "Metod för riskanalys", "Regiondirektören", "RS/88/2025", "2025-02-01", 60)
        },
        Spec {
            summary: "Vilka uppgifter journalsystemet loggar, hur loggarna skyddas och hur stickprov görs varje månad.",
            checklist_item: Some("log-routines"),
            legal_reference: "HSLF-FS 2016:40 4 kap. 9 §",
            unit: Some(HEALTH_CARE),
            ..approved(Routine, "Rutin för logguppföljning i journalsystemet", "Förvaltningschef", "HSF/310/2024", "2024-09-01", 45)
        },
        Spec {
            summary: "Hur incidenter upptäcks, rapporteras internt, bedöms och hanteras, och vem som rapporterar till myndigheterna.",
            checklist_item: Some("incident-routines"),
            legal_reference: "Cybersäkerhetslag (2025:1506) 2 kap.",
            ..approved(Routine, OVERDUE, "Regiondirektören", "RS/612/2023", "2023-06-01", -21)
        },
        Spec {
            summary: "Acceptabel återställningstid, reservrutiner på papper och hur de övas för journalsystemet.",
            checklist_item: Some("continuity-plans"),
            unit: Some(HEALTH_CARE),
            ..approved(Plan, "Kontinuitetsplan för VIS Kosmos", "Förvaltningschef", "HSF/77/2025", "2025-04-01", 150)
        },
        Spec {
            status: DocumentStatus::Draft,
            consultation: Consultation::Ongoing,
            checklist_item: Some("continuity-plans"),
            ..approved(Plan, "Kontinuitetsplan för 1177 e-tjänster", "", "", "", 200)
        },
        Spec {
            summary: "Kvalitetskontroller före och efter förändringar, och planen för att återställa system om en förändring leder till en incident.",
            checklist_item: Some("change-and-restore"),
            ..approved(Process, "Process för ändringshantering och återställning", "Regiondirektören", "RS/233/2024", "2024-05-01", 90)
        },
        Spec {
            status: DocumentStatus::Draft,
            consultation: Consultation::Ongoing,
            checklist_item: Some("software-management"),
            summary: "Hur kända sårbarheter i programvaran bevakas, bedöms och åtgärdas.",
            ..approved(Routine, "Rutin för säker programvaruhantering", "", "", "", 100)
        },
        approved(Guideline, "Riktlinje för användning av Microsoft Teams", "Regiondirektören", "RS/1302/2022", "2022-10-01", 30),
        approved(Instruction, "Lathund i informationssäkerhet för chefer", "Informationssäkerhetsrådet", "", "2025-09-01", 330),
        Spec {
            legal_reference: "Patientdatalagen (2008:355) 4 kap. 2 §",
            ..approved(Instruction, "Instruktion för tilldelning av behörigheter", "Förvaltningschef", "HSF/19/2025", "2025-01-20", 180)
        },
        Spec {
            legal_reference: "Patientdatalagen (2008:355) 8 kap. 5 §",
            unit: Some(HEALTH_CARE),
            ..approved(Routine, "Rutin för loggutdrag till patient", "Förvaltningschef", "HSF/402/2024", "2024-11-01", 270)
        },
        Spec {
            status: DocumentStatus::Repealed,
            ..approved(Guideline, "Riktlinje för IT-säkerhet", "Regionstyrelsen", "LS/140/2014", "2014-05-01", -900)
        },
    ]
}

/// The policy's first version (adopted 2015) and each later one with what it changed;
/// the last is the version in force.
const POLICY_VERSIONS: [(&str, &str, &str); 3] = [
    ("2015-06-01", "LS/566/2015", ""),
    (
        "2020-11-01",
        "RS/937/2018",
        "Anpassad till regionens nya organisation.",
    ),
    (
        "2022-11-01",
        "RS/937/2018",
        "Förtydligade roller och ansvar och ett förbättrat informationssäkerhetsarbete.",
    ),
];

fn date(text: &str) -> anyhow::Result<Option<NaiveDate>> {
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .with_context(|| format!("demo date {text}"))
}

fn in_days(today: NaiveDate, days: i64) -> anyhow::Result<NaiveDate> {
    let step = Days::new(days.unsigned_abs());
    if days >= 0 {
        today.checked_add_days(step)
    } else {
        today.checked_sub_days(step)
    }
    .ok_or_else(|| anyhow!("date out of range"))
}

struct Setting {
    organisation_id: i64,
    actor: Actor,
    owner_id: i64,
    units: Vec<tillit_store::org::OrgUnit>,
    today: NaiveDate,
}

impl Setting {
    async fn new(db: &Db, organisation_id: i64) -> anyhow::Result<Self> {
        let person = |email: &'static str| async move {
            users::find_user_by_email(db, email)
                .await?
                .ok_or_else(|| anyhow!("the demo has no {email}"))
        };
        let coordinator = person(COORDINATOR).await?;
        let owner = person(OWNER).await?;
        Ok(Self {
            organisation_id,
            actor: Actor::user(coordinator.id, COORDINATOR),
            owner_id: owner.id,
            units: org::all_units(db, organisation_id).await?,
            today: Utc::now()
                .with_timezone(&chrono_tz::Europe::Stockholm)
                .date_naive(),
        })
    }

    fn unit(&self, name: &str) -> anyhow::Result<i64> {
        self.units
            .iter()
            .find(|u| u.name == name)
            .map(|u| u.id)
            .ok_or_else(|| anyhow!("the demo has no unit {name}"))
    }

    fn administrations(&self) -> Vec<i64> {
        self.units
            .iter()
            .filter(|u| u.kind == "administration")
            .map(|u| u.id)
            .collect()
    }

    fn draft(&self, spec: &Spec) -> anyhow::Result<DocumentDraft> {
        Ok(DocumentDraft {
            kind: spec.kind,
            title: spec.title.to_owned(),
            summary: spec.summary.to_owned(),
            owner_id: self.owner_id,
            approver: spec.approver.to_owned(),
            case_number: spec.case_number.to_owned(),
            valid_from: date(spec.valid_from)?,
            next_review: Some(in_days(self.today, spec.review_in_days)?),
            requirement_code: spec.requirement_code.map(str::to_owned),
            legal_reference: spec.legal_reference.to_owned(),
            consultation: spec.consultation,
            status: spec.status,
            unit_id: spec.unit.map(|name| self.unit(name)).transpose()?,
            checklist_item: spec.checklist_item.map(str::to_owned),
        })
    }
}

/// Writes the demo's governing documents and internal control plan.
pub(crate) async fn load_governance(
    db: &Db,
    organisation_id: i64,
) -> anyhow::Result<DemoGovernance> {
    let setting = Setting::new(db, organisation_id).await?;
    let mut count = 0;
    for spec in specs() {
        let draft = setting.draft(&spec)?;
        if spec.title == POLICY {
            create_policy_with_history(db, &setting, &draft).await?;
        } else {
            documents::create_document(db, organisation_id, &setting.actor, &draft).await?;
        }
        count += 1;
    }
    let (items, reports) = create_control_plan(db, &setting).await?;
    Ok(DemoGovernance {
        documents: count,
        control_items: items,
        control_reports: reports,
    })
}

/// The policy as adopted in 2015, then its later versions.
async fn create_policy_with_history(
    db: &Db,
    setting: &Setting,
    current: &DocumentDraft,
) -> anyhow::Result<()> {
    let version = |(valid, case, _): (&str, &str, &str)| -> anyhow::Result<DocumentDraft> {
        Ok(DocumentDraft {
            valid_from: date(valid)?,
            case_number: case.to_owned(),
            ..current.clone()
        })
    };
    let mut document = documents::create_document(
        db,
        setting.organisation_id,
        &setting.actor,
        &version(POLICY_VERSIONS[0])?,
    )
    .await?;
    for later in POLICY_VERSIONS.into_iter().skip(1) {
        document = documents::new_revision(
            db,
            setting.organisation_id,
            &setting.actor,
            document.id,
            document.version,
            &version(later)?,
            later.2,
        )
        .await?;
    }
    Ok(())
}

/// This year's plan: four controls, reported on by some of the administrations.
async fn create_control_plan(db: &Db, setting: &Setting) -> anyhow::Result<(usize, usize)> {
    let year = i64::from(setting.today.year());
    let health = setting.unit(HEALTH_CARE)?;
    let social = setting.unit(SOCIAL_CARE)?;
    let all = setting.administrations();
    let plan = [
        (
            "Verksamheten följer inte dataskyddslagstiftningen (GDPR och patientdatalagen) eller cybersäkerhetslagen.",
            "Stickprov i journalsystemets loggar varje månad, dokumenterade och uppföljda.",
            Frequency::Monthly,
            vec![health, social],
        ),
        (
            "Informationsklassning och riskbedömning görs inte vid inköp, upphandling och förändring.",
            "Kontroll av att årets upphandlingar av system har klassning och riskanalys.",
            Frequency::Yearly,
            all.clone(),
        ),
        (
            "Medarbetare känner inte till och följer inte regelverket.",
            "Andel medarbetare som genomfört utbildningen i informationssäkerhet.",
            Frequency::Yearly,
            all,
        ),
        (
            "Behörigheter i vårdens system är inte aktuella.",
            "Uppföljning av behörigheter mot anställningar och uppdrag.",
            Frequency::HalfYearly,
            vec![health],
        ),
    ];
    let mut items = Vec::new();
    for (risk, control, frequency, unit_ids) in plan {
        let draft = ItemDraft {
            year,
            risk: risk.to_owned(),
            control: control.to_owned(),
            responsible: "Informationssäkerhetssamordnare".to_owned(),
            frequency,
            unit_ids,
        };
        items.push(
            internal_control::create_item(db, setting.organisation_id, &setting.actor, &draft)
                .await?,
        );
    }
    let reports = [
        (
            0,
            health,
            ReportStatus::Reported,
            "Tolv stickprov gjorda, inga obehöriga åtkomster.",
            "",
        ),
        (
            0,
            social,
            ReportStatus::Deviation,
            "Stickprov gjorda under tio av tolv månader.",
            "Två månader utan stickprov under semesterperioden.",
        ),
        (
            1,
            health,
            ReportStatus::Reported,
            "Tre upphandlingar, alla med klassning och riskanalys.",
            "",
        ),
        (
            2,
            health,
            ReportStatus::Reported,
            "87 procent har genomfört utbildningen.",
            "",
        ),
        (
            3,
            health,
            ReportStatus::Deviation,
            "Behörigheter jämförda med personalsystemet.",
            "Fjorton konton för personer som slutat var fortfarande aktiva.",
        ),
    ];
    for (item, unit_id, status, result, deviations) in &reports {
        let draft = ReportDraft {
            unit_id: *unit_id,
            status: *status,
            result: (*result).to_owned(),
            comments: String::new(),
            deviations: (*deviations).to_owned(),
        };
        internal_control::save_report(
            db,
            setting.organisation_id,
            &setting.actor,
            items[*item].id,
            None,
            &draft,
        )
        .await?;
    }
    Ok((items.len(), reports.len()))
}

/// A few hundred documents for the large dataset: routines and plans of every
/// administration, some overdue, kept in one transaction.
pub(crate) async fn load_large_documents(
    db: &Db,
    organisation_id: i64,
    count: usize,
) -> anyhow::Result<usize> {
    let setting = Setting::new(db, organisation_id).await?;
    let administrations = setting.administrations();
    let kinds = [
        DocumentKind::Routine,
        DocumentKind::Plan,
        DocumentKind::Instruction,
        DocumentKind::Guideline,
    ];
    let checklist = [
        "log-routines",
        "incident-routines",
        "continuity-plans",
        "change-and-restore",
    ];
    let now = tillit_store::now();
    let mut tx = db.begin().await?;
    for n in 0..count {
        let kind = kinds[n % kinds.len()];
        let review = in_days(setting.today, (n as i64 % 400) - 30)?;
        let draft = DocumentDraft {
            kind,
            title: format!("{} {}", large_title(kind), n + 1),
            summary: String::new(),
            owner_id: setting.owner_id,
            approver: "Förvaltningschef".to_owned(),
            case_number: format!("F/{}/2025", n + 1),
            valid_from: date("2025-01-01")?,
            next_review: Some(review),
            requirement_code: None,
            legal_reference: String::new(),
            consultation: Consultation::Done,
            status: if n % 5 == 0 {
                DocumentStatus::Draft
            } else {
                DocumentStatus::Approved
            },
            unit_id: administrations
                .get(n % administrations.len().max(1))
                .copied(),
            checklist_item: (n % 7 == 0).then(|| checklist[n % checklist.len()].to_owned()),
        };
        documents::create_document_in(&mut tx, organisation_id, &setting.actor, &draft, now)
            .await?;
    }
    tx.commit().await?;
    Ok(count)
}

fn large_title(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Routine => "Verksamhetsrutin",
        DocumentKind::Plan => "Kontinuitetsplan",
        DocumentKind::Instruction => "Instruktion",
        _ => "Lokal riktlinje",
    }
}

#[cfg(test)]
mod tests {
    use tillit_domain::documents::required_documents;
    use tillit_store::documents::DocumentFilter;

    use super::*;

    #[tokio::test]
    async fn the_demo_has_a_policy_with_history_an_overdue_routine_and_a_reported_plan() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = Db::connect_sqlite(&dir.path().join("t.db"))
            .await
            .expect("open sqlite");
        db.migrate().await.expect("migrate");
        let organisation_id = crate::demo::load_demo(&db, "not-a-real-hash")
            .await
            .expect("load demo");
        let today = Utc::now()
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .date_naive();

        let all =
            documents::list_documents(&db, organisation_id, &DocumentFilter::default(), 500, 0)
                .await
                .expect("documents");
        assert_eq!(all.total, specs().len() as i64);
        let policy = all
            .items
            .iter()
            .find(|d| d.title == POLICY)
            .expect("policy");
        assert_eq!(policy.revision, 3);
        assert_eq!(policy.approver, "Regionfullmäktige");
        let history = documents::revisions(&db, organisation_id, policy.id)
            .await
            .expect("history");
        assert_eq!(history.len(), 2);

        let overdue = documents::list_documents(
            &db,
            organisation_id,
            &DocumentFilter {
                overdue_on: Some(today),
                ..DocumentFilter::default()
            },
            500,
            0,
        )
        .await
        .expect("overdue");
        let titles: Vec<&str> = overdue.items.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(titles, vec![OVERDUE]);

        let items = required_documents().expect("checklist");
        let summary = documents::documents_summary(&db, organisation_id, None, &items, today)
            .await
            .expect("summary");
        // The overdue incident routine and the draft software routine leave two open.
        assert_eq!(summary.checklist_fulfilled, summary.checklist_items - 2);

        let control = internal_control::summary(&db, organisation_id, i64::from(today.year()))
            .await
            .expect("control");
        assert_eq!(control.items, 4);
        assert_eq!(control.received, 5);
        assert_eq!(control.deviations, 2);
        assert!(control.expected > control.received);
    }
}
