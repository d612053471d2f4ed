//! Information classification pages: coverage overview and list, the wizard, one
//! object with its versions and self-assessment, proposed measures, and the
//! requirement catalogue with the organisation's own requirements.

pub mod object;
pub mod overview;
pub mod requirements;
pub mod wizard;

use tillit_domain::classification::{Aspect, Level, Text};

use crate::pages::PageContext;
use crate::services::classification as service;

/// A content text in the reader's language.
fn text(ctx: &PageContext, text: &Text) -> String {
    text.in_language(ctx.lang).to_owned()
}

/// What to do instead of the catalogue when an aspect is at level 4.
fn protection_analysis_note(ctx: &PageContext) -> Result<String, crate::error::AppError> {
    Ok(service::catalogue()?
        .level(Level::MAX)
        .protection_analysis
        .as_ref()
        .map(|note| text(ctx, note))
        .unwrap_or_default())
}

/// The aspect's name from the classification content, e.g. "Konfidentialitet".
fn aspect_name(ctx: &PageContext, aspect: Aspect) -> String {
    service::catalogue()
        .map(|catalogue| text(ctx, &catalogue.aspect(aspect).name))
        .unwrap_or_else(|_| aspect.as_str().to_owned())
}

/// "3 Allvarlig": the level with its name on the scale.
fn level_label(ctx: &PageContext, level: Level) -> String {
    service::catalogue()
        .map(|catalogue| format!("{level} {}", text(ctx, &catalogue.level(level).name)))
        .unwrap_or_else(|_| level.to_string())
}
