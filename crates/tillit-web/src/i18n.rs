//! Swedish and English texts from Fluent files compiled into the binary.

use std::borrow::Cow;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use tillit_domain::users::Language;

/// Each language's messages, one Fluent file per area of the product.
const SOURCES: [(Language, &str, &[&str]); 2] = [
    (
        Language::Sv,
        "sv-SE",
        &[
            include_str!("../locales/sv/main.ftl"),
            include_str!("../locales/sv/registers.ftl"),
            include_str!("../locales/sv/classification.ftl"),
            include_str!("../locales/sv/assets.ftl"),
            include_str!("../locales/sv/import.ftl"),
            include_str!("../locales/sv/risk.ftl"),
            include_str!("../locales/sv/measures.ftl"),
            include_str!("../locales/sv/incidents.ftl"),
            include_str!("../locales/sv/operator.ftl"),
            include_str!("../locales/sv/picker.ftl"),
            include_str!("../locales/sv/governance.ftl"),
            include_str!("../locales/sv/reports.ftl"),
            include_str!("../locales/sv/maturity.ftl"),
            include_str!("../locales/sv/calendar.ftl"),
            include_str!("../locales/sv/reviews.ftl"),
        ],
    ),
    (
        Language::En,
        "en-GB",
        &[
            include_str!("../locales/en/main.ftl"),
            include_str!("../locales/en/registers.ftl"),
            include_str!("../locales/en/classification.ftl"),
            include_str!("../locales/en/assets.ftl"),
            include_str!("../locales/en/import.ftl"),
            include_str!("../locales/en/risk.ftl"),
            include_str!("../locales/en/measures.ftl"),
            include_str!("../locales/en/incidents.ftl"),
            include_str!("../locales/en/operator.ftl"),
            include_str!("../locales/en/picker.ftl"),
            include_str!("../locales/en/governance.ftl"),
            include_str!("../locales/en/reports.ftl"),
            include_str!("../locales/en/maturity.ftl"),
            include_str!("../locales/en/calendar.ftl"),
            include_str!("../locales/en/reviews.ftl"),
        ],
    ),
];

pub struct I18n {
    swedish: FluentBundle<FluentResource>,
    english: FluentBundle<FluentResource>,
}

impl I18n {
    /// Parses the embedded Fluent files. They are checked by tests, so a parse error is
    /// a build defect; any message that fails to load shows as its id.
    pub fn load() -> Self {
        let [swedish, english] = SOURCES.map(|(_, tag, files)| bundle(tag, files));
        Self { swedish, english }
    }

    fn bundle(&self, language: Language) -> &FluentBundle<FluentResource> {
        match language {
            Language::Sv => &self.swedish,
            Language::En => &self.english,
        }
    }

    pub fn text(&self, language: Language, id: &str) -> String {
        self.format(language, id, None)
    }

    pub fn text_with(&self, language: Language, id: &str, args: &[(&str, String)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            // Numbers go in as numbers so plural variants ([one], [other]) are chosen.
            let value = match value.parse::<f64>() {
                Ok(number) => FluentValue::from(number),
                Err(_) => FluentValue::from(value.clone()),
            };
            fluent_args.set(*name, value);
        }
        self.format(language, id, Some(&fluent_args))
    }

    pub fn has(&self, language: Language, id: &str) -> bool {
        self.bundle(language).has_message(id)
    }

    fn format(&self, language: Language, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.bundle(language);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, "missing message");
            return id.to_owned();
        };
        let mut errors = Vec::new();
        let text: Cow<str> = bundle.format_pattern(pattern, args, &mut errors);
        text.into_owned()
    }
}

fn bundle(tag: &str, files: &[&str]) -> FluentBundle<FluentResource> {
    let language = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![language]);
    // Isolation marks would end up inside HTML attributes and e-mail subjects.
    bundle.set_use_isolating(false);
    for source in files {
        let resource = match FluentResource::try_new((*source).to_owned()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                tracing::error!(?errors, tag, "Fluent file has errors");
                resource
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(?errors, tag, "Fluent file has duplicate messages");
        }
    }
    bundle
}

/// Picks the language from an `Accept-Language` header: the first of ours it names.
pub fn negotiate(accept_language: &str) -> Option<Language> {
    let mut ranked: Vec<(f32, Language)> = accept_language
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next()?;
            Language::parse(primary).map(|language| (quality, language))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|(_, language)| *language)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn message_ids(files: &[&str]) -> BTreeSet<String> {
        files
            .iter()
            .flat_map(|source| source.lines())
            .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let swedish = message_ids(SOURCES[0].2);
        let english = message_ids(SOURCES[1].2);
        let only_swedish: Vec<_> = swedish.difference(&english).collect();
        let only_english: Vec<_> = english.difference(&swedish).collect();
        assert!(only_swedish.is_empty(), "only in sv: {only_swedish:?}");
        assert!(only_english.is_empty(), "only in en: {only_english:?}");
        assert!(swedish.len() > 50);
    }

    #[test]
    fn no_message_is_defined_in_two_files() {
        for (_, tag, files) in SOURCES {
            let mut seen = BTreeSet::new();
            for id in files.iter().flat_map(|file| message_ids(&[file])) {
                assert!(seen.insert(id.clone()), "{tag}: {id} is defined twice");
            }
        }
    }

    #[test]
    fn fluent_files_parse_without_errors() {
        for (_, tag, files) in SOURCES {
            for source in files {
                assert!(
                    FluentResource::try_new((*source).to_owned()).is_ok(),
                    "{tag} has syntax errors"
                );
            }
        }
    }

    #[test]
    fn texts_and_arguments_are_formatted() {
        let i18n = I18n::load();
        assert_eq!(i18n.text(Language::Sv, "nav-start"), "Start");
        assert_eq!(i18n.text(Language::En, "nav-users"), "Users");
        let text = i18n.text_with(Language::En, "list-total", &[("count", "7".into())]);
        assert_eq!(text, "7 results");
        assert_eq!(
            i18n.text_with(Language::En, "list-total", &[("count", "1".into())]),
            "1 result"
        );
        assert_eq!(
            i18n.text_with(Language::Sv, "list-total", &[("count", "1".into())]),
            "1 träff"
        );
    }

    #[test]
    fn accept_language_is_negotiated_by_quality() {
        assert_eq!(negotiate("en-GB,en;q=0.9,sv;q=0.8"), Some(Language::En));
        assert_eq!(negotiate("de-DE, sv;q=0.5, en;q=0.4"), Some(Language::Sv));
        assert_eq!(negotiate("de, fr"), None);
    }
}
