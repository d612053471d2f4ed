//! A searchable picker of register entries or information assets, for every form that
//! chooses some: a search field, the items chosen so far as ticked checkboxes, and the
//! matches of the search as checkboxes to tick.
//!
//! Without script the search button sends the whole form back to its own address; the
//! handler sees [`searching`] and shows the form again with everything typed and chosen
//! kept and the matches listed, saving nothing. With htmx the search field asks
//! `/register/lookup/{systems,assets}` as the user types and swaps in the chosen items
//! and the matches, so ticks survive each search.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::{AssetSort, SystemSort};
use tillit_store::registers::{AssetFilter, SystemFilter};

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::FormValues;
use crate::pages::{render, PageContext};
use crate::services::registers as service;
use crate::state::AppState;

/// The most matches a search lists; more ask the user to type more.
pub const MATCH_LIMIT: u32 = 50;

/// The name of the search buttons (`<input type="submit">`, so that a form's own
/// submit button stays its only `<button>`): a form sent with it is shown again, not
/// saved.
pub const SEARCH_BUTTON: &str = "picker_search";

/// What a picker chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    Systems,
    Assets,
}

impl PickerKind {
    pub fn lookup_path(self) -> &'static str {
        match self {
            PickerKind::Systems => "/register/lookup/systems",
            PickerKind::Assets => "/register/lookup/assets",
        }
    }
}

/// One item: its id and how it is shown (designation and name, or the asset's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerItem {
    pub id: i64,
    pub label: String,
}

/// What was chosen and typed in one picker of a submitted form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PickerInput {
    pub chosen: Vec<i64>,
    pub query: String,
}

impl PickerInput {
    /// The ticked ids of `field` and the text of its search field, `<field>_q`.
    pub fn read(values: &FormValues, field: &str) -> Result<Self, AppError> {
        Ok(Self {
            chosen: values.ids(field)?,
            query: values
                .first(&query_name(field))
                .unwrap_or_default()
                .trim()
                .to_owned(),
        })
    }

    /// Items chosen before, nothing searched.
    pub fn chosen(chosen: Vec<i64>) -> Self {
        Self {
            chosen,
            query: String::new(),
        }
    }
}

/// Whether the form was sent with a search button rather than to be saved.
pub fn searching(values: &FormValues) -> bool {
    values.first(SEARCH_BUTTON).is_some()
}

fn query_name(field: &str) -> String {
    format!("{field}_q")
}

/// A picker as shown: its texts, what is chosen, and the matches of the search.
#[derive(Debug, Clone)]
pub struct Picker {
    pub kind: PickerKind,
    /// The id of the fieldset, which an error summary links to; other ids start with it.
    pub id: String,
    /// The name the checkboxes are sent under.
    pub field: String,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub query: String,
    pub chosen: Vec<PickerItem>,
    pub matches: Vec<PickerItem>,
    /// Every item the search matches, listed or not.
    pub total: i64,
    pub searched: bool,
}

impl Picker {
    /// A picker for `field` whose fieldset has the id `<prefix><field>`.
    pub fn new(kind: PickerKind, prefix: &str, field: &str, label: String) -> Self {
        Self {
            kind,
            id: format!("{prefix}{field}"),
            field: field.to_owned(),
            label,
            hint: None,
            error: None,
            query: String::new(),
            chosen: Vec::new(),
            matches: Vec::new(),
            total: 0,
            searched: false,
        }
    }

    pub fn with_hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn with_error(mut self, error: Option<String>) -> Self {
        self.error = error;
        self
    }

    /// Fills in the chosen items' names and, when something was typed, the matches
    /// not already chosen. Ids of nothing in the organisation are dropped.
    pub async fn filled(
        mut self,
        state: &AppState,
        principal: &Principal,
        input: &PickerInput,
    ) -> Result<Self, AppError> {
        self.query = input.query.clone();
        self.chosen = chosen_items(state, principal, self.kind, &input.chosen).await?;
        if !self.query.is_empty() {
            let (matches, total) = matching_items(state, principal, self.kind, &self.query).await?;
            self.matches = matches
                .into_iter()
                .filter(|m| !self.chosen.iter().any(|c| c.id == m.id))
                .collect();
            self.total = total;
            self.searched = true;
        }
        Ok(self)
    }

    pub fn query_name(&self) -> String {
        query_name(&self.field)
    }

    /// The `hx-vals` of the search field: what the lookup needs to answer for this picker.
    pub fn lookup_values(&self) -> String {
        serde_json::json!({ "field": self.field, "id": self.id }).to_string()
    }

