//! The demo's classifications: the core health-care assets and the systems that hold
//! them, approved by their information owners at plausible dates (one of them overdue
//! for review), a classified process, a few self-assessed requirements, and a planned
//! upgrade of the journal system that prompts its owners to classify it again.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use tillit_domain::classification::{
    ClassificationDraft, ClassificationInput, Level, Levels, ObjectKind, SelfAssessment,
};
use tillit_domain::registers::SystemEventKind;
use tillit_store::classification::{self, AssessmentInput, Subject};
use tillit_store::registers;
use tillit_store::Actor;

use super::registers::{
    DemoRegister, ACCESS_CONTROL, HEALTH_OWNER, HR, HR_OWNER, IT_SECURITY, MONITORING, PACS, VIS,
};
use super::{lookup, Ids, Writer};

/// A classification to approve: levels K, R, T and optionally S, with reasons.
struct Spec {
    /// Asset or system name from the demo register.
    name: &'static str,
    levels: [u8; 3],
    traceability: Option<u8>,
    reason_k: &'static str,
    reason_t: &'static str,
    /// E-mail of the information owner who approves it.
    approver: &'static str,
    participants: &'static str,
    days_ago: i64,
}

const WARD_GROUP: &str =
    "Informationsägare, verksamhetsutvecklare, systemförvaltare och informationssäkerhetssamordnare";

const ASSETS: [Spec; 11] = [
    Spec {
        name: "Patientjournal",
        levels: [3, 3, 3],
        traceability: Some(3),
        reason_k: "Journalen rymmer hälsouppgifter om hela regionens befolkning, också om personer med skyddade personuppgifter.",
        reason_t: "Utan journalen kan vården inte ges säkert; reservrutiner räcker bara några timmar.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 120,
    },
    Spec {
        name: "Remisser och remissvar",
        levels: [3, 3, 2],
        traceability: None,
        reason_k: "Remisser innehåller diagnoser och frågeställningar om enskilda patienter.",
        reason_t: "Kortare avbrott hanteras med telefon och reservrutin.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 120,
    },
    Spec {
        name: "Röntgenbilder och bildsvar",
        levels: [2, 3, 3],
        traceability: None,
        reason_k: "Bilderna är sekretessbelagda men sällan känsliga i sig.",
        reason_t: "Akut diagnostik, till exempel vid stroke, kräver bilderna inom minuter.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 200,
    },
    Spec {
        name: "Labbsvar",
        levels: [3, 3, 3],
        traceability: Some(2),
        reason_k: "Svar på till exempel hiv- och graviditetstester är särskilt känsliga.",
        reason_t: "Akutmottagningen behöver svaren dygnet runt.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 200,
    },
    Spec {
        name: "Läkemedelsordinationer",
        levels: [3, 3, 3],
        traceability: Some(3),
        reason_k: "Ordinationer avslöjar diagnoser och behandling.",
        reason_t: "Läkemedel delas ut flera gånger per dygn på varje avdelning.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 120,
    },
    Spec {
        name: "Vitalparametrar och larmhistorik",
        levels: [2, 3, 3],
        traceability: None,
        reason_k: "Mätvärden utan sammanhang säger lite om patienten.",
        reason_t: "Larm som inte når personalen kan leda till allvarlig vårdskada.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 400,
    },
    Spec {
        name: "Psykiatrisk journal och tvångsvårdsbeslut",
        levels: [3, 3, 2],
        traceability: Some(3),
        reason_k: "Uppgifter om psykiatrisk tvångsvård är bland de mest integritetskänsliga i vården.",
        reason_t: "Beslut kan dokumenteras på papper under kortare avbrott.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 120,
    },
    Spec {
        name: "Personalakter",
        levels: [2, 2, 1],
        traceability: None,
        reason_k: "Innehåller uppgifter om hälsa, rehabilitering och disciplinärenden för anställda.",
        reason_t: "Behövs sällan med kort varsel.",
        approver: HR_OWNER,
        participants: "HR-direktör, HR-specialist och informationssäkerhetssamordnare",
        days_ago: 60,
    },
    Spec {
        name: "Passerloggar",
        levels: [2, 2, 1],
        traceability: Some(2),
        reason_k: "Visar när enskilda anställda och besökare rört sig i lokalerna.",
        reason_t: "Loggarna används i efterhand vid utredningar.",
        approver: IT_SECURITY,
        participants: "Säkerhetschef, fastighetsförvaltare och informationssäkerhetssamordnare",
        days_ago: 60,
    },
    Spec {
        name: "Social dokumentation",
        levels: [3, 3, 2],
        traceability: Some(2),
        reason_k: "Uppgifter om enskildas personliga förhållanden inom socialtjänsten.",
        reason_t: "Insatser kan ges enligt genomförandeplan på papper under kortare avbrott.",
        approver: HEALTH_OWNER,
        participants: "Enhetschefer inom vård och omsorg, MAS och informationssäkerhetssamordnare",
        days_ago: 90,
    },
    Spec {
        name: "Nätdokumentation och brandväggsregler",
        levels: [3, 2, 1],
        traceability: None,
        reason_k: "Ger en angripare en karta över vårdens nät och dess skydd.",
        reason_t: "Behövs vid förändringar, inte i den löpande driften.",
        approver: IT_SECURITY,
        participants: "IT-chef, nätverkstekniker och informationssäkerhetssamordnare",
        days_ago: 150,
    },
];

