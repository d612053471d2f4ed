//! The shipped content, validation of broken content, and the requirement rules.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use proptest::prelude::*;

use super::*;

const LEVELS: &str = include_str!("../../../../content/classification/levels.toml");
const QUESTIONS: &str = include_str!("../../../../content/classification/questions.toml");
const CATALOGUE: &str = include_str!("../../../../content/requirements/catalogue.toml");

static SHIPPED: LazyLock<Catalogue> = LazyLock::new(|| {
    Catalogue::from_toml(LEVELS, QUESTIONS, CATALOGUE)
        .unwrap_or_else(|error| panic!("shipped content must be valid: {error}"))
});

fn level(n: u8) -> Level {
    Level::new(n).expect("test level on the scale")
}

fn levels(k: u8, r: u8, t: u8, s: Option<u8>) -> Levels {
    Levels::new(level(k), level(r), level(t), s.map(level))
}

fn ids<'a>(requirements: impl IntoIterator<Item = &'a Requirement>) -> Vec<&'a str> {
    requirements.into_iter().map(|r| r.id.as_str()).collect()
}

/// A valid requirement entry, for hand-made catalogues.
fn requirement_toml(id: &str, aspect: &str, min_level: i64) -> String {
    format!(
        r#"
[[requirement]]
id = "{id}"
aspect = "{aspect}"
min_level = {min_level}
category = "technical"
iso27002 = ["8.15"]
sources = ["HSLF-FS 2016:40 4 kap. 9 §"]
title.sv = "Titel"
title.en = "Title"
description.sv = "Beskrivning"
description.en = "Description"
procurement.sv = "Leverantören ska göra det."
procurement.en = "The supplier shall do it."
"#
    )
}

fn with_catalogue(catalogue: &str) -> Result<Catalogue, ContentError> {
    Catalogue::from_toml(LEVELS, QUESTIONS, catalogue)
}

fn issues<'a>(error: &'a ContentError, item: &'a str) -> Vec<&'a Issue> {
    error.for_item(item).collect()
}

// ---------------------------------------------------------------------------
// The shipped content
// ---------------------------------------------------------------------------

#[test]
fn shipped_content_is_valid_and_complete() {
    let catalogue = &*SHIPPED;
    for aspect in Aspect::ALL {
        let definition = catalogue.aspect(aspect);
        assert_eq!(definition.aspect, aspect);
        for level in Level::ALL {
            assert_eq!(definition.consequence(level).level, level);
        }
        assert!(
            catalogue.questions(aspect).count() >= 3,
            "questions for {aspect}"
        );
        assert!(
            catalogue.requirements().iter().any(|r| r.aspect == aspect),
            "requirements for {aspect}"
        );
    }
    assert_eq!(
        catalogue.aspect(Aspect::Confidentiality).name.sv,
        "Konfidentialitet"
    );
    assert!(catalogue.requirements().len() >= 40);
}

#[test]
fn shipped_scale_uses_klassa_names_and_flags_level_four() {
    let names: Vec<&str> = Level::ALL
        .into_iter()
        .map(|level| SHIPPED.level(level).name.sv.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Ingen eller försumbar",
            "Måttlig",
            "Betydande",
            "Allvarlig",
            "Synnerligen allvarlig"
        ]
    );
    for level in Level::ALL {
        let definition = SHIPPED.level(level);
        assert_eq!(definition.level, level);
        assert_eq!(
            definition.protection_analysis.is_some(),
            level.needs_protection_analysis()
        );
    }
}

#[test]
fn shipped_requirements_are_ska_krav_with_sources_and_controls() {
    for requirement in SHIPPED.requirements() {
        assert!(requirement.procurement.sv.starts_with("Leverantören ska"));
        assert!(requirement.procurement.en.starts_with("The supplier shall"));
        assert!(!requirement.sources.is_empty(), "{}", requirement.id);
        assert!(!requirement.iso27002.is_empty(), "{}", requirement.id);
        assert!(requirement.id.starts_with(requirement.aspect.as_str()));
        // Level 4 lies outside the catalogue; 0 would apply to everything.
        assert!(
            (1..=3).contains(&requirement.min_level.get()),
            "{}",
            requirement.id
        );
    }
    let unique: BTreeSet<&str> = ids(SHIPPED.requirements()).into_iter().collect();
    assert_eq!(unique.len(), SHIPPED.requirements().len());
}

