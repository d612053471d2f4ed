//! Renders risk analyses and reads the PDFs back with poppler's `pdftotext` and
//! `pdfinfo` (Debian package poppler-utils).

use std::process::Command;

use tillit_pdf::{risk_analysis_pdf, sample_document, typst_data, Labels, RiskAnalysisDocument};

/// Runs a poppler tool on the PDF and returns what it printed.
fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[] })
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): install poppler-utils"));
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The PDF's text layer, laid out as printed so that a label and its value stay on
/// one line, with every run of whitespace made one space.
fn text_of(pdf: &[u8]) -> String {
    poppler("pdftotext", pdf, &["-layout", "-enc", "UTF-8"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A field of `pdfinfo`'s report, such as `Pages`.
fn info_field(pdf: &[u8], field: &str) -> String {
    let info = poppler("pdfinfo", pdf, &["-isodates"]);
    info.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .map(|value| value.trim().to_owned())
        .unwrap_or_else(|| panic!("no {field} in:\n{info}"))
}

fn pages_of(pdf: &[u8]) -> usize {
    info_field(pdf, "Pages").parse().unwrap()
}

fn render(doc: &RiskAnalysisDocument) -> Vec<u8> {
    match risk_analysis_pdf(doc) {
        Ok(pdf) => pdf,
        Err(e) => panic!("{e}"),
    }
}

fn assert_contains(text: &str, expected: &str) {
    assert!(
        text.contains(expected),
        "the PDF text lacks {expected:?}; it is:\n{text}"
    );
}

#[test]
fn a_risk_analysis_renders_with_its_swedish_text() {
    let pdf = render(&sample_document(3, 4));
    assert!(pdf.starts_with(b"%PDF-"));

    let text = text_of(&pdf);
    for expected in [
        "Region Västra Småland",
        "Riskanalys: Journalsystem och läkemedelshantering",
        "Fastställd av Örjan Åkesson, förvaltningschef",
        "Förnyas senast 2027-04-01",
        "Riskanalysmetod",
        "SS-EN ISO/IEC 27005:2022",
        "Omvärldsbevakning",
        "Incidenter som beaktats",
        "Riskmatris",
        "Mycket hög",
        "R-001 Nätfiske mot personal med behörighet till journalen (1)",
        "Risknivå: Hög",
        "Sårbarhet Bristande loggranskning",
        "Åtgärdsplan",
        "Åtgärd Risker System Motivering Kvarstående Ansvarig Planerad Genomförd Status",
        "Åsa Öberg",
        "Uppföljning 2024: Effekt: Färre lyckade inloggningsförsök från okända enheter.",
        "Hanterade risker • R-2024-07 Oskyddade USB-minnen",
        "Genomförda åtgärder • Å-2024-03 Kryptering av bärbara datorer",
        "Sida 1 av",
        "Skapad 2026-05-03 14:02",
    ] {
        assert_contains(&text, expected);
    }
}

#[test]
fn the_pdf_is_tagged_and_has_a_title_and_a_language() {
    let pdf = render(&sample_document(1, 1));
    assert_eq!(info_field(&pdf, "Tagged"), "yes");
    assert_eq!(
        info_field(&pdf, "Title"),
        "Riskanalys: Journalsystem och läkemedelshantering"
    );
    assert_eq!(info_field(&pdf, "CreationDate"), "2026-05-03T00:00:00Z");
    let metadata = poppler("pdfinfo", &pdf, &["-meta"]);
    assert!(
        metadata.contains("<dc:language><rdf:Bag><rdf:li>sv</rdf:li>"),
        "{metadata}"
    );
}

#[test]
fn a_draft_in_english_says_it_is_not_approved() {
    let mut doc = sample_document(1, 0);
    doc.lang = "en".into();
    doc.labels = Labels::english();
    doc.version = None;
    doc.approved_by = None;
    doc.approved_at = None;
    let text = text_of(&render(&doc));
    assert_contains(&text, "Risk analysis: Journalsystem");
    assert_contains(&text, "Draft – not approved");
    assert_contains(&text, "No measures are planned.");
    assert!(!text.contains("Approved by"), "{text}");
}

#[test]
fn a_large_analysis_runs_over_many_pages() {
    let pdf = render(&sample_document(200, 300));
    let pages = pages_of(&pdf);
    assert!(pages > 1, "{pages} pages");
    let text = text_of(&pdf);
    assert_contains(&text, "R-200 ");
    assert_contains(&text, "Å-300 ");
    assert_contains(&text, &format!("Sida {pages} av {pages}"));
}

#[test]
fn typst_markup_in_user_text_is_printed_as_it_is() {
    let hostile = r#"#set page(width: 1cm) *fet* _kursiv_ $x^2$ ] [ <etikett> @ref \ -- ~ // ="#;
    let mut doc = sample_document(1, 1);
    doc.title = format!("Titel {hostile}");
    doc.scope = format!("= Rubrik\n- punkt\n{hostile} #panic(\"nej\")");
    doc.risks[0].description = format!("{hostile} #include \"/etc/passwd\"");
    doc.measures[0].responsible = "@ansvarig <x> ]".into();
    doc.matrix.likelihood[0] = "$*#".into();
    doc.participants = "Emoji 😀, 漢字 and ﷽ have no font here".into();
    doc.matrix.levels[0].colour = "#zzzzzz\")".into();
    doc.risks[0].level_colour = "red); #panic()".into();

    let text = text_of(&render(&doc));
    assert_contains(&text, &format!("Titel {hostile}"));
    assert_contains(&text, "= Rubrik - punkt");
    assert_contains(&text, "#panic(\"nej\")");
    assert_contains(&text, "#include \"/etc/passwd\"");
    assert_contains(&text, "@ansvarig <x> ]");
    assert_contains(&text, "$*#");
    assert_contains(&text, "have no font here");
}

#[test]
fn a_matrix_that_does_not_match_its_levels_still_renders() {
    let mut doc = sample_document(2, 1);
    doc.matrix.cells = vec![vec![99]];
    doc.matrix.counts.clear();
    let text = text_of(&render(&doc));
    assert_contains(&text, "Riskmatris");
}

#[test]
fn typst_input_snapshot() {
    let data = typst_data(&sample_document(2, 2)).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&data).unwrap();
    insta::assert_json_snapshot!(value);
}

fn annual_report() -> tillit_pdf::AnnualReportDocument {
    use tillit_pdf::{AnnualReportDocument, AnnualReportSection, AnnualReportTable};
    AnnualReportDocument {
        lang: "sv".into(),
        title: "Årsrapport informationssäkerhet 2025".into(),
        organisation: "Region Sörmark".into(),
        scope: "Region Sörmark".into(),
        status: "Version 1 fastställd 2026-02-12 14:30 av samordnare@region.example".into(),
        as_of: "Siffrorna avser 2025-12-31".into(),
        sections: vec![
            AnnualReportSection {
                heading: "Informationsklassning".into(),
                figures: vec![(
                    "System med fastställd klassning".into(),
                    "42 av 50 (84 %)".into(),
                )],
                tables: vec![AnnualReportTable {
                    caption: "Klassade informationstillgångar per förvaltning".into(),
                    columns: vec!["Förvaltning".into(), "Klassade".into()],
                    rows: vec![vec!["Folktandvården".into(), "7 av 9 (77 %)".into()]],
                }],
                text: "Klassningar saknas i mindre förvaltningar. #[panic()] *inte fet*".into(),
                no_data: String::new(),
            },
            AnnualReportSection {
                heading: "Granskningar och tillsyn".into(),
                figures: Vec::new(),
                tables: Vec::new(),
                text: String::new(),
                no_data: "Inga uppgifter registrerade för 2025 inom rapportens omfattning.".into(),
            },
        ],
        missing: "Ingen text är skriven för avsnittet.".into(),
        generated: "Skapad 2026-02-12 14:31".into(),
        generated_on: "2026-02-12".into(),
    }
}

#[test]
fn the_annual_report_prints_its_figures_tables_and_texts_as_text() {
    let pdf = tillit_pdf::annual_report_pdf(&annual_report()).expect("a PDF");
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(info_field(&pdf, "Tagged"), "yes");
    assert_eq!(
        info_field(&pdf, "Title"),
        "Årsrapport informationssäkerhet 2025"
    );
    let text = text_of(&pdf);
    assert_contains(&text, "System med fastställd klassning 42 av 50 (84 %)");
    assert_contains(&text, "Folktandvården 7 av 9 (77 %)");
    assert_contains(&text, "#[panic()] *inte fet*");
    assert_contains(&text, "Inga uppgifter registrerade för 2025");
    assert_contains(&text, "Ingen text är skriven för avsnittet.");
}