/// Systems, each at least as high as the classified assets they hold.
const SYSTEMS: [Spec; 5] = [
    Spec {
        name: VIS,
        levels: [3, 3, 3],
        traceability: Some(3),
        reason_k: "Följer av patientjournalen och övriga hälsouppgifter i systemet.",
        reason_t: "Följer av journalen, läkemedel och labbsvar.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 110,
    },
    Spec {
        name: PACS,
        levels: [3, 3, 3],
        traceability: None,
        reason_k: "Följer av remisserna i systemet.",
        reason_t: "Följer av röntgenbilderna.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 190,
    },
    Spec {
        name: MONITORING,
        levels: [2, 3, 3],
        traceability: None,
        reason_k: "",
        reason_t: "Följer av larmhistoriken.",
        approver: HEALTH_OWNER,
        participants: WARD_GROUP,
        days_ago: 395,
    },
    Spec {
        name: HR,
        levels: [2, 2, 1],
        traceability: None,
        reason_k: "Följer av personalakterna.",
        reason_t: "",
        approver: HR_OWNER,
        participants: "HR-direktör, systemförvaltare och informationssäkerhetssamordnare",
        days_ago: 55,
    },
    Spec {
        name: ACCESS_CONTROL,
        levels: [2, 2, 2],
        traceability: Some(2),
        reason_k: "Följer av passerloggarna.",
        reason_t: "Höjd: utan passersystemet går akutens och förlossningens entréer inte att öppna för personalen.",
        approver: IT_SECURITY,
        participants: "Säkerhetschef, fastighetsförvaltare och informationssäkerhetssamordnare",
        days_ago: 55,
    },
];

/// How the owners judged some of the journal system's requirements.
const JOURNAL_ASSESSMENTS: [(&str, SelfAssessment, &str); 5] = [
    (
        "K-GOV-01",
        SelfAssessment::Fulfilled,
        "Klassningen ses över varje vår i förvaltningsgruppen och inför varje större uppgradering.",
    ),
    (
        "K-ACC-02",
        SelfAssessment::Partly,
        "Behovs- och riskanalys finns för slutenvården men inte ännu för primärvården.",
    ),
    (
        "K-AUT-01",
        SelfAssessment::Fulfilled,
        "Inloggning kräver SITHS-kort med PIN-kod.",
    ),
    (
        "S-LOG-02",
        SelfAssessment::NotFulfilled,
        "Loggarna följs bara upp efter anmälan, inte med återkommande stickprov.",
    ),
    (
        "T-BAK-02",
        SelfAssessment::Partly,
        "Återläsning har provats för databasen men inte för bilagorna.",
    ),
];

const PROCESS: &str = "Läkemedelshantering på vårdavdelning";

const UPGRADE: &str =
    "Uppgradering till ny huvudversion planeras till mars 2027, med ny modul för läkemedel.";

/// What the demo's classifications wrote.
pub(super) struct DemoClassifications {
    /// Approved classifications of assets, systems and the process.
    pub(super) approved: usize,
}

/// The audit events the classifications write, all by the demo people who approved,
/// assessed or noted: one per approval, the named process, each assessment, the noted
/// change and each of the `prompts` it gave.
#[cfg(test)]
pub(super) fn demo_classification_events(prompts: usize) -> usize {
    ASSETS.len() + SYSTEMS.len() + 1 + 1 + JOURNAL_ASSESSMENTS.len() + 1 + prompts
}

