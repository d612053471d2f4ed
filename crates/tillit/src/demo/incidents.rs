//! The demo's incidents, each taken through the steps of seed 000 by the people whose
//! job they are: a ransomware attack on the journal system still running with two legal
//! clocks, a test result sent to the wrong patient (notified to IMY and closed), the
//! access-card system spreading faulty data (assessed as not significant and closed), a
//! Lex Maria case in home care caused by an expired certificate in the safety-alarm
//! chain whose report to IVO is overdue, and an outage of the e-services in December
//! 2025 judged by the NIS Act that applied then.

use anyhow::{anyhow, Context};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use tillit_domain::incident::{
    plan, started_by, Category, ClockMoments, DeviationAssessmentInput, FollowUpInput,
    IncidentContent, IntakeInput, Targets, Track, TrackAssessment, TrackStatus,
};
use tillit_store::incidents::{self as store, Submission, TrackDecision};
use tillit_store::Actor;

use super::registers::{DemoRegister, ACCESS_CONTROL, VIS};
use super::{lookup, Ids, Writer};

const EMPLOYEE: &str = "medarbetare@region.example";
const EMERGENCY_HEAD: &str = "verksamhetschef@region.example";
const WOMEN_HEAD: &str = "helena.bergqvist@region.example";
const IT_HEAD: &str = "linda.nyberg@region.example";
const HOME_CARE_HEAD: &str = "ingrid.dahl@region.example";
const NIS: &str = "nis-bedomare@region.example";
const MAS: &str = "mas@region.example";
const DPO: &str = "dataskyddsombud@region.example";
/// The service desk reports through the API as a system, not as a person.
pub(super) const SERVICE_DESK: &str = "Intraservice (servicedesk)";
const E_SERVICES: &str = "1177 e-tjänster";
const NIS_CONSULTED: &str = "LVS, utvecklingsledare IT, utvecklingsledare säkerhet, Intraservice";

/// Titles the tests look for.
pub(super) const RANSOMWARE: &str = "Utpressningsattack: VIS Kosmos krypterat";
pub(super) const WRONG_PATIENT: &str = "Provsvar skickat till fel patient";
pub(super) const ACCESS_CARDS: &str = "Passersystemet spred felaktiga behörigheter";
pub(super) const SAFETY_ALARM: &str = "Trygghetslarm nådde inte larmcentralen";
pub(super) const OLD_OUTAGE: &str = "Avbrott i 1177 e-tjänster";

/// Audit events the demo's incidents record with a person as actor (the service desk's
/// reports are the system's): ransomware 5, wrong patient 6, access cards 4, the Lex
/// Maria case 3 and the old outage 5.
#[cfg(test)]
pub(super) const DEMO_INCIDENT_EVENTS_BY_PEOPLE: usize = 23;

/// A case as the demo writes it, with the version its next step must name.
struct Case {
    id: i64,
    version: i64,
    occurred_on: NaiveDate,
    discovered: DateTime<Utc>,
}

/// What the demo's incidents wrote.
pub(super) struct DemoIncidents {
    pub(super) cases: usize,
}

/// The people, units and systems the cases name, and the regimes they are judged by.
struct Setting<'a> {
    people: &'a Ids,
    units: &'a Ids,
    register: &'a DemoRegister,
    content: IncidentContent,
    now: DateTime<Utc>,
}

impl Setting<'_> {
    fn person(&self, email: &'static str) -> anyhow::Result<Actor> {
        Ok(Actor::user(lookup(self.people, email)?, email))
    }

    fn ago(&self, hours: i64) -> DateTime<Utc> {
        self.now - Duration::hours(hours)
    }
}

