use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::classification::Text;

fn text(s: &str) -> Text {
    Text {
        sv: s.into(),
        en: s.into(),
    }
}

fn steps(n: usize) -> Vec<Step> {
    (1..=n)
        .map(|i| Step {
            label: text(&format!("Steg {i}")),
            definition: text("–"),
        })
        .collect()
}

/// A square matrix whose level grows with the sum of the steps.
fn matrix(size: usize) -> RiskMatrix {
    let cells = (0..size)
        .map(|l| {
            (0..size)
                .map(|c| RiskLevel::ALL[((l + c) * 3 / (2 * (size - 1))).min(3)])
                .collect()
        })
        .collect();
    RiskMatrix {
        likelihood: steps(size),
        consequence: steps(size),
        cells,
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn codes(errors: &crate::ValidationErrors) -> Vec<(String, &'static str)> {
    errors.0.iter().map(|e| (e.field.clone(), e.code)).collect()
}

#[test]
fn the_builtin_content_loads() {
    let content = RiskContent::builtin().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(content.levels().len(), 4);
    assert_eq!(content.default_matrix().likelihood.len(), 4);
    for size in [3, 4, 5] {
        let preset = content.preset(size).expect("a preset of every size");
        assert_eq!(preset.matrix.validate(), Ok(()));
    }
    assert!(content.catalogue().len() >= 10);
    assert!(content.catalogue_risk("RC-RANSOM").is_some());
}

#[test]
fn content_problems_are_all_reported() {
    let matrix = r##"
[[level]]
code = "low"
colour = "green"
serious = true
label.sv = "Låg"
label.en = "Low"
definition.sv = "x"
definition.en = "x"

[[preset]]
size = 3
sources = []
likelihood = []
consequence = []
cells = []
"##;
    let catalogue = r#"
[[risk]]
id = "X"
title.sv = ""
title.en = ""
description.sv = "a"
description.en = "a"
threat.sv = "a"
threat.en = "a"
vulnerability.sv = "a"
vulnerability.en = "a"
consequence.sv = "a"
consequence.en = "a"
aspects = ["Q"]
sources = []
measure = []
"#;
    let error = RiskContent::from_toml(matrix, catalogue).unwrap_err();
    let all = error.0.join("\n");
    for expected in [
        "low, medium, high, very_high",
        "`serious` must be false",
        "#rrggbb",
        "exactly one preset must be the default",
        "preset 3",
        "ids are unique and start with RC-",
        "every text needs Swedish and English",
        "cite at least one source",
        "suggest at least one measure",
        "unknown aspect `Q`",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in\n{all}");
    }
}

#[test]
fn a_matrix_must_have_three_to_five_steps_and_the_right_shape() {
    assert_eq!(
        matrix(2).validate(),
        Err(MatrixError::Size {
            axis: "likelihood",
            steps: 2
        })
    );
    assert!(matches!(
        matrix(6).validate(),
        Err(MatrixError::Size { .. })
    ));
    let mut uneven = matrix(4);
    uneven.cells[2].pop();
    assert!(matches!(uneven.validate(), Err(MatrixError::Shape { .. })));
    let mut unlabelled = matrix(4);
    unlabelled.consequence[1].label.sv = " ".into();
    assert_eq!(
        unlabelled.validate(),
        Err(MatrixError::Unlabelled {
            axis: "consequence",
            step: 2
        })
    );
}

#[test]
fn a_level_may_not_fall_when_likelihood_or_consequence_rises() {
    let mut falling = matrix(4);
    falling.cells[3][3] = RiskLevel::Low;
    assert_eq!(
        falling.validate(),
        Err(MatrixError::Falling {
            likelihood: 4,
            consequence: 4
        })
    );
}

#[test]
fn the_axes_may_differ_in_size() {
    let mut wide = matrix(3);
    wide.consequence = steps(5);
    wide.cells = vec![vec![RiskLevel::Low; 5]; 3];
    wide.cells[2][4] = RiskLevel::VeryHigh;
    assert_eq!(wide.validate(), Ok(()));
    assert_eq!(wide.level(3, 5), Ok(RiskLevel::VeryHigh));
    assert!(wide.level(4, 1).is_err());
}

proptest! {
    #[test]
    fn every_position_inside_the_matrix_has_a_level_that_never_falls(size in 3usize..=5, l in 1i64..=5, c in 1i64..=5) {
        let m = matrix(size);
        prop_assert_eq!(m.validate(), Ok(()));
        let max = size as i64;
        if l <= max && c <= max {
            let level = m.level(l, c).unwrap();
            if l < max { prop_assert!(m.level(l + 1, c).unwrap() >= level); }
            if c < max { prop_assert!(m.level(l, c + 1).unwrap() >= level); }
        } else {
            prop_assert!(m.level(l, c).is_err());
        }
    }

    #[test]
    fn a_position_outside_the_matrix_is_refused(value in prop_oneof![i64::MIN..=0, 6i64..=i64::MAX]) {
        let m = matrix(5);
        let refused = matches!(m.level(value, 1), Err(MatrixError::OutOfRange { axis: "likelihood", .. }));
        prop_assert!(refused);
        let refused = matches!(m.level(1, value), Err(MatrixError::OutOfRange { axis: "consequence", .. }));
        prop_assert!(refused);
    }

    #[test]
    fn renewal_and_retention_never_come_before_the_approval(days in 0i64..40_000) {
        let approved = date("2000-01-01") + chrono::Duration::days(days);
        prop_assert!(renewal_due(approved) > approved);
        prop_assert!(retained_until(approved) >= renewal_due(approved));
    }
}

fn risk_input<'a>() -> RiskInput<'a> {
    RiskInput {
        title: "Utpressningsvirus stoppar journalen",
        description: "",
        threat: "Kriminella grupper",
        vulnerability: "Opatchade servrar",
        consequence: Some(4),
        consequence_reason: "Vården stannar",
        likelihood: Some(3),
        likelihood_reason: "Har hänt i sektorn",
        system_ids: &[3, 1, 3],
        catalogue_id: Some("RC-RANSOM"),
    }
}

#[test]
fn a_risk_takes_its_level_from_the_matrix() {
    let m = matrix(4);
    let draft = risk_input().validate(&m).unwrap();
    assert_eq!(draft.level, m.level(3, 4).unwrap());
    assert_eq!(draft.system_ids, vec![1, 3]);
}

#[test]
fn a_risk_outside_the_matrix_or_without_reasoning_is_refused() {
    let input = RiskInput {
        consequence: Some(5),
        likelihood: None,
        likelihood_reason: " ",
        threat: "",
        ..risk_input()
    };
    let errors = input.validate(&matrix(4)).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            ("threat".into(), "required"),
            ("likelihood_reason".into(), "required"),
            ("consequence".into(), "out-of-range"),
            ("likelihood".into(), "required"),
        ]
    );
}

