//! What every page template needs: the texts, the user, the navigation, the CSRF token.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use tillit_domain::auth::Action;
use tillit_domain::users::Language;
use tillit_domain::ValidationErrors;

use crate::auth::principal::Lang;
use crate::auth::{OperatorPrincipal, PendingOperatorLogin, Principal};
use crate::error::AppError;
use crate::i18n::I18n;
use crate::state::AppState;

pub struct NavItem {
    pub href: &'static str,
    pub label_id: &'static str,
    /// Modules that have not landed yet are shown, but not as links.
    pub available: bool,
    /// What the user must be allowed somewhere to see the module at all.
    pub requires: Option<Action>,
}

const MODULES: [NavItem; 8] = [
    NavItem {
        href: "/",
        label_id: "nav-start",
        available: true,
        requires: None,
    },
    NavItem {
        href: "/register",
        label_id: "nav-register",
        available: true,
        requires: None,
    },
    NavItem {
        href: "/classification",
        label_id: "nav-classification",
        available: true,
        requires: None,
    },
    NavItem {
        href: "/risks",
        label_id: "nav-risks",
        available: true,
        requires: Some(Action::ViewRisks),
    },
    NavItem {
        href: "/incidents",
        label_id: "nav-incidents",
        available: true,
        requires: None,
    },
    NavItem {
        href: "/follow-up",
        label_id: "nav-follow-up",
        available: false,
        requires: None,
    },
    NavItem {
        href: "/reports",
        label_id: "nav-reports",
        available: true,
        requires: Some(Action::ViewReports),
    },
    NavItem {
        href: "/governance",
        label_id: "nav-governance",
        available: true,
        requires: Some(Action::ViewGovernance),
    },
];

pub struct PageContext {
    pub lang: Language,
    i18n: Arc<I18n>,
    pub principal: Option<Principal>,
    /// The signed-in operator, on the operators' pages.
    pub operator: Option<OperatorPrincipal>,
    pub csrf_token: String,
    pub path: String,
    pub notice: Option<String>,
}

impl PageContext {
    pub fn t(&self, id: &str) -> String {
        self.i18n.text(self.lang, id)
    }

    pub fn t1(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.i18n
            .text_with(self.lang, id, &[(name, value.to_string())])
    }

    pub fn t2(
        &self,
        id: &str,
        (name, value): (&str, impl std::fmt::Display),
        (other_name, other_value): (&str, impl std::fmt::Display),
    ) -> String {
        let args = [
            (name, value.to_string()),
            (other_name, other_value.to_string()),
        ];
        self.i18n.text_with(self.lang, id, &args)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.as_str()
    }

    pub fn time(&self, t: &DateTime<Utc>) -> String {
        crate::time::format_local(t)
    }

    pub fn time_opt(&self, t: &Option<DateTime<Utc>>) -> String {
        t.as_ref()
            .map(crate::time::format_local)
            .unwrap_or_default()
    }

    /// The modules the user may open, and those still to come.
    pub fn modules(&self) -> Vec<&'static NavItem> {
        MODULES
            .iter()
            .filter(|item| {
                item.requires.is_none_or(|action| {
                    self.principal
                        .as_ref()
                        .is_some_and(|principal| principal.can(action))
                })
            })
            .collect()
    }

    pub fn is_current(&self, href: &str) -> bool {
        if href == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(href)
        }
    }

    pub fn operator_email(&self) -> String {
        self.operator
            .as_ref()
            .map(|o| o.email.clone())
            .unwrap_or_default()
    }

    pub fn signed_in(&self) -> bool {
        self.principal.is_some()
    }

    pub fn user_name(&self) -> String {
        self.principal
            .as_ref()
            .map(|p| p.display_name.clone())
            .unwrap_or_default()
    }

    pub fn can(&self, action: &str) -> bool {
        let Some(principal) = &self.principal else {
            return false;
        };
        let action = match action {
            "users" => Action::ViewUsers,
            "manage-users" => Action::ManageUsers,
            "audit" => Action::ViewAuditTrail,
            "manage-units" => Action::ManageOrgUnits,
            "manage-controllers" => Action::ManageDataControllers,
            "manage-organisation" => Action::ManageOrganisation,
            _ => Action::ViewOrganisation,
        };
        match action {
            Action::ViewAuditTrail
            | Action::ManageUsers
            | Action::ManageDataControllers
            | Action::ManageOrganisation => principal.grants.allows_everywhere(action),
            _ => principal.can(action),
        }
    }

    pub fn role_label(&self, role: &tillit_domain::auth::Role) -> String {
        self.t(&format!("role-{}", role.as_str().replace('_', "-")))
    }

    pub fn organisation_kind_label(&self, kind: &str) -> String {
        self.t(&format!("organisation-kind-{}", kind.replace('_', "-")))
    }

    pub fn unit_kind_label(&self, kind: &str) -> String {
        self.t(&format!("unit-kind-{kind}"))
    }

    pub fn notice_text(&self) -> Option<String> {
        let id = self.notice.as_ref()?;
        let key = format!("notice-{id}");
        self.i18n.has(self.lang, &key).then(|| self.t(&key))
    }
}