impl Writer<'_> {
    pub(super) async fn create_incidents(
        &mut self,
        people: &Ids,
        units: &Ids,
        register: &DemoRegister,
        now: DateTime<Utc>,
    ) -> anyhow::Result<DemoIncidents> {
        let setting = Setting {
            people,
            units,
            register,
            content: IncidentContent::builtin().map_err(|e| anyhow!(e))?,
            now,
        };
        self.ransomware(&setting)
            .await
            .context("the ransomware case")?;
        self.wrong_patient(&setting)
            .await
            .context("the wrong-patient case")?;
        self.access_cards(&setting)
            .await
            .context("the access-card case")?;
        self.safety_alarm(&setting)
            .await
            .context("the Lex Maria case")?;
        self.old_outage(&setting)
            .await
            .context("the NIS Act case")?;
        Ok(DemoIncidents { cases: 5 })
    }

    /// Reports a case as `reporter` at `at`.
    async fn report(
        &mut self,
        reporter: &Actor,
        source: &str,
        input: IntakeInput<'_>,
        at: DateTime<Utc>,
    ) -> anyhow::Result<Case> {
        let draft = input.validate(at).map_err(|e| anyhow!("{e:?}"))?;
        let case =
            store::create_incident_in(self.tx, self.organisation_id, reporter, source, &draft, at)
                .await?;
        Ok(Case {
            id: case.id,
            version: case.version,
            occurred_on: case.occurred_on,
            discovered: case.discovered_at,
        })
    }

    async fn assess(
        &mut self,
        head: &Actor,
        case: &mut Case,
        input: DeviationAssessmentInput<'_>,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let assessment = input.validate().map_err(|e| anyhow!("{e:?}"))?;
        let assessed = store::record_assessment_in(
            self.tx,
            self.organisation_id,
            head,
            case.id,
            case.version,
            &assessment,
            at,
        )
        .await?;
        case.version = assessed.version;
        Ok(())
    }

    /// Decides a track under the regime in force when the case happened.
    async fn decide(
        &mut self,
        setting: &Setting<'_>,
        assessor: &Actor,
        case: &mut Case,
        assessment: TrackAssessment,
        forward_to: Vec<Track>,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let regime = setting
            .content
            .regime_for(assessment.track, case.occurred_on)
            .ok_or_else(|| anyhow!("no regime for {:?}", assessment.track))?;
        let moments = ClockMoments {
            discovery: case.discovered,
            awareness: assessment.awareness_at,
            decision: Some(at),
        };
        let decision = TrackDecision {
            planned: plan(regime, assessment.decision, moments, &Targets::new()),
            regime: regime.id.clone(),
            assessment,
            forward_to,
        };
        store::decide_track_in(
            self.tx,
            self.organisation_id,
            assessor,
            case.id,
            case.version,
            &decision,
            at,
        )
        .await?;
        case.version = store::version_in(self.tx, self.organisation_id, case.id).await?;
        Ok(())
    }

    /// Submits the open report `code` through `(channel, reference)` as `reporter` at
    /// `at`, starting the clocks that wait for it.
    async fn submit(
        &mut self,
        setting: &Setting<'_>,
        reporter: &Actor,
        case: &mut Case,
        code: &str,
        (channel, reference): (&str, &str),
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let obligations = store::obligations_in(self.tx, self.organisation_id, case.id).await?;
        let obligation = obligations
            .iter()
            .find(|o| o.code == code)
            .ok_or_else(|| anyhow!("no report {code}"))?;
        let regime = setting
            .content
            .regime(&obligation.regime)
            .ok_or_else(|| anyhow!("unknown regime"))?;
        let started: Vec<(i64, DateTime<Utc>)> = started_by(regime, code, at, &Targets::new())
            .into_iter()
            .filter_map(|(waiting, due)| {
                obligations
                    .iter()
                    .find(|o| o.code == waiting && o.starts_at.is_none())
                    .map(|o| (o.id, due))
            })
            .collect();
        let submission = Submission {
            submitted_at: at,
            channel: channel.into(),
            reference: reference.into(),
        };
        store::submit_report_in(
            self.tx,
            self.organisation_id,
            reporter,
            case.id,
            case.version,
            &store::Submitted {
                obligation_id: obligation.id,
                submission: &submission,
                started: &started,
            },
            at,
        )
        .await?;
        case.version = store::version_in(self.tx, self.organisation_id, case.id).await?;
        Ok(())
    }

    /// Writes what the case learned and closes it.
    async fn close(
        &mut self,
        who: &Actor,
        case: &Case,
        follow_up: FollowUpInput<'_>,
        began: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let draft = follow_up
            .validate(began, at)
            .map_err(|e| anyhow!("{e:?}"))?;
        let followed = store::update_follow_up_in(
            self.tx,
            self.organisation_id,
            who,
            case.id,
            case.version,
            &draft,
            at,
        )
        .await?;
        store::close_incident_in(
            self.tx,
            self.organisation_id,
            who,
            case.id,
            followed.version,
            at,
        )
        .await?;
        Ok(())
    }

    async fn ransomware(&mut self, s: &Setting<'_>) -> anyhow::Result<()> {
        let started = s.ago(31);
        let discovered = s.ago(30);
        let systems = [lookup(&s.register.systems, VIS)?];
        let mut case = self
            .report(
                &s.person(EMPLOYEE)?,
                "intake",
                IntakeInput {
                    title: RANSOMWARE,
                    description: "Vid nattskiftets slut gick det inte att öppna journalen på akuten. Skärmarna visade ett meddelande om att filerna är krypterade och att vi ska betala för att få tillbaka dem. Reservrutinen på papper är igång.",
                    started_at: Some(started),
                    discovered_at: Some(discovered),
                    unit_id: Some(lookup(s.units, "Akutmottagningen")?),
                    system_ids: &systems,
                    care_disrupted: true,
                    personal_data: true,
                    patient_harm: false,
                },
                s.ago(30) + Duration::minutes(10),
            )
            .await?;
        let head = s.person(EMERGENCY_HEAD)?;
        self.assess(&head, &mut case, DeviationAssessmentInput {
                    category: Some(Category::ItSecurity),
                    reasoning: "Journalen är nere på hela sjukhuset och angriparen kan ha kopierat uppgifter. Misstänkt betydande incident; eskaleras till NIS-bedömarna och dataskyddsombudet.",
                    measures_taken: "Vårdnätet isolerat från internet; reservrutiner på papper; krisledning sammankallad.",
                    escalate: &[Track::Cybersecurity],
                }, s.ago(29))
            .await?;
        let awareness = discovered + Duration::minutes(45);
        self.decide(s, &s.person(NIS)?, &mut case, TrackAssessment {
                    track: Track::Cybersecurity,
                    decision: TrackStatus::Reportable,
                    reasoning: "Allvarlig driftstörning i vården i mer än fyra timmar, över den godtagbara återställningstiden för VIS Kosmos. Avsiktligt angrepp.".into(),
                    awareness_at: Some(awareness),
                    consulted: NIS_CONSULTED.into(),
                    answers: [
                        ("operational-disruption", true),
                        ("financial-loss", true),
                        ("harm-to-others", true),
                        ("in-scope-system", true),
                        ("malicious", true),
                        ("cross-border", false),
                    ]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
                    details: [
                        ("severity", "Hög: journalen otillgänglig för hela sjukhuset."),
                        ("impact", "Akuten, avdelningarna och mottagningarna arbetar på papper; planerade operationer skjuts upp."),
                        ("indicators", "Krypterade filer med ändelsen .lockk; utgående trafik till två okända adresser natten innan."),
                    ]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                }, vec![], s.ago(28))
            .await?;
        self.submit(
            s,
            &head,
            &mut case,
            "early_warning",
            ("IRON", "CERT-SE 2026-1187"),
            s.ago(20),
        )
        .await?;
        self.decide(s, &s.person(DPO)?, &mut case, TrackAssessment {
                track: Track::PersonalData,
                decision: TrackStatus::Reportable,
                reasoning: "Angriparen kan ha kopierat journaluppgifter. Risken för de registrerade kan inte uteslutas; anmäls till IMY och kompletteras när omfattningen är känd.".into(),
                awareness_at: Some(awareness),
                consulted: String::new(),
                answers: Default::default(),
                details: [
                    ("data_subject_groups", "Patienter vid sjukhuset"),
                    ("data_categories", "Journaluppgifter, hälsouppgifter, personnummer"),
                    ("consequences", "Röjda hälsouppgifter, risk för utpressning av enskilda"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            }, vec![], s.ago(26))
        .await?;
        Ok(())
    }

    async fn wrong_patient(&mut self, s: &Setting<'_>) -> anyhow::Result<()> {
        let discovered = s.ago(24 * 12);
        let mut case = self
            .report(
                &s.person(EMPLOYEE)?,
                "intake",
                IntakeInput {
                    title: WRONG_PATIENT,
                    description: "En patient ringde och berättade att hon fått ett brev med en annan patients provsvar. Kuvertet var adresserat till henne.",
                    started_at: Some(discovered - Duration::days(3)),
                    discovered_at: Some(discovered),
                    unit_id: Some(lookup(s.units, "Kvinnomottagningen")?),
                    system_ids: &[],
                    care_disrupted: false,
                    personal_data: true,
                    patient_harm: false,
                },
                discovered + Duration::minutes(20),
            )
            .await?;
        self.assess(
            &s.person(WOMEN_HEAD)?,
            &mut case,
            DeviationAssessmentInput {
                category: Some(Category::InformationHandling),
                reasoning:
                    "Felkuverterat provsvar. Personuppgiftsincident; dataskyddsombudet bedömer.",
                measures_taken: "Brevet hämtat tillbaka; berörd patient informerad per telefon.",
                escalate: &[],
            },
            discovered + Duration::hours(3),
        )
        .await?;
        let dpo = s.person(DPO)?;
        self.decide(s, &dpo, &mut case, TrackAssessment {
                    track: Track::PersonalData,
                    decision: TrackStatus::Reportable,
                    reasoning: "Hälsouppgifter röjda för en obehörig. Risk för den registrerade; anmäls till IMY. Inte hög risk: en mottagare, brevet återlämnat.".into(),
                    awareness_at: Some(discovered),
                    consulted: String::new(),
                    answers: Default::default(),
                    details: [
                        ("data_subject_groups", "Patient"),
                        ("data_categories", "Provsvar (hälsouppgifter), namn och personnummer"),
                        ("subjects_count", "1"),
                        ("records_count", "1"),
                        ("consequences", "Integritetsintrång för patienten"),
                    ]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                }, vec![], discovered + Duration::hours(20))
            .await?;
        self.submit(
            s,
            &dpo,
            &mut case,
            "imy_notification",
            ("IMY:s e-tjänst", "IMY-2026-4471"),
            discovered + Duration::hours(30),
        )
        .await?;
        self.close(&s.person(super::registers::CONFIRMER)?, &case, FollowUpInput {
                root_cause: "Två utskrifter låg i samma fack och kuverterades för hand utan kontroll mot adressen.",
                lessons_learned: "Provsvar kuverteras med fönsterkuvert och skickas digitalt till den som har 1177.",
                measures_taken: "Rutinen för utskick ändrad; personalen informerad på arbetsplatsträff.",
                ended_at: Some(discovered),
            }, discovered - Duration::days(3), discovered + Duration::days(6))
        .await
    }

    async fn access_cards(&mut self, s: &Setting<'_>) -> anyhow::Result<()> {
        let discovered = s.ago(24 * 40);
        let systems = [lookup(&s.register.systems, ACCESS_CONTROL)?];
        let mut case = self
            .report(
                &Actor::system(SERVICE_DESK),
                "api",
                IntakeInput {
                    title: ACCESS_CARDS,
                    description: "Larm från övervakningen: passersystemet har skrivit över behörigheterna för cirka 400 kort efter en felaktig fil från HR-systemet. Personal kommer inte in på sina avdelningar.",
                    started_at: Some(discovered - Duration::hours(2)),
                    discovered_at: Some(discovered),
                    unit_id: Some(lookup(s.units, "Regional IT-service")?),
                    system_ids: &systems,
                    care_disrupted: true,
                    personal_data: false,
                    patient_harm: false,
                },
                discovered + Duration::minutes(5),
            )
            .await?;
        let head = s.person(IT_HEAD)?;
        self.assess(&head, &mut case, DeviationAssessmentInput {
                    category: Some(Category::Outage),
                    reasoning: "Felaktiga grunddata spreds från HR-systemet till passersystemet. Vården störs; NIS-bedömarna får bedöma om incidenten är betydande.",
                    measures_taken: "Integrationen stoppad; väktare öppnar dörrar manuellt.",
                    escalate: &[Track::Cybersecurity],
                }, discovered + Duration::hours(1))
            .await?;
        self.decide(s, &s.person(NIS)?, &mut case, TrackAssessment {
                    track: Track::Cybersecurity,
                    decision: TrackStatus::NotReportable,
                    reasoning: "Ingen allvarlig driftstörning i vårdens tjänster: dörrarna öppnades manuellt inom en timme och vården kunde fortsätta. Ingen avsiktlig handling.".into(),
                    awareness_at: Some(discovered + Duration::hours(1)),
                    consulted: NIS_CONSULTED.into(),
                    answers: [
                        ("operational-disruption", false),
                        ("financial-loss", false),
                        ("harm-to-others", false),
                        ("malicious", false),
                    ]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
                    details: Default::default(),
                }, vec![], discovered + Duration::hours(3))
            .await?;
        self.close(&head, &case, FollowUpInput {
                root_cause: "En ändring i HR-systemets exportfil testades inte mot passersystemet; integrationen saknade kontroll av orimliga ändringar.",
                lessons_learned: "Ändringar i integrationer testas i testmiljö, och integrationen stoppas när fler än 50 behörigheter ändras på en gång.",
                measures_taken: "Behörigheterna återställda från gårdagens säkerhetskopia.",
                ended_at: Some(discovered + Duration::hours(5)),
            }, discovered - Duration::hours(2), discovered + Duration::days(14))
        .await
    }

    async fn safety_alarm(&mut self, s: &Setting<'_>) -> anyhow::Result<()> {
        let discovered = s.ago(24 * 5 + 6);
        let mut case = self
            .report(
                &s.person(EMPLOYEE)?,
                "intake",
                IntakeInput {
                    title: SAFETY_ALARM,
                    description: "En brukare föll i sin lägenhet och larmade med trygghetslarmet, men larmet kom aldrig fram. Hon hittades vid morgonbesöket efter sju timmar, nedkyld.",
                    started_at: Some(discovered - Duration::hours(7)),
                    discovered_at: Some(discovered),
                    unit_id: Some(lookup(s.units, "Hemtjänst Norr")?),
                    system_ids: &[],
                    care_disrupted: true,
                    personal_data: false,
                    patient_harm: true,
                },
                discovered + Duration::minutes(30),
            )
            .await?;
        self.assess(
            &s.person(HOME_CARE_HEAD)?,
            &mut case,
            DeviationAssessmentInput {
                category: Some(Category::Outage),
                reasoning:
                    "Brukaren kan ha skadats av att larmet inte nådde fram. Eskaleras till MAS.",
                measures_taken:
                    "Extra tillsynsbesök hos brukare med trygghetslarm tills felet är hittat.",
                escalate: &[Track::PatientSafety],
            },
            discovered + Duration::hours(2),
        )
        .await?;
        self.decide(s, &s.person(MAS)?, &mut case, TrackAssessment {
                track: Track::PatientSafety,
                decision: TrackStatus::Reportable,
                reasoning: "Händelsen hade kunnat medföra allvarlig vårdskada. Orsaken är ett utgånget certifikat i larmkedjan; underlaget skickas till NIS-bedömarna.".into(),
                awareness_at: None,
                consulted: String::new(),
                answers: Default::default(),
                details: [(
                    "patient_impact",
                    "Brukaren låg sju timmar på golvet och vårdades för nedkylning på sjukhus.",
                )]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            }, vec![Track::Cybersecurity], discovered + Duration::hours(4))
        .await?;
        Ok(())
    }

    async fn old_outage(&mut self, s: &Setting<'_>) -> anyhow::Result<()> {
        let started = Utc
            .with_ymd_and_hms(2025, 12, 10, 7, 40, 0)
            .single()
            .ok_or_else(|| anyhow!("date"))?;
        let discovered = started + Duration::minutes(20);
        let systems = [lookup(&s.register.systems, E_SERVICES)?];
        let mut case = self
            .report(
                &Actor::system(SERVICE_DESK),
                "api",
                IntakeInput {
                    title: OLD_OUTAGE,
                    description: "Invånare kan inte logga in i 1177 e-tjänster; leverantörens inloggningstjänst svarar inte.",
                    started_at: Some(started),
                    discovered_at: Some(discovered),
                    unit_id: Some(lookup(s.units, "Regional IT-service")?),
                    system_ids: &systems,
                    care_disrupted: true,
                    personal_data: false,
                    patient_harm: false,
                },
                discovered + Duration::minutes(5),
            )
            .await?;
        let head = s.person(IT_HEAD)?;
        self.assess(
            &head,
            &mut case,
            DeviationAssessmentInput {
                category: Some(Category::Outage),
                reasoning: "Samhällsviktig tjänst otillgänglig för invånarna i hela regionen.",
                measures_taken: "Leverantören larmad; information på 1177.se.",
                escalate: &[Track::Cybersecurity],
            },
            discovered + Duration::minutes(40),
        )
        .await?;
        self.decide(s, &s.person(NIS)?, &mut case, TrackAssessment {
                    track: Track::Cybersecurity,
                    decision: TrackStatus::Reportable,
                    reasoning: "Betydande inverkan på kontinuiteten i en samhällsviktig tjänst; rapporteras enligt NIS-lagen som gällde då.".into(),
                    awareness_at: Some(discovered + Duration::hours(1)),
                    consulted: "LVS, Intraservice".into(),
                    answers: Default::default(),
                    details: Default::default(),
                }, vec![], discovered + Duration::hours(1))
            .await?;
        self.submit(
            s,
            &head,
            &mut case,
            "first_report",
            ("MSB:s e-tjänst", "MSB 2025-3310"),
            discovered + Duration::hours(5),
        )
        .await?;
        self.close(&head, &case, FollowUpInput {
                root_cause: "Ett certifikat hos leverantörens inloggningstjänst förnyades inte i tid.",
                lessons_learned: "Avtalet med leverantören kompletteras med bevakning av certifikat och krav på förvarning.",
                measures_taken: "Certifikatet förnyat; tjänsten åter i drift efter fyra timmar.",
                ended_at: Some(started + Duration::hours(4)),
            }, started, started + Duration::days(10))
        .await
    }
}
