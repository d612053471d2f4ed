//! The demo's annual information security reports: Region Sörmark's report for 2025,
//! approved by the coordinator in February 2026, and the report for 2026 as a draft
//! with its first texts. Written after the rest of the demo is committed, so the
//! figures are counted from the records as the report page counts them.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::{Datelike, TimeZone, Utc};
use tillit_domain::reports::{ReportScope, ReportYear};
use tillit_store::reports as store;
use tillit_store::{Actor, Db};

/// The coordinator who compiles and approves the demo reports.
const COORDINATOR: &str = "samordnare@region.example";

/// The texts of the approved report, section by section, written as a region writes them.
const TEXTS_2025: &[(&str, &str)] = &[
    (
        "summary",
        "Region Sörmark bedriver ett systematiskt och riskbaserat informationssäkerhetsarbete. Under 2025 har arbetet inriktats på att få informationsklassningar och riskanalyser på plats för de mest kritiska systemen, och på att förbereda regionen för cybersäkerhetslagen som trädde i kraft den 15 januari 2026.\n\nUppföljningarna visar att kunskapen om roller och ansvar har ökat, särskilt bland informationsägarna i hälso- och sjukvårdsförvaltningen. Klassningar och riskanalyser görs i allt större utsträckning, men täckningen varierar mellan förvaltningarna. Incidentrapporteringen fungerar och antalet anmälda personuppgiftsincidenter ligger på samma nivå som tidigare år.\n\nUtvecklingsområden för 2026 är uppföljning och utvärdering, informationssäkerhet i upphandling och en fortsatt utbildningsinsats för chefer.",
    ),
    (
        "organisation",
        "Informationssäkerhetsarbetet leds från enheten Juridik och informationssäkerhet på regionkansliet, där informationssäkerhetssamordnaren och dataskyddsombudet är placerade. Regionen har ett informationssäkerhetsråd med representanter för samtliga förvaltningar, it-säkerhetsansvarig, upphandling och medicinsk teknik. Rådet har haft fyra möten under året och rapporterar till regionens ledningsgrupp.\n\nInformationsägarskapet följer det delegerade verksamhetsansvaret. Under året har rollen som NIS-bedömare inrättats inför cybersäkerhetslagens krav på incidentrapportering.",
    ),
    (
        "work",
        "Under 2025 har samordnaren genomfört utbildningar i informationsklassning och riskanalys för informationsägare och verksamhetschefer i hälso- och sjukvårdsförvaltningen samt för ledningsgrupperna i vård- och omsorgsförvaltningen. Riktlinjen för informationssäkerhet och rutinen för incidenthantering har reviderats och beslutats.\n\nArbetet med att införa tillit som stöd för ledningssystemet påbörjades under hösten, och registret över nätverk och informationssystem har bekräftats.",
    ),
    (
        "classification",
        "De verksamhetskritiska systemen i hälso- och sjukvården är klassade. Klassningar saknas främst för informationstillgångar i de mindre förvaltningarna, där arbetet fortsätter under 2026.",
    ),
    (
        "risk",
        "Riskanalyser har gjorts för journalsystemet, röntgen och det nya larmsystemet. De höga risker som kvarstår gäller främst beroendet av leverantörernas driftmiljöer och äldre servrar som ska ersättas. Riskanalyserna ska förnyas årligen och förnyelsen följs upp i rådet.",
    ),
    (
        "documents",
        "Informationssäkerhetspolicyn fastställdes av regionfullmäktige och gäller oförändrad. Under året har riktlinjen för informationssäkerhet och rutinen för incidenthantering reviderats efter remiss till förvaltningarna. Rutinerna för logguppföljning och kontinuitet ska revideras under 2026, och en rutin för ändringshantering och återställning saknas fortfarande.",
    ),
    (
        "audits",
        "Regionens revisorer har granskat informationssäkerhetsarbetet inom hälso- och sjukvården med inriktning på behörighetstilldelning. Granskningen ledde till två rekommendationer som har förts in i handlingsplanen. Dataskyddsombudet har genomfört tillsyn av loggning och loggkontroll i två verksamheter. Ingen tillsyn från IVO eller IMY har riktats mot informationssäkerheten under året.",
    ),
    (
        "logs",
        "Patientloggar följs upp genom stickprov varje månad i enlighet med regionens rutin. Under året har 212 begäranden om loggutdrag från patienter hanterats. Uppföljningen visar att stickproven genomförs i de flesta verksamheter, men att dokumentationen av dem behöver bli mer enhetlig.",
    ),
    (
        "incidents",
        "Incidenter och avvikelser beror ofta på misstag och systemfel. Det som återkommer bland personuppgiftsincidenterna är kallelser och brev som skickats till fel mottagare. Nätfiskeförsöken har ökat under året; inget intrång har konstaterats. Ett längre avbrott i passersystemet berörde flera arbetsplatser i augusti.",
    ),
    (
        "maturity",
        "Mognadsmätningen enligt MCF:s modell genomfördes i november med samtliga förvaltningar. Regionen ligger sammantaget på nivå 2, med högre resultat för styrning och organisation och lägre för uppföljning och utvärdering.",
    ),
    (
        "measures",
        "Genomförda åtgärder under året omfattar tvåfaktorsinloggning för fjärråtkomst, en ny rutin för behörighetsgenomgång och utbildning av informationsägare. Planerade åtgärder för 2026 gäller segmentering av nätverket för medicinteknisk utrustning och ett uppdaterat kontinuitetsstöd för journalsystemet.",
    ),
    (
        "focus",
        "Fokusområden för 2026 är att uppfylla cybersäkerhetslagens krav på riskhantering och incidentrapportering, att öka täckningen av informationsklassningar i samtliga förvaltningar, att ställa informationssäkerhetskrav i upphandlingar från början och att följa upp åtgärdsplanerna systematiskt i ledningens genomgång.",
    ),
];

