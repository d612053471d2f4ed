use std::collections::BTreeMap;

use super::*;

fn content() -> MaturityContent {
    MaturityContent::builtin().expect("the shipped maturity content is valid")
}

/// Every question of `levels` met, the rest unanswered.
fn met_through(content: &MaturityContent, top: u8) -> BTreeMap<String, Answer> {
    content
        .questions()
        .iter()
        .filter(|q| q.level <= top)
        .map(|q| {
            (
                q.id.clone(),
                Answer {
                    met: true,
                    note: String::new(),
                },
            )
        })
        .collect()
}

#[test]
fn the_shipped_content_has_four_levels_and_every_area_on_level_one() {
    let content = content();
    assert_eq!(content.levels().len(), 4);
    for area in content.areas() {
        assert!(
            content
                .questions()
                .iter()
                .any(|q| q.level == 1 && q.area == area.id),
            "area {} has no level-1 question",
            area.id
        );
    }
    assert!(content.questions().iter().all(|q| !q.sources.is_empty()));
}

#[test]
fn nothing_answered_is_level_zero_with_the_level_one_questions_as_next_steps() {
    let content = content();
    let score = content.score(&BTreeMap::new());
    assert_eq!(score.level, 0);
    let level_one: Vec<String> = content
        .questions()
        .iter()
        .filter(|q| q.level == 1)
        .map(|q| q.id.clone())
        .collect();
    assert_eq!(score.next_steps, level_one);
    assert_eq!(score.answered, 0);
    assert!(score.areas.iter().all(|a| a.level == 0 && a.met == 0));
}

#[test]
fn a_level_is_reached_only_with_every_lower_level_met() {
    let content = content();
    for top in 1..=4 {
        let score = content.score(&met_through(&content, top));
        assert_eq!(score.level, top);
    }
    // Level 2 met in full but one level-1 question missing: still level 0.
    let mut answers = met_through(&content, 2);
    answers.insert(
        "M1-03".into(),
        Answer {
            met: false,
            note: "Ingen modell beslutad".into(),
        },
    );
    let score = content.score(&answers);
    assert_eq!(score.level, 0);
    assert_eq!(score.next_steps, vec!["M1-03".to_owned()]);
}

#[test]
fn next_steps_are_the_unmet_questions_of_the_next_level_only() {
    let content = content();
    let mut answers = met_through(&content, 1);
    answers.insert(
        "M2-01".into(),
        Answer {
            met: true,
            note: String::new(),
        },
    );
    answers.insert(
        "M3-01".into(),
        Answer {
            met: true,
            note: String::new(),
        },
    );
    let score = content.score(&answers);
    assert_eq!(score.level, 1);
    assert_eq!(score.next_steps, vec!["M2-02", "M2-03", "M2-04", "M2-05"]);
    let governance = score.areas.iter().find(|a| a.area == "governance").unwrap();
    assert_eq!(
        governance.level, 3,
        "the area's own questions reach level 3"
    );
    assert_eq!(governance.met, 3);
    assert_eq!(governance.total, 4);
    let people = score.areas.iter().find(|a| a.area == "people").unwrap();
    assert_eq!(people.level, 1);
}

#[test]
fn the_top_level_has_no_next_steps() {
    let content = content();
    let score = content.score(&met_through(&content, 4));
    assert_eq!(score.level, 4);
    assert!(score.next_steps.is_empty());
    assert_eq!(score.answered, score.total);
}

#[test]
fn invalid_content_lists_every_problem() {
    let broken = r#"
[[area]]
id = "a"
name.sv = "A"
name.en = "A"

[[level]]
number = 1
name.sv = "1"
name.en = "1"
description.sv = "d"
description.en = "d"

[[question]]
id = "Q"
level = 5
area = "b"
text.sv = ""
text.en = "t"
advice.sv = "a"
advice.en = "a"
sources = []
"#;
    let problems = MaturityContent::from_toml(broken).unwrap_err().0;
    let all = problems.join("\n");
    for expected in [
        "levels must be 1 to 4",
        "level 5",
        "unknown area b",
        "a source is required",
        "both languages",
        "level 1 has no questions",
    ] {
        assert!(all.contains(expected), "{expected} missing from {all}");
    }
}

#[test]
fn evidence_suggests_from_the_facts() {
    let empty = MaturityFacts::default();
    let facts = MaturityFacts {
        systems: 10,
        assets: 3,
        classified_systems: 8,
        approved_analyses: 1,
        closed_incidents: 2,
        risk_method_recorded: true,
        measure_follow_ups: 0,
    };
    for evidence in [
        Evidence::AssetInventory,
        Evidence::ClassificationShare,
        Evidence::ApprovedRiskAnalyses,
        Evidence::IncidentsHandled,
        Evidence::RiskMethod,
    ] {
        assert!(evidence.suggests_met(&facts), "{evidence:?}");
        assert!(!evidence.suggests_met(&empty), "{evidence:?}");
    }
    assert!(!Evidence::MeasuresFollowedUp.suggests_met(&facts));
    let fewer = MaturityFacts {
        classified_systems: 7,
        ..facts
    };
    assert!(!Evidence::ClassificationShare.suggests_met(&fewer));
    assert_eq!(fewer.classified_percent(), 70);
    assert_eq!(empty.classified_percent(), 0);
}

#[test]
fn answers_to_unknown_questions_and_long_notes_are_refused() {
    let content = content();
    let mut answers = BTreeMap::new();
    answers.insert(
        "M9-99".to_owned(),
        Answer {
            met: true,
            note: String::new(),
        },
    );
    answers.insert(
        "M1-01".to_owned(),
        Answer {
            met: true,
            note: "x".repeat(2001),
        },
    );
    let errors = validate_answers(&content, &answers).unwrap_err();
    assert!(errors.has("answers.M9-99"));
    assert!(errors.has("answers.M1-01"));
    let title = AssessmentInput {
        title: "  ",
        ..Default::default()
    };
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert!(title.validate(today).unwrap_err().has("title"));
    let ok = AssessmentInput {
        title: "Mognad 2026",
        assessed_on: None,
        unit_id: Some(3),
    }
    .validate(today)
    .unwrap();
    assert_eq!(ok.assessed_on, today);
}
