use std::sync::Arc;

use axum::body::Bytes;
use ed25519_dalek::SigningKey;
use tillit_domain::pagination::PageRequest;
use tillit_store::org::OrgUnit;
use tillit_store::registers::{InformationSystem, SystemFilter};
use tillit_store::risk::{RiskFilter, RiskListItem};
use tillit_store::users::{UserFilter, UserWithRoles};
use tillit_store::{Db, Page};

use crate::i18n::I18n;
use crate::services::board::{BoardDashboard, BoardKey};
use crate::services::calendar::FeedRequest;
use crate::services::checked_cache::CheckedCache;
use crate::services::registers::RegisterStatus;
use crate::services::risk::Overview;
use crate::services::start::StartFigures;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Set the `Secure` flag on cookies and send HSTS (when served over TLS).
    pub secure_cookies: bool,
    /// Session lifetime since the last request.
    pub session_idle_minutes: i64,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_forwarded_for: bool,
    /// Failed logins allowed per account and per address within the window.
    pub max_failed_logins: i64,
    pub failed_login_window_minutes: i64,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle_minutes: 60,
            trust_forwarded_for: false,
            max_failed_logins: 10,
            failed_login_window_minutes: 15,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub i18n: Arc<I18n>,
    pub audit_key: Arc<SigningKey>,
    /// The start page's figures per user (ADR 0008).
    pub start_figures: Arc<CheckedCache<i64, StartFigures>>,
    /// The risk overview per user and unit filter (ADR 0008).
    pub risk_overviews: Arc<CheckedCache<(i64, Option<i64>), Overview>>,
    /// Each organisation's latest register confirmation, shown with the register
    /// (ADR 0008).
    pub register_statuses: Arc<CheckedCache<i64, RegisterStatus>>,
    /// Each organisation's units, which most pages offer as a choice (ADR 0008).
    pub unit_lists: Arc<CheckedCache<i64, Vec<OrgUnit>>>,
    /// Pages of each organisation's user list, per filter (ADR 0008).
    pub user_pages: Arc<CheckedCache<UserPageKey, Page<UserWithRoles>>>,
    /// Pages of each organisation's register list, per filter (ADR 0008).
    pub system_pages: Arc<CheckedCache<SystemPageKey, Page<InformationSystem>>>,
    /// Pages of the risk list per organisation, filter and reach (ADR 0008).
    pub risk_pages: Arc<CheckedCache<RiskPageKey, Page<RiskListItem>>>,
    /// The board's overview per organisation and reach (ADR 0008).
    pub board_dashboards: Arc<CheckedCache<BoardKey, BoardDashboard>>,
    pub calendar_feeds: Arc<CheckedCache<FeedRequest, Bytes>>,
}

/// A page of an organisation's user list: the organisation, the filter and the page.
pub type UserPageKey = (i64, UserFilter, PageRequest);

/// A page of an organisation's register list: the organisation, the filter and the page.
pub type SystemPageKey = (i64, SystemFilter, PageRequest);

/// A page of the risk list: the organisation, the filter with the reader's reach, and
/// the limit and offset.
pub type RiskPageKey = (i64, RiskFilter, i64, i64);

impl AppState {
    pub fn new(db: Db, config: WebConfig, audit_key: SigningKey) -> Self {
        Self {
            db,
            config: Arc::new(config),
            i18n: Arc::new(I18n::load()),
            audit_key: Arc::new(audit_key),
            start_figures: Arc::default(),
            risk_overviews: Arc::default(),
            unit_lists: Arc::default(),
            register_statuses: Arc::default(),
            user_pages: Arc::default(),
            system_pages: Arc::default(),
            risk_pages: Arc::default(),
            board_dashboards: Arc::default(),
            calendar_feeds: Arc::default(),
        }
    }
}