/// The first texts of the report under way.
const TEXTS_2026: &[(&str, &str)] = &[
    (
        "summary",
        "Utkast. Året präglas av cybersäkerhetslagen som trädde i kraft den 15 januari och av införandet av tillit som stöd för ledningssystemet.",
    ),
    (
        "focus",
        "Förslag inför 2027: kontinuitetsplanering för de samhällsviktiga tjänsterna och en andra mognadsmätning.",
    ),
];

fn texts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, text)| ((*key).to_owned(), (*text).to_owned()))
        .collect()
}

/// Writes the demo's annual reports for the demo organisation.
pub(super) async fn load_demo_reports(db: &Db, organisation_id: i64) -> anyhow::Result<()> {
    let coordinator = tillit_store::users::find_user_by_email(db, COORDINATOR)
        .await?
        .context("the demo coordinator")?;
    let actor = Actor::user(coordinator.id, COORDINATOR);
    let today = Utc::now().date_naive();
    let last_year = ReportYear::parse(i64::from(today.year()) - 1, today)?;
    let this_year = ReportYear::parse(i64::from(today.year()), today)?;
    // Compiled in January, approved after the council's meeting in February.
    let compiled = Utc
        .with_ymd_and_hms(last_year.value() + 1, 1, 20, 9, 0, 0)
        .single()
        .unwrap_or_else(Utc::now)
        .min(Utc::now());
    let approved_at = Utc
        .with_ymd_and_hms(last_year.value() + 1, 2, 12, 14, 30, 0)
        .single()
        .unwrap_or_else(Utc::now)
        .min(Utc::now());

    let mut tx = db.begin().await?;
    let report = store::create_report_in(
        &mut tx,
        organisation_id,
        &actor,
        last_year,
        ReportScope::Organisation,
        &texts(TEXTS_2025),
        compiled,
    )
    .await?;
    tx.commit().await?;
    let snapshot = tillit_web::services::reports::snapshot(db, organisation_id, &report)
        .await
        .map_err(|e| anyhow::anyhow!("counting the report's figures: {e}"))?;
    let mut tx = db.begin().await?;
    store::approve_report_in(
        &mut tx,
        organisation_id,
        &actor,
        report.id,
        report.version,
        &snapshot,
        approved_at,
    )
    .await?;
    store::create_report_in(
        &mut tx,
        organisation_id,
        &actor,
        this_year,
        ReportScope::Organisation,
        &texts(TEXTS_2026),
        tillit_store::now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