#[test]
fn treatment_needs_a_decision_and_a_justification() {
    let errors = TreatmentInput {
        treatment: None,
        justification: "",
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            ("justification".into(), "required"),
            ("treatment".into(), "required")
        ]
    );
    assert!(Treatment::Accept.needs_information_owner());
    assert!(!Treatment::Reduce.needs_information_owner());
}

#[test]
fn a_risk_is_handled_when_accepted_or_every_measure_is_done() {
    assert_eq!(RiskStatus::of(None, 2, 2), RiskStatus::Open);
    assert_eq!(
        RiskStatus::of(Some(Treatment::Accept), 0, 0),
        RiskStatus::Handled
    );
    assert_eq!(
        RiskStatus::of(Some(Treatment::Reduce), 0, 0),
        RiskStatus::InTreatment
    );
    assert_eq!(
        RiskStatus::of(Some(Treatment::Reduce), 2, 1),
        RiskStatus::InTreatment
    );
    assert_eq!(
        RiskStatus::of(Some(Treatment::Eliminate), 2, 2),
        RiskStatus::Handled
    );
}

fn measure_input<'a>() -> MeasureInput<'a> {
    MeasureInput {
        title: "Offline-säkerhetskopior",
        description: "",
        reason: "Återställning utan att betala lösen",
        category: Some(MeasureCategory::Technical),
        function: Some(MeasureFunction::Corrective),
        risk_ids: &[7],
        system_ids: &[1],
        residual_likelihood: Some(2),
        residual_consequence: Some(3),
        responsible_id: Some(5),
        planned_on: Some(date("2026-06-01")),
        done_on: None,
        done_note: "",
        source: None,
    }
}

#[test]
fn a_measure_carries_the_expected_residual_level() {
    let m = matrix(4);
    let draft = measure_input().validate(&m, date("2026-05-01")).unwrap();
    assert_eq!(draft.residual, Some((2, 3, m.level(2, 3).unwrap())));
}

#[test]
fn a_measure_done_before_it_was_planned_needs_a_note() {
    let m = matrix(4);
    let today = date("2026-05-01");
    let early = MeasureInput {
        done_on: Some(date("2026-04-01")),
        ..measure_input()
    };
    assert_eq!(
        codes(&early.validate(&m, today).unwrap_err()),
        vec![("done_note".into(), "required-when-early")]
    );
    let explained = MeasureInput {
        done_note: "Leverantören kunde tidigare",
        ..early
    };
    assert!(explained.validate(&m, today).is_ok());
    let future = MeasureInput {
        done_on: Some(date("2026-07-01")),
        ..measure_input()
    };
    assert_eq!(
        codes(&future.validate(&m, today).unwrap_err()),
        vec![("done_on".into(), "in-future")]
    );
}

