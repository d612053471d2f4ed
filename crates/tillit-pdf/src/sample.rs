//! A made-up risk analysis of any size, in Swedish, for tests and benchmarks.

use crate::document::{
    FollowUpRow, LevelSummary, MatrixSummary, MeasureRow, MethodSummary, RiskAnalysisDocument,
    RiskRow,
};
use crate::labels::Labels;

const LIKELIHOOD: [&str; 4] = ["Osannolik", "Möjlig", "Sannolik", "Mycket sannolik"];
const CONSEQUENCE: [&str; 4] = ["Försumbar", "Måttlig", "Betydande", "Allvarlig"];
const LEVELS: [(&str, &str); 4] = [
    ("Låg", "#2e7d32"),
    ("Medel", "#f9a825"),
    ("Hög", "#ef6c00"),
    ("Mycket hög", "#c62828"),
];
const THREATS: [&str; 5] = [
    "Nätfiske mot personal med behörighet till journalen",
    "Ransomware som krypterar filservrar och säkerhetskopior",
    "Obehörig åtkomst via delade konton på vårdavdelningen",
    "Avbrott hos driftleverantören under helg",
    "Felaktig behörighetstilldelning vid byte av enhet",
];
const SYSTEMS: [&str; 4] = [
    "Journalsystemet",
    "Läkemedelsmodul",
    "E-tjänstekort och passersystem",
    "Filserver för verksamhetsstöd",
];
const STATUSES: [&str; 3] = ["Planerad", "Pågår", "Genomförd"];

/// A draft-free risk analysis with `risks` risks and `measures` measures, each
/// measure with up to two follow-ups. The same arguments give the same document.
pub fn sample_document(risks: usize, measures: usize) -> RiskAnalysisDocument {
    let level_of = |likelihood: usize, consequence: usize| (likelihood + consequence).div_ceil(2);
    let mut counts = vec![vec![0_i64; CONSEQUENCE.len()]; LIKELIHOOD.len()];
    let risks: Vec<RiskRow> = (0..risks)
        .map(|i| {
            let likelihood = (i * 7 + 1) % LIKELIHOOD.len();
            let consequence = (i * 3 + 2) % CONSEQUENCE.len();
            counts[likelihood][consequence] += 1;
            let (level, colour) = LEVELS[level_of(likelihood, consequence)];
            RiskRow {
                designation: format!("R-{:03}", i + 1),
                title: format!("{} ({})", THREATS[i % THREATS.len()], i + 1),
                description: format!(
                    "Om {} drabbas kan vårdpersonalen inte läsa eller föra journal, och \
                     patientsäkerheten påverkas. Scenariot bygger på händelser hos andra \
                     regioner och på årets omvärldsbevakning.",
                    SYSTEMS[i % SYSTEMS.len()]
                ),
                threat: THREATS[i % THREATS.len()].into(),
                vulnerability: "Bristande loggranskning och för breda behörigheter".into(),
                systems: SYSTEMS[i % SYSTEMS.len()].into(),
                consequence: CONSEQUENCE[consequence].into(),
                consequence_reason: "Påverkar vård av patienter under flera timmar.".into(),
                likelihood: LIKELIHOOD[likelihood].into(),
                likelihood_reason: "Liknande händelser har inträffat i sektorn i år.".into(),
                level: level.into(),
                level_colour: colour.into(),
                treatment: if i % 3 == 0 { "Acceptera" } else { "Reducera" }.into(),
                treatment_reason: "Åtgärderna står i proportion till risken.".into(),
                status: "Aktuell".into(),
            }
        })
        .collect();
    let risk_count = risks.len().max(1);
    let measures = (0..measures)
        .map(|i| MeasureRow {
            designation: format!("Å-{:03}", i + 1),
            title: format!(
                "Inför multifaktorautentisering för fjärråtkomst, steg {}",
                i + 1
            ),
            risks: format!(
                "R-{:03}, R-{:03}",
                i % risk_count + 1,
                (i + 1) % risk_count + 1
            ),
            systems: SYSTEMS[i % SYSTEMS.len()].into(),
            reason: "Minskar sannolikheten för obehörig åtkomst med stulna lösenord.".into(),
            residual_level: LEVELS[i % 2].0.into(),
            responsible: "Åsa Öberg, IT-säkerhetsansvarig".into(),
            planned: format!("2026-{:02}-15", i % 12 + 1),
            done: if i % 3 == 2 { "2026-03-01" } else { "" }.into(),
            status: STATUSES[i % STATUSES.len()].into(),
            follow_ups: (0..i % 3)
                .map(|n| FollowUpRow {
                    year: 2024 + n as i32,
                    effect: "Färre lyckade inloggningsförsök från okända enheter.".into(),
                    still_valid: if n == 0 { "Ja" } else { "Nej" }.into(),
                    next_step: "Utvidga till all personal i kommunens hemtjänst.".into(),
                })
                .collect(),
        })
        .collect();
    RiskAnalysisDocument {
        lang: "sv".into(),
        labels: Labels::swedish(),
        organisation: "Region Västra Småland".into(),
        title: "Journalsystem och läkemedelshantering".into(),
        scope: "Journalsystemet, läkemedelsmodulen och de it-stöd som vårdavdelningarna \
                på Växjö lasarett är beroende av."
            .into(),
        version: Some(3),
        approved_by: Some("Örjan Åkesson, förvaltningschef".into()),
        approved_at: Some("2026-04-01".into()),
        generated_at: "2026-05-03 14:02".into(),
        generated_on: "2026-05-03".into(),
        next_renewal: Some("2027-04-01".into()),
        method: MethodSummary {
            name: "MCF:s metodstöd för riskanalys".into(),
            standard: "SS-EN ISO/IEC 27005:2022".into(),
            decided_by: "Regionstyrelsen".into(),
            decided_on: "2025-01-20".into(),
        },
        participants: "Informationssäkerhetssamordnare, objektägare, systemförvaltare, \
                       MAS och dataskyddsombud."
            .into(),
        external_developments: "Ökat antal angrepp med ransomware mot vård och omsorg; \
                                cybersäkerhetslagen gäller från 15 januari 2026."
            .into(),
        incidents_considered: "Två avbrott i journalsystemet under 2025 och ett \
                               nätfiskeförsök mot hemtjänsten."
            .into(),
        matrix: MatrixSummary {
            likelihood: LIKELIHOOD.map(String::from).to_vec(),
            consequence: CONSEQUENCE.map(String::from).to_vec(),
            levels: LEVELS
                .iter()
                .map(|(label, colour)| LevelSummary {
                    label: (*label).into(),
                    colour: (*colour).into(),
                })
                .collect(),
            cells: (0..LIKELIHOOD.len())
                .map(|l| (0..CONSEQUENCE.len()).map(|c| level_of(l, c)).collect())
                .collect(),
            counts,
        },
        risks,
        measures,
        handled_risks: vec![
            "R-2024-07 Oskyddade USB-minnen i läkemedelsrummet: eliminerad 2025-02-11".into(),
        ],
        done_measures: vec!["Å-2024-03 Kryptering av bärbara datorer: genomförd 2024-11-30".into()],
    }
}