    /// The ids the search field's hint, error and result count have, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = vec![
            format!("{}-search-hint", self.id),
            format!("{}-count", self.id),
        ];
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }

    /// What the search found, for the live region.
    pub fn count_text(&self, ctx: &PageContext) -> String {
        if !self.searched {
            return String::new();
        }
        let listed = i64::try_from(self.matches.len()).unwrap_or(i64::MAX);
        if self.total > i64::from(MATCH_LIMIT) {
            ctx.t2(
                "picker-count-more",
                ("listed", listed),
                ("total", self.total),
            )
        } else {
            ctx.t1("picker-count", "count", self.total)
        }
    }

    pub fn search_label_id(&self) -> &'static str {
        match self.kind {
            PickerKind::Systems => "picker-search-systems",
            PickerKind::Assets => "picker-search-assets",
        }
    }

    pub fn search_hint_id(&self) -> &'static str {
        match self.kind {
            PickerKind::Systems => "picker-search-hint-systems",
            PickerKind::Assets => "picker-search-hint-assets",
        }
    }
}

async fn chosen_items(
    state: &AppState,
    principal: &Principal,
    kind: PickerKind,
    ids: &[i64],
) -> Result<Vec<PickerItem>, AppError> {
    Ok(match kind {
        PickerKind::Systems => service::systems_by_ids(state, principal, ids)
            .await?
            .into_iter()
            .map(|s| PickerItem {
                id: s.id,
                label: format!("{} {}", s.designation, s.name),
            })
            .collect(),
        PickerKind::Assets => service::assets_by_ids(state, principal, ids)
            .await?
            .into_iter()
            .map(|a| PickerItem {
                id: a.id,
                label: a.name,
            })
            .collect(),
    })
}

/// The first matches of `query`, by designation or name, and how many match in all.
async fn matching_items(
    state: &AppState,
    principal: &Principal,
    kind: PickerKind,
    query: &str,
) -> Result<(Vec<PickerItem>, i64), AppError> {
    let page = PageRequest {
        page: 1,
        per_page: MATCH_LIMIT,
    };
    Ok(match kind {
        PickerKind::Systems => {
            let filter = SystemFilter {
                query: Some(query.to_owned()),
                sort: SystemSort::Designation,
                ..Default::default()
            };
            let found = service::list_systems(state, principal, &filter, page).await?;
            let items = found
                .items
                .into_iter()
                .map(|s| PickerItem {
                    id: s.id,
                    label: format!("{} {}", s.designation, s.name),
                })
                .collect();
            (items, found.total)
        }
        PickerKind::Assets => {
            let filter = AssetFilter {
                query: Some(query.to_owned()),
                sort: AssetSort::Name,
                ..Default::default()
            };
            let found = service::list_assets(state, principal, &filter, page).await?;
            let items = found
                .items
                .into_iter()
                .map(|a| PickerItem {
                    id: a.id,
                    label: a.name,
                })
                .collect();
            (items, found.total)
        }
    })
}

/// The chosen items and the matches of one picker, which htmx swaps into the form.
#[derive(Template)]
#[template(path = "picker_lookup.html")]
struct LookupFragment {
    ctx: PageContext,
    picker: Picker,
}

pub async fn lookup_systems(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    lookup(state, ctx, principal, PickerKind::Systems, query).await
}

pub async fn lookup_assets(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    lookup(state, ctx, principal, PickerKind::Assets, query).await
}

/// A field name or element id sent by a picker: letters, digits, `_` and `-`.
fn plain_name(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `GET /register/lookup/{systems,assets}?field=&id=&q=&selected=…`: at most
/// [`MATCH_LIMIT`] entries or assets of the caller's organisation whose designation or
/// name contains `q`, after the chosen ones. The chosen ids come as `selected` or under
/// the field's own name, and the text as `q` or `<field>_q`, so that htmx can send the
/// form's own fields.
async fn lookup(
    state: AppState,
    ctx: PageContext,
    principal: Principal,
    kind: PickerKind,
    query: Option<String>,
) -> Result<Response, AppError> {
    let values = FormValues::parse(query.unwrap_or_default().as_bytes());
    let default_field = match kind {
        PickerKind::Systems => "system_ids",
        PickerKind::Assets => "asset_ids",
    };
    let field = values.first("field").unwrap_or(default_field).to_owned();
    let id = values.first("id").unwrap_or(&field).to_owned();
    if !plain_name(&field) {
        return Err(AppError::invalid("field", "invalid-choice"));
    }
    if !plain_name(&id) {
        return Err(AppError::invalid("id", "invalid-choice"));
    }
    let mut chosen = values.ids("selected")?;
    chosen.extend(values.ids(&field)?);
    chosen.sort_unstable();
    chosen.dedup();
    let text = values
        .first("q")
        .or_else(|| values.first(&query_name(&field)))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let input = PickerInput {
        chosen,
        query: text,
    };
    let picker = Picker::new(kind, "", &field, String::new())
        .filled(&state, &principal, &input)
        .await?;
    let picker = Picker { id, ..picker };
    render(&LookupFragment { ctx, picker })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_taken_from_a_lookup() {
        assert!(plain_name("system_ids"));
        assert!(plain_name("dependencies-depends_on_id"));
        assert!(!plain_name(""));
        assert!(!plain_name("x\" onmouseover=\"y"));
        assert!(!plain_name(&"a".repeat(65)));
    }
}