impl Spec {
    fn draft(&self, derived: Option<Levels>) -> anyhow::Result<ClassificationDraft> {
        let [k, r, t] = self.levels.map(i64::from);
        let input = ClassificationInput {
            level_k: Some(k),
            level_r: Some(r),
            level_t: Some(t),
            level_s: self.traceability.map(i64::from),
            reason_k: self.reason_k.to_owned(),
            reason_t: self.reason_t.to_owned(),
            participants: self.participants.to_owned(),
            ..ClassificationInput::default()
        };
        let approved_on = (Utc::now() - Duration::days(self.days_ago)).date_naive();
        input
            .validate(derived.as_ref(), approved_on)
            .map_err(|errors| anyhow::anyhow!("demo classification of {}: {errors:?}", self.name))
    }

    fn levels(&self) -> anyhow::Result<Levels> {
        let level = |value: u8| {
            Level::new(value).ok_or_else(|| anyhow::anyhow!("demo level {value} off the scale"))
        };
        let [k, r, t] = self.levels;
        Ok(Levels::new(
            level(k)?,
            level(r)?,
            level(t)?,
            self.traceability.map(level).transpose()?,
        ))
    }
}

impl Writer<'_> {
    /// Classifies the demo register's core entries and records the journal system's
    /// self-assessment and planned upgrade.
    pub(super) async fn classify_register(
        &mut self,
        people: &Ids,
        register: &DemoRegister,
        held_by: &[(&'static str, &'static str)],
        now: DateTime<Utc>,
    ) -> anyhow::Result<DemoClassifications> {
        let mut asset_levels: HashMap<&str, Levels> = HashMap::new();
        let mut approved = 0;
        for spec in &ASSETS {
            let asset = lookup(&register.assets, spec.name)?;
            self.approve(people, Subject::Asset(asset), spec, None, now)
                .await?;
            asset_levels.insert(spec.name, spec.levels()?);
            approved += 1;
        }
        let mut journal_object = None;
        for spec in &SYSTEMS {
            let system = lookup(&register.systems, spec.name)?;
            let derived = Levels::highest(
                held_by
                    .iter()
                    .filter(|(_, holder)| *holder == spec.name)
                    .filter_map(|(asset, _)| asset_levels.get(asset)),
            );
            let object = self
                .approve(people, Subject::System(system), spec, derived, now)
                .await?;
            if spec.name == VIS {
                journal_object = Some((object, system));
            }
            approved += 1;
        }
        let owner = Actor::user(lookup(people, HEALTH_OWNER)?, HEALTH_OWNER);
        let process = classification::create_named_object_in(
            self.tx,
            self.organisation_id,
            &owner,
            ObjectKind::Process,
            PROCESS,
            Some(lookup(people, HEALTH_OWNER)?),
            None,
        )
        .await
        .context("naming the demo process")?;
        let process_spec = Spec {
            name: PROCESS,
            levels: [3, 3, 2],
            traceability: Some(2),
            reason_k: "Ordinationer och administrering visar patienternas behandling.",
            reason_t: "Läkemedel kan delas ut enligt utskrivna listor under kortare avbrott.",
            approver: HEALTH_OWNER,
            participants: "Avdelningschefer, apotekare och informationssäkerhetssamordnare",
            days_ago: 30,
        };
        self.approve(
            people,
            Subject::Object(process.id),
            &process_spec,
            None,
            now,
        )
        .await?;
        approved += 1;

        let (journal, journal_system) =
            journal_object.ok_or_else(|| anyhow::anyhow!("the journal system is classified"))?;
        for (code, status, how) in JOURNAL_ASSESSMENTS {
            let input = AssessmentInput {
                requirement_code: code,
                expected_version: None,
                status,
                how,
            };
            classification::assess_in(
                self.tx,
                self.organisation_id,
                &owner,
                journal,
                &input,
                now - Duration::days(100),
            )
            .await
            .with_context(|| format!("assessing {code} for the journal system"))?;
        }
        registers::record_system_event_in(
            self.tx,
            self.organisation_id,
            &Actor::user(lookup(people, IT_SECURITY)?, IT_SECURITY),
            journal_system,
            SystemEventKind::Change,
            UPGRADE,
        )
        .await
        .context("noting the journal system's upgrade")?;
        Ok(DemoClassifications { approved })
    }

    /// Approves one classification as its information owner, `spec.days_ago` before `now`.
    async fn approve(
        &mut self,
        people: &Ids,
        subject: Subject,
        spec: &Spec,
        derived: Option<Levels>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        let approver = Actor::user(lookup(people, spec.approver)?, spec.approver);
        let (object, _) = classification::approve_in(
            self.tx,
            self.organisation_id,
            &approver,
            subject,
            None,
            &spec.draft(derived)?,
            now - Duration::days(spec.days_ago),
        )
        .await
        .with_context(|| format!("classifying {}", spec.name))?;
        Ok(object.id)
    }
}
