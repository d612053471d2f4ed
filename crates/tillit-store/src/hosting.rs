//! Organisations as an operator sees them: hosting facts only (name, number, kind,
//! counts, dates, the audit trail's length), never their content. Operator changes to
//! an organisation are written to that organisation's audit trail.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::hosting::{Access, HostedOrganisationDraft};
use tillit_domain::pagination::PageRequest;
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Engine, Tx};
use crate::error::{Result, StoreError};
use crate::org::{self, NewOrganisation};
use crate::users::{self, NewUser};
use crate::{now, Actor, Page};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HostedOrganisation {
    pub id: i64,
    pub name: String,
    pub org_number: String,
    pub kind: String,
    pub demo: bool,
    pub suspended_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub users: i64,
    pub units: i64,
    /// Events of this organisation in the audit trail.
    pub audit_events: i64,
    /// The sequence number of its latest event, 0 before the first.
    pub audit_head: i64,
}

const HOSTED_SELECT: &str = "SELECT o.id, o.name, o.org_number, o.kind, o.demo, o.suspended_at, o.version, o.created_at, \
    (SELECT COUNT(*) FROM app_user u WHERE u.organisation_id = o.id) AS users, \
    (SELECT COUNT(*) FROM org_unit n WHERE n.organisation_id = o.id) AS units, \
    (SELECT COUNT(*) FROM audit_event a WHERE a.organisation_id = o.id) AS audit_events, \
    (SELECT COALESCE(MAX(a.seq), 0) FROM audit_event a WHERE a.organisation_id = o.id) AS audit_head \
    FROM organisation o";

/// Every organisation of the deployment, by name.
pub async fn list(db: &Db, page: PageRequest) -> Result<Page<HostedOrganisation>> {
    let sql = format!("{HOSTED_SELECT} ORDER BY o.name, o.id LIMIT $1 OFFSET $2");
    let items = read!(
        db,
        fetch_all,
        HostedOrganisation,
        &sql,
        page.limit(),
        page.offset()
    )?;
    let total = read_scalar!(db, fetch_one, i64, "SELECT COUNT(*) FROM organisation")?;
    Ok(Page { items, total })
}

pub async fn get(db: &Db, id: i64) -> Result<HostedOrganisation> {
    let sql = format!("{HOSTED_SELECT} WHERE o.id = $1");
    read!(db, fetch_optional, HostedOrganisation, &sql, id)?.ok_or(StoreError::NotFound)
}

async fn get_tx(tx: &mut Tx, id: i64) -> Result<HostedOrganisation> {
    let sql = format!("{HOSTED_SELECT} WHERE o.id = $1");
    in_tx!(tx, fetch_optional, HostedOrganisation, &sql, id)?.ok_or(StoreError::NotFound)
}

/// The database the deployment runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseFacts {
    pub engine: &'static str,
    pub version: String,
    pub size_bytes: i64,
}

pub async fn database_facts(db: &Db) -> Result<DatabaseFacts> {
    let (version_sql, size_sql) = match db.engine() {
        Engine::Sqlite => (
            "SELECT sqlite_version()",
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        ),
        Engine::Postgres => (
            "SELECT current_setting('server_version')",
            "SELECT pg_database_size(current_database())",
        ),
    };
    Ok(DatabaseFacts {
        engine: db.engine().as_str(),
        version: read_scalar!(db, fetch_one, String, version_sql)?,
        size_bytes: read_scalar!(db, fetch_one, i64, size_sql)?,
    })
}

/// Creates an organisation with its first administrator, who signs in with
/// `password_hash` once and must then choose a password and set up two-factor sign-in.
pub async fn create(
    db: &Db,
    actor: &Actor,
    draft: &HostedOrganisationDraft,
    password_hash: &str,
) -> Result<(HostedOrganisation, users::User)> {
    let mut tx = db.begin().await?;
    let organisation = org::create_organisation(
        &mut tx,
        actor,
        &NewOrganisation {
            name: &draft.organisation.name,
            kind: draft.organisation.kind,
            org_number: &draft.organisation.org_number,
            demo: false,
        },
    )
    .await?;
    let admin = users::create_user_in(
        &mut tx,
        organisation.id,
        actor,
        &NewUser {
            email: &draft.admin_email,
            display_name: &draft.admin_name,
            title: "",
            password_hash,
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate { .. } => StoreError::Duplicate {
            field: "admin_email",
        },
        other => other,
    })?;
    exec_tx!(
        &mut tx,
        "UPDATE app_user SET password_change_required = TRUE WHERE id = $1",
        admin.id
    )?;
    users::assign_role_in(
        &mut tx,
        organisation.id,
        actor,
        admin.id,
        Assignment {
            role: Role::Administrator,
            unit_id: None,
        },
    )
    .await?;
    let hosted = get_tx(&mut tx, organisation.id).await?;
    tx.commit().await?;
    Ok((hosted, admin))
}

/// Suspends or reactivates an organisation. Suspending signs out all its users.
pub async fn set_access(
    db: &Db,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    wanted: Access,
) -> Result<HostedOrganisation> {
    let mut tx = db.begin().await?;
    let before = get_tx(&mut tx, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    Access::of(before.suspended_at.is_some()).change_to(wanted)?;
    let suspended_at = (wanted == Access::Suspended).then(now);
    let changed = exec_tx!(
        &mut tx,
        "UPDATE organisation SET suspended_at = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4",
        suspended_at,
        now(),
        id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    if wanted == Access::Suspended {
        exec_tx!(
            &mut tx,
            "DELETE FROM web_session WHERE organisation_id = $1",
            id
        )?;
    }
    let after = get_tx(&mut tx, id).await?;
    let action = match wanted {
        Access::Suspended => "suspend",
        Access::Active => "reactivate",
    };
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(id), action, "organisation", id)
            .before(&serde_json::json!({ "suspended_at": before.suspended_at, "version": before.version }))
            .after(&serde_json::json!({ "suspended_at": after.suspended_at, "version": after.version })),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Gives the organisation's administrator `email` a new one-time password: their
/// second factor and sessions are removed, and they must choose a password and set up
/// two-factor sign-in again. Returns the administrator's user id.
pub async fn reset_admin_access(
    db: &Db,
    actor: &Actor,
    organisation_id: i64,
    email: &str,
    password_hash: &str,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    get_tx(&mut tx, organisation_id).await?;
    let admin = in_tx_scalar!(
        &mut tx,
        fetch_optional,
        i64,
        "SELECT u.id FROM app_user u JOIN role_assignment r ON r.user_id = u.id \
         WHERE u.organisation_id = $1 AND u.email = $2 AND r.role = $3 AND r.unit_id IS NULL",
        organisation_id,
        email,
        Role::Administrator.as_str()
    )?
    .ok_or_else(|| {
        StoreError::Invalid(ValidationErrors::single(
            "admin_email",
            "not-an-administrator",
        ))
    })?;
    exec_tx!(
        &mut tx,
        "UPDATE app_user SET password_hash = $1, password_change_required = TRUE, totp_secret = NULL, \
            totp_enabled_at = NULL, updated_at = $2, version = version + 1 WHERE id = $3",
        password_hash,
        now(),
        admin
    )?;
    exec_tx!(&mut tx, "DELETE FROM web_session WHERE user_id = $1", admin)?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "access_reset", "user", admin),
    )
    .await?;
    tx.commit().await?;
    Ok(admin)
}