impl PageContext {
    /// The context of an error page, rendered outside any handler.
    pub fn for_error(state: &AppState, lang: Language, principal: Option<Principal>) -> Self {
        let csrf_token = principal
            .as_ref()
            .and_then(|p| p.session.as_ref())
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default();
        Self {
            lang,
            i18n: state.i18n.clone(),
            principal: principal.filter(|p| p.session.is_some()),
            operator: None,
            csrf_token,
            path: String::new(),
            notice: None,
        }
    }
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = parts.extensions.get::<Principal>().cloned();
        let operator = parts.extensions.get::<OperatorPrincipal>().cloned();
        let lang = parts
            .extensions
            .get::<Lang>()
            .map(|l| l.0)
            .unwrap_or_default();
        let csrf_token = principal
            .as_ref()
            .and_then(|p| p.session.as_ref().map(|s| s.csrf_token.clone()))
            .or_else(|| {
                parts
                    .extensions
                    .get::<crate::auth::PendingLogin>()
                    .map(|p| p.session.csrf_token.clone())
            })
            .or_else(|| {
                operator
                    .as_ref()
                    .and_then(|o| o.session.as_ref().map(|s| s.csrf_token.clone()))
            })
            .or_else(|| {
                parts
                    .extensions
                    .get::<PendingOperatorLogin>()
                    .map(|p| p.session.csrf_token.clone())
            })
            .unwrap_or_default();
        let notice = parts.uri.query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == "notice")
                .map(|(_, v)| v)
        });
        Ok(PageContext {
            lang,
            i18n: state.i18n.clone(),
            principal,
            operator,
            csrf_token,
            path: parts.uri.path().to_owned(),
            notice,
        })
    }
}

/// Field errors of a submitted form, in the user's language, for the error summary
/// and next to each field.
#[derive(Default)]
pub struct FormErrors {
    pub items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn from_validation(ctx: &PageContext, errors: &ValidationErrors) -> Self {
        let items = errors
            .0
            .iter()
            .map(|e| {
                let label = ctx.t(&format!("field-{}", e.field.replace('_', "-")));
                let message = ctx.t(&format!("field-error-{}", e.code));
                (e.field.clone(), format!("{label}: {message}"))
            })
            .collect();
        Self { items }
    }

    /// Like [`FormErrors::from_validation`], for a form whose fields share a name with
    /// fields elsewhere but mean something else there: the label `<area>-field-<name>`
    /// is used where it exists.
    pub fn from_validation_in(ctx: &PageContext, errors: &ValidationErrors, area: &str) -> Self {
        let items = errors
            .0
            .iter()
            .map(|e| {
                let field = e.field.replace('_', "-");
                let own_label = format!("{area}-field-{field}");
                let label = if ctx.i18n.has(ctx.lang, &own_label) {
                    ctx.t(&own_label)
                } else {
                    ctx.t(&format!("field-{field}"))
                };
                let message = ctx.t(&format!("field-error-{}", e.code));
                (e.field.clone(), format!("{label}: {message}"))
            })
            .collect();
        Self { items }
    }

    pub fn single(ctx: &PageContext, field: &str, message_id: &str) -> Self {
        Self {
            items: vec![(field.to_owned(), ctx.t(message_id))],
        }
    }

    /// For a page with several forms: field `name` of this form has the id `<prefix>name`.
    pub fn prefixed(self, prefix: &str) -> Self {
        Self {
            items: self
                .items
                .into_iter()
                .map(|(field, message)| (format!("{prefix}{field}"), message))
                .collect(),
        }
    }

    /// How a refused submission is shown again: validation errors beside their fields
    /// (ids prefixed with `prefix`), a stale version as a message at `conflict_field`.
    /// Any other error is passed on.
    pub fn rejected(
        ctx: &PageContext,
        error: AppError,
        prefix: &str,
        conflict_field: &str,
    ) -> Result<(Self, StatusCode), AppError> {
        match error {
            AppError::Invalid(errors) => Ok((
                Self::from_validation(ctx, &errors).prefixed(prefix),
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            AppError::Conflict => Ok((
                Self::single(ctx, &format!("{prefix}{conflict_field}"), "conflict-reload"),
                StatusCode::CONFLICT,
            )),
            other => Err(other),
        }
    }

    pub fn any(&self) -> bool {
        !self.items.is_empty()
    }

    pub fn for_field(&self, field: &str) -> Option<String> {
        self.items
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }

    pub fn has(&self, field: &str) -> bool {
        self.items.iter().any(|(f, _)| f == field)
    }
}