#[test]
fn a_measure_handles_a_risk_or_comes_from_a_requirement() {
    let m = matrix(4);
    let today = date("2026-05-01");
    let orphan = MeasureInput {
        risk_ids: &[],
        residual_likelihood: None,
        residual_consequence: None,
        ..measure_input()
    };
    assert_eq!(
        codes(&orphan.validate(&m, today).unwrap_err()),
        vec![("risk_ids".into(), "required")]
    );
    let from_requirement = MeasureInput {
        source: Some((4, "K-ACC-01")),
        ..orphan
    };
    assert_eq!(from_requirement.validate(&m, today).unwrap().residual, None);
    let outside = MeasureInput {
        residual_likelihood: Some(9),
        ..measure_input()
    };
    assert_eq!(
        codes(&outside.validate(&m, today).unwrap_err()),
        vec![("residual_likelihood".into(), "out-of-range")]
    );
}

#[test]
fn measure_status_follows_the_dates() {
    let planned = date("2026-06-01");
    assert_eq!(
        MeasureStatus::of(planned, None, date("2026-05-01")),
        MeasureStatus::Planned
    );
    assert_eq!(
        MeasureStatus::of(planned, None, date("2026-06-02")),
        MeasureStatus::Late
    );
    assert_eq!(
        MeasureStatus::of(planned, Some(planned), date("2027-01-01")),
        MeasureStatus::Done
    );
}

#[test]
fn a_follow_up_that_finds_a_measure_no_longer_valid_says_what_next() {
    let today = date("2026-11-22");
    let input = FollowUpInput {
        year: Some(2027),
        effect: "",
        still_valid: false,
        next_step: "",
    };
    assert_eq!(
        codes(&input.validate(today).unwrap_err()),
        vec![
            ("effect".into(), "required"),
            ("year".into(), "out-of-range"),
            ("next_step".into(), "required"),
        ]
    );
}

#[test]
fn a_method_needs_name_standard_decision_and_a_sound_matrix() {
    let today = date("2026-11-22");
    let mut falling = matrix(4);
    falling.cells[0][0] = RiskLevel::VeryHigh;
    let input = MethodInput {
        name: "Regionens riskanalysmetod",
        standard: "",
        description: "",
        decided_by: "Regiondirektören",
        decided_on: Some(date("2026-12-01")),
        matrix: falling,
    };
    assert_eq!(
        codes(&input.validate(today).unwrap_err()),
        vec![
            ("standard".into(), "required"),
            ("decided_on".into(), "in-future"),
            ("matrix".into(), "matrix-falling"),
        ]
    );
}

#[test]
fn an_analysis_names_what_it_covers() {
    let base = AnalysisInput {
        title: "Riskanalys journalsystem",
        scope: Some(Scope::Systems),
        unit_id: None,
        process_name: "",
        system_ids: &[],
        asset_ids: &[],
        participants: "",
        external_developments: "",
        incidents_considered: "",
    };
    assert_eq!(
        codes(&base.clone().validate().unwrap_err()),
        vec![("system_ids".into(), "required")]
    );
    let unit = AnalysisInput {
        scope: Some(Scope::Unit),
        ..base.clone()
    };
    assert_eq!(
        codes(&unit.validate().unwrap_err()),
        vec![("unit_id".into(), "required")]
    );
    let whole = AnalysisInput {
        scope: Some(Scope::Organisation),
        unit_id: Some(7),
        ..base.clone()
    };
    let draft = whole.validate().unwrap();
    assert_eq!(
        (draft.scope, draft.unit_id),
        (Scope::Organisation, None),
        "an organisation-wide analysis belongs to the organisation itself"
    );
    let process = AnalysisInput {
        scope: Some(Scope::Process),
        process_name: "Läkemedelshantering",
        unit_id: Some(7),
        ..base
    };
    assert_eq!(process.validate().unwrap().unit_id, Some(7));
    assert_eq!(renewal_due(date("2026-02-28")), date("2027-02-28"));
    assert_eq!(retained_until(date("2024-02-29")), date("2029-02-28"));
    assert!(renewal_overdue(
        Some(date("2026-01-01")),
        date("2026-01-02")
    ));
    assert!(!renewal_overdue(None, date("2026-01-02")));
}