#[test]
fn shipped_questions_offer_ordered_answers() {
    for aspect in Aspect::ALL {
        for question in SHIPPED.questions(aspect) {
            assert_eq!(question.aspect, aspect);
            assert!(question.options.len() >= 2, "{}", question.id);
            assert!(
                question
                    .options
                    .windows(2)
                    .all(|pair| pair[0].level < pair[1].level),
                "{}",
                question.id
            );
        }
    }
}

#[test]
fn requirement_lookup_by_id() {
    let mfa = SHIPPED
        .requirement("K-AUT-01")
        .expect("MFA requirement shipped");
    assert_eq!(mfa.aspect, Aspect::Confidentiality);
    assert_eq!(mfa.min_level, level(2));
    assert_eq!(mfa.category, Category::Technical);
    assert_eq!(
        mfa.iso27002.first().map(ToString::to_string).as_deref(),
        Some("8.5")
    );
    assert!(SHIPPED.requirement("K-XXX-99").is_none());
}

// ---------------------------------------------------------------------------
// Which requirements apply
// ---------------------------------------------------------------------------

#[test]
fn requirements_apply_from_their_minimum_level() {
    let toml = [
        requirement_toml("K-ACC-01", "K", 1),
        requirement_toml("K-AUT-01", "K", 2),
        requirement_toml("T-BAK-03", "T", 3),
        requirement_toml("S-LOG-01", "S", 2),
    ]
    .concat();
    let catalogue = with_catalogue(&toml).expect("hand-made catalogue is valid");

    assert!(catalogue
        .requirements_for(&levels(0, 0, 0, None))
        .is_empty());
    assert_eq!(
        ids(catalogue.requirements_for(&levels(1, 0, 2, None))),
        ["K-ACC-01"]
    );
    assert_eq!(
        ids(catalogue.requirements_for(&levels(2, 0, 3, None))),
        ["K-ACC-01", "K-AUT-01", "T-BAK-03"]
    );
    // Spårbarhet left out: no S requirement, however high the others are.
    assert_eq!(
        ids(catalogue.requirements_for(&levels(4, 4, 4, None))),
        ["K-ACC-01", "K-AUT-01", "T-BAK-03"]
    );
    assert_eq!(
        ids(catalogue.requirements_for(&levels(0, 0, 0, Some(1)))),
        Vec::<&str>::new()
    );
    assert_eq!(
        ids(catalogue.requirements_for(&levels(0, 0, 0, Some(2)))),
        ["S-LOG-01"]
    );
}

#[test]
fn shipped_requirement_sets_grow_with_the_levels() {
    let none = SHIPPED.requirements_for(&levels(0, 0, 0, None));
    let all = SHIPPED.requirements_for(&levels(3, 3, 3, Some(3)));
    assert!(none.is_empty());
    assert_eq!(all.len(), SHIPPED.requirements().len());

    let k1 = ids(SHIPPED.requirements_for(&levels(1, 0, 0, None)));
    let k2 = ids(SHIPPED.requirements_for(&levels(2, 0, 0, None)));
    assert!(k1.contains(&"K-ACC-02") && !k1.contains(&"K-AUT-01"));
    assert!(k2.contains(&"K-ACC-02") && k2.contains(&"K-AUT-01"));
    assert!(!k2.contains(&"K-CRY-02"));
}

#[test]
fn a_system_gets_the_requirements_of_its_most_demanding_asset() {
    let journal = levels(3, 3, 1, Some(2));
    let booking = levels(1, 1, 3, None);
    let system = Levels::highest([journal, booking]).expect("two assets");
    let for_system: BTreeSet<&str> = ids(SHIPPED.requirements_for(&system)).into_iter().collect();
    for asset in [journal, booking] {
        for id in ids(SHIPPED.requirements_for(&asset)) {
            assert!(for_system.contains(id), "{id}");
        }
    }
    assert!(for_system.contains("T-RED-01") && for_system.contains("K-CRY-02"));
}

fn any_levels() -> impl Strategy<Value = Levels> {
    (0u8..=4, 0u8..=4, 0u8..=4, proptest::option::of(0u8..=4))
        .prop_map(|(k, r, t, s)| levels(k, r, t, s))
}

proptest! {
    #[test]
    fn raising_a_level_never_removes_a_requirement(
        base in any_levels(),
        aspect in proptest::sample::select(Aspect::ALL.to_vec()),
        raise_to in 0u8..=4,
    ) {
        let current = base.get(aspect).unwrap_or(Level::MIN);
        let raised = base.with(aspect, level(raise_to).max(current));
        let before: BTreeSet<&str> = ids(SHIPPED.requirements_for(&base)).into_iter().collect();
        let after: BTreeSet<&str> = ids(SHIPPED.requirements_for(&raised)).into_iter().collect();
        prop_assert!(before.is_subset(&after), "{base} -> {raised}");
    }

    #[test]
    fn highest_is_at_least_every_part(parts in proptest::collection::vec(any_levels(), 1..6)) {
        let whole = Levels::highest(&parts).expect("at least one part");
        for part in &parts {
            for aspect in Aspect::ALL {
                prop_assert!(part.get(aspect) <= whole.get(aspect));
            }
        }
        for aspect in Aspect::ALL {
            let best = parts.iter().filter_map(|p| p.get(aspect)).max();
            prop_assert_eq!(whole.get(aspect), best);
        }
    }
}

// ---------------------------------------------------------------------------
// Broken content is reported item by item
// ---------------------------------------------------------------------------

#[test]
fn broken_catalogue_names_every_bad_item() {
    let mut toml = [
        requirement_toml("K-ACC-01", "K", 1),
        requirement_toml("K-ACC-01", "K", 2),
        requirement_toml("R-CHG-01", "R", 5),
    ]
    .concat();
    toml.push_str(&requirement_toml("T-BAK-01", "T", 1).replace(
        r#"sources = ["HSLF-FS 2016:40 4 kap. 9 §"]"#,
        "sources = []",
    ));
    let error = with_catalogue(&toml).expect_err("broken catalogue is refused");

    assert_eq!(
        issues(&error, "K-ACC-01"),
        [&Issue::DuplicateId("K-ACC-01".into())]
    );
    assert_eq!(
        issues(&error, "R-CHG-01"),
        [&Issue::LevelOutOfRange {
            field: "min_level",
            value: 5
        }]
    );
    assert_eq!(issues(&error, "T-BAK-01"), [&Issue::NoSource]);
    assert_eq!(error.problems.len(), 3);
    assert!(error
        .problems
        .iter()
        .all(|p| p.file == ContentFile::Catalogue));

    let message = error.to_string();
    for expected in [
        "3 problem(s)",
        "catalogue.toml: K-ACC-01: id `K-ACC-01` is used more than once",
        "catalogue.toml: R-CHG-01: `min_level` = 5 is outside the scale 0–4",
        "catalogue.toml: T-BAK-01: no source is cited",
    ] {
        assert!(message.contains(expected), "{expected:?} not in {message}");
    }
}

#[test]
fn every_field_of_a_requirement_is_checked() {
    let toml = r#"
[[requirement]]
id = "X-ACC-01"
aspect = "X"
min_level = -1
category = "administrative"
iso27002 = ["5.38", "A.9.2.1"]
sources = ["  "]
title.sv = "Titel"
description.en = "Description"
procurement.sv = "Vi ska göra det."
procurement.en = "We shall do it."

[[requirement]]
aspect = "K"
min_level = 1
category = "technical"
iso27002 = []
sources = ["GDPR art. 32.1 b"]
title.sv = "Titel"
title.en = "Title"
description.sv = "Beskrivning"
description.en = "Description"
procurement.sv = "Leverantören ska göra det."
procurement.en = "The supplier shall do it."

[[requirement]]
id = "K-acc-1"
aspect = "K"
min_level = 1
category = "technical"
iso27002 = ["8.5"]
sources = ["GDPR art. 32.1 b"]
title.sv = "Titel"
title.en = "Title"
description.sv = "Beskrivning"
description.en = "Description"
procurement.sv = "Leverantören ska göra det."
procurement.en = "The supplier shall do it."
"#;
    let error = with_catalogue(toml).expect_err("broken catalogue is refused");
    assert_eq!(
        issues(&error, "X-ACC-01"),
        [
            &Issue::UnknownAspect("X".into()),
            &Issue::LevelOutOfRange {
                field: "min_level",
                value: -1
            },
            &Issue::UnknownCategory("administrative".into()),
            &Issue::EmptyText("title.en".into()),
            &Issue::EmptyText("description.sv".into()),
            &Issue::ProcurementPhrasing {
                field: "procurement.sv",
                prefix: "Leverantören ska"
            },
            &Issue::ProcurementPhrasing {
                field: "procurement.en",
                prefix: "The supplier shall"
            },
            &Issue::UnknownControl("5.38".into()),
            &Issue::UnknownControl("A.9.2.1".into()),
            &Issue::BlankSource,
        ]
    );
    assert_eq!(
        issues(&error, "requirement #2"),
        [&Issue::Missing("id"), &Issue::NoControl]
    );
    assert_eq!(
        issues(&error, "K-acc-1"),
        [&Issue::MalformedId {
            id: "K-acc-1".into(),
            prefix: "K"
        }]
    );
}

#[test]
fn broken_scale_names_aspects_and_levels() {
    let levels = LEVELS
        // Konfidentialitet and Riktighet lose their level-3 consequence.
        .replacen(
            "[[aspect.consequence]]\nlevel = 3",
            "[[aspect.consequence]]\nlevel = 9",
            2,
        )
        // Level 4 loses its protection analysis, level 0 gains one.
        .replace("protection_analysis.sv", "# protection_analysis.sv")
        .replace("protection_analysis.en", "# protection_analysis.en")
        .replacen(
            "value = 0\n",
            "value = 0\nprotection_analysis = { sv = \"Nej\", en = \"No\" }\n",
            1,
        );
    let error = Catalogue::from_toml(&levels, QUESTIONS, CATALOGUE).expect_err("broken scale");
    assert!(error.problems.iter().all(|p| p.file == ContentFile::Levels));
    assert_eq!(
        issues(&error, "aspect K, consequence #4"),
        [&Issue::LevelOutOfRange {
            field: "level",
            value: 9
        }]
    );
    assert_eq!(
        issues(&error, "aspect R, consequence #4"),
        [&Issue::LevelOutOfRange {
            field: "level",
            value: 9
        }]
    );
    assert_eq!(issues(&error, "aspect K"), [&Issue::MissingConsequence(3)]);
    assert_eq!(issues(&error, "aspect R"), [&Issue::MissingConsequence(3)]);
    assert_eq!(
        issues(&error, "level 4"),
        [&Issue::MissingProtectionAnalysis(4)]
    );
    assert_eq!(
        issues(&error, "level 0"),
        [&Issue::UnexpectedProtectionAnalysis(0)]
    );
}

#[test]
fn missing_and_repeated_aspects_are_reported() {
    let levels = LEVELS.replacen("code = \"S\"", "code = \"K\"", 1);
    let error = Catalogue::from_toml(&levels, QUESTIONS, CATALOGUE).expect_err("two K aspects");
    assert_eq!(issues(&error, "aspect K"), [&Issue::DuplicateAspect("K")]);
    assert!(error.problems.contains(&Problem {
        file: ContentFile::Levels,
        item: None,
        issue: Issue::MissingAspect("S"),
    }));
}

#[test]
fn broken_questions_are_reported() {
    let questions = r#"
[[question]]
id = "K-Q-01"
aspect = "K"
text.sv = "Fråga?"
text.en = "Question?"
sources = ["GDPR art. 9"]

[[question.option]]
level = 0
text.sv = "Nej"
text.en = "No"

[[question.option]]
level = 0
text.sv = "Också nej"
text.en = "Also no"

[[question]]
id = "K-Q-02"
aspect = "K"
text.sv = "Fråga?"
text.en = "Question?"

[[question.option]]
level = 1
text.sv = "Ja"
"#;
    let error = Catalogue::from_toml(LEVELS, questions, CATALOGUE).expect_err("broken questions");
    assert_eq!(issues(&error, "K-Q-01"), [&Issue::DuplicateLevel(0)]);
    assert_eq!(
        issues(&error, "K-Q-02"),
        [
            &Issue::NoSource,
            &Issue::TooFewOptions,
            &Issue::EmptyText("option #1.text.en".into()),
        ]
    );
    for aspect in ["R", "T", "S"] {
        assert!(error.problems.contains(&Problem {
            file: ContentFile::Questions,
            item: None,
            issue: Issue::NoQuestions(aspect),
        }));
    }
}

#[test]
fn unreadable_files_are_reported_alongside_other_problems() {
    let broken_levels = "[[aspect]\ncode = ";
    let misspelt = CATALOGUE.replacen("sources = [", "source = [", 1);
    let error = Catalogue::from_toml(broken_levels, QUESTIONS, &misspelt).expect_err("unreadable");
    let files: Vec<ContentFile> = error.problems.iter().map(|p| p.file).collect();
    assert_eq!(files, [ContentFile::Levels, ContentFile::Catalogue]);
    assert!(error
        .problems
        .iter()
        .all(|p| p.item.is_none() && matches!(p.issue, Issue::Syntax(_))));
    assert!(error.to_string().contains("unknown field `source`"));
}
