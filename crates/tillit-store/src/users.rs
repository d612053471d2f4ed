//! Accounts and their role assignments.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::pagination::PageRequest;
use tillit_domain::search::{contains_pattern, fold};
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::unit_in_organisation;
use crate::sql::{unit_subtree, Arg, Conditions};
use crate::{now, Actor, Page};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub organisation_id: i64,
    pub email: String,
    pub display_name: String,
    pub title: String,
    pub locale: Option<String>,
    pub active: bool,
    pub two_factor_enabled: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const USER_COLUMNS: &str = "id, organisation_id, email, display_name, title, locale, active, \
    (totp_enabled_at IS NOT NULL) AS two_factor_enabled, version, created_at, updated_at";

/// What login needs to know about an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub organisation_id: i64,
    pub display_name: String,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<DateTime<Utc>>,
    pub active: bool,
    pub demo: bool,
    /// The organisation is suspended by an operator: nobody of it may sign in.
    pub suspended: bool,
}

pub async fn credentials_by_email(db: &Db, email: &str) -> Result<Option<Credentials>> {
    Ok(read!(
        db,
        fetch_optional,
        Credentials,
        "SELECT u.id, u.organisation_id, u.display_name, u.password_hash, u.totp_secret, u.totp_enabled_at, u.active, o.demo, \
            (o.suspended_at IS NOT NULL) AS suspended \
         FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.email = $1",
        email
    )?)
}

pub async fn credentials_by_id(db: &Db, id: i64) -> Result<Credentials> {
    read!(
        db,
        fetch_optional,
        Credentials,
        "SELECT u.id, u.organisation_id, u.display_name, u.password_hash, u.totp_secret, u.totp_enabled_at, u.active, o.demo, \
            (o.suspended_at IS NOT NULL) AS suspended \
         FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.id = $1",
        id
    )?
    .ok_or(StoreError::NotFound)
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub title: &'a str,
    pub password_hash: &'a str,
}

pub async fn create_user_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    new: &NewUser<'_>,
) -> Result<User> {
    let at = now();
    let sql = format!(
        "INSERT INTO app_user (organisation_id, email, display_name, search_text, title, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {USER_COLUMNS}"
    );
    let search = search_text(new.display_name, new.email);
    let user = in_tx!(
        &mut *tx,
        fetch_one,
        User,
        &sql,
        organisation_id,
        new.email,
        new.display_name,
        search,
        new.title,
        new.password_hash,
        at
    )
    .map_err(|e| StoreError::from(e).on_unique("app_user_email_key", "email"))?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "user", user.id).after(&user),
    )
    .await?;
    Ok(user)
}

pub async fn get_user(db: &Db, organisation_id: i64, id: i64) -> Result<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE organisation_id = $1 AND id = $2");
    read!(db, fetch_optional, User, &sql, organisation_id, id)?.ok_or(StoreError::NotFound)
}

async fn get_user_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE organisation_id = $1 AND id = $2");
    in_tx!(tx, fetch_optional, User, &sql, organisation_id, id)?.ok_or(StoreError::NotFound)
}

pub async fn find_user_by_email(db: &Db, email: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE email = $1");
    Ok(read!(db, fetch_optional, User, &sql, email)?)
}

/// What a user search matches: name and e-mail, folded.
fn search_text(display_name: &str, email: &str) -> String {
    fold(&format!("{display_name} {email}"))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct UserFilter {
    /// Name or e-mail contains this text.
    pub query: Option<String>,
    /// Holds this role; with a unit, on that unit (one assignment matches both).
    pub role: Option<Role>,
    /// Holds a role on this unit; with a role, that role.
    pub unit_id: Option<i64>,
    /// The unit's assignments include those on every unit below it.
    pub subunits: bool,
    pub active: Option<bool>,
}

#[derive(sqlx::FromRow)]
struct UserRoleRow {
    #[sqlx(flatten)]
    user: User,
    total: i64,
    role: Option<String>,
    unit_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CountRow {
    total: i64,
}

/// A user in a list, with their assignments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserWithRoles {
    #[serde(flatten)]
    pub user: User,
    pub roles: Vec<Assignment>,
}

pub async fn list_users(
    db: &Db,
    organisation_id: i64,
    filter: &UserFilter,
    page: PageRequest,
) -> Result<Page<UserWithRoles>> {
    let mut conditions = Conditions::for_organisation("organisation_id", organisation_id);
    if let Some(query) = filter.query.as_deref() {
        conditions.and(
            "search_text LIKE ? ESCAPE '\\'",
            Arg::Text(contains_pattern(query)),
        );
    }
    if filter.role.is_some() || filter.unit_id.is_some() {
        let assignment = assignment_condition(&mut conditions, filter);
        conditions.and_fixed(&format!(
            "id IN (SELECT user_id FROM role_assignment WHERE organisation_id = $1{assignment})"
        ));
    }
    if let Some(active) = filter.active {
        conditions.and("active = ?", Arg::Bool(active));
    }
    let matching = conditions.sql();
    let limit = conditions.next_placeholder();
    // One round trip: the page of users joined to their roles (a user with several roles
    // spans several consecutive rows), with the total from an uncorrelated subquery that
    // the engine computes once.
    let select = format!(
        "SELECT u.id, u.organisation_id, u.email, u.display_name, u.title, u.locale, u.active, \
            (u.totp_enabled_at IS NOT NULL) AS two_factor_enabled, u.version, u.created_at, u.updated_at, \
            (SELECT COUNT(*) FROM app_user WHERE {matching}) AS total, r.role, r.unit_id \
         FROM (SELECT id FROM app_user WHERE {matching} ORDER BY display_name, id LIMIT ${limit} OFFSET ${offset}) p \
         JOIN app_user u ON u.id = p.id LEFT JOIN role_assignment r ON r.user_id = u.id \
         ORDER BY u.display_name, u.id, r.role, r.unit_id",
        offset = limit + 1
    );
    let args = conditions.args_with([Arg::Int(page.limit()), Arg::Int(page.offset())]);
    let rows = read_args!(db, fetch_all, UserRoleRow, &select, args)?;
    let total = match rows.first() {
        Some(row) => row.total,
        // Past the last page there is no row to carry the total.
        None => {
            let count = format!("SELECT COUNT(*) AS total FROM app_user WHERE {matching}");
            read_args!(db, fetch_one, CountRow, &count, conditions.args_with([]))?.total
        }
    };
    let mut items: Vec<UserWithRoles> = Vec::new();
    for row in rows {
        let assignment = row
            .role
            .as_deref()
            .and_then(Role::parse)
            .map(|role| Assignment {
                role,
                unit_id: row.unit_id,
            });
        match items.last_mut() {
            Some(last) if last.user.id == row.user.id => last.roles.extend(assignment),
            _ => items.push(UserWithRoles {
                user: row.user,
                roles: assignment.into_iter().collect(),
            }),
        }
    }
    Ok(Page { items, total })
}

/// The conditions on one role assignment for the filter's role and unit, with their
/// arguments added to `conditions`.
fn assignment_condition(conditions: &mut Conditions, filter: &UserFilter) -> String {
    let mut clause = String::new();
    if let Some(role) = filter.role {
        clause.push_str(&format!(" AND role = ${}", conditions.next_placeholder()));
        conditions.push_arg(Arg::Text(role.as_str().to_owned()));
    }
    if let Some(unit) = filter.unit_id {
        let placeholder = format!("${}", conditions.next_placeholder());
        conditions.push_arg(Arg::Int(unit));
        if filter.subunits {
            clause.push_str(&format!(" AND unit_id IN ({})", unit_subtree(&placeholder)));
        } else {
            clause.push_str(&format!(" AND unit_id = {placeholder}"));
        }
    }
    clause
}

#[derive(sqlx::FromRow)]
struct AssignmentRow {
    role: String,
    unit_id: Option<i64>,
}

pub async fn assignments(db: &Db, user_id: i64) -> Result<Vec<Assignment>> {
    let rows = read!(
        db,
        fetch_all,
        AssignmentRow,
        "SELECT role, unit_id FROM role_assignment WHERE user_id = $1",
        user_id
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Role::parse(&r.role).map(|role| Assignment {
                role,
                unit_id: r.unit_id,
            })
        })
        .collect())
}

/// Gives `user_id` a role, for the whole organisation or one unit (and those below it).
pub async fn assign_role_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    user_id: i64,
    assignment: Assignment,
) -> Result<()> {
    get_user_tx(tx, organisation_id, user_id).await?;
    if let Some(unit) = assignment.unit_id {
        if !unit_in_organisation(tx, organisation_id, unit).await? {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "unit_id",
                "unknown-reference",
            )));
        }
    }
    let existing = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        i64,
        "SELECT id FROM role_assignment WHERE user_id = $1 AND role = $2 AND (unit_id = $3 OR (unit_id IS NULL AND $3 IS NULL))",
        user_id,
        assignment.role.as_str(),
        assignment.unit_id
    )?;
    if existing.is_some() {
        return Err(StoreError::Duplicate { field: "role" });
    }
    exec_tx!(
        &mut *tx,
        "INSERT INTO role_assignment (organisation_id, user_id, role, unit_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        organisation_id,
        user_id,
        assignment.role.as_str(),
        assignment.unit_id,
        now()
    )?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "role_grant", "user", user_id).after(&assignment),
    )
    .await?;
    Ok(())
}

pub async fn assign_role(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    user_id: i64,
    assignment: Assignment,
) -> Result<()> {
    let mut tx = db.begin().await?;
    assign_role_in(&mut tx, organisation_id, actor, user_id, assignment).await?;
    tx.commit().await
}

pub async fn revoke_role(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    user_id: i64,
    assignment: Assignment,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let removed = exec_tx!(
        &mut tx,
        "DELETE FROM role_assignment WHERE organisation_id = $1 AND user_id = $2 AND role = $3 \
         AND (unit_id = $4 OR (unit_id IS NULL AND $4 IS NULL))",
        organisation_id,
        user_id,
        assignment.role.as_str(),
        assignment.unit_id
    )?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "role_revoke", "user", user_id).before(&assignment),
    )
    .await?;
    tx.commit().await
}

/// Editable account details.
pub struct UserChanges<'a> {
    pub display_name: &'a str,
    pub title: &'a str,
    pub active: bool,
}

pub async fn update_user(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    changes: &UserChanges<'_>,
) -> Result<User> {
    let mut tx = db.begin().await?;
    let before = get_user_tx(&mut tx, organisation_id, id).await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE app_user SET display_name = $1, search_text = $8, title = $2, active = $3, updated_at = $4, version = version + 1 \
         WHERE id = $5 AND organisation_id = $6 AND version = $7",
        changes.display_name,
        changes.title,
        changes.active,
        now(),
        id,
        organisation_id,
        expected_version,
        search_text(changes.display_name, &before.email)
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    if !changes.active {
        exec_tx!(&mut tx, "DELETE FROM web_session WHERE user_id = $1", id)?;
    }
    let after = get_user_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "user", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn set_locale(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    locale: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE app_user SET locale = $1, updated_at = $2 WHERE id = $3 AND organisation_id = $4",
        locale,
        now(),
        id,
        organisation_id
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "user", id)
            .after(&serde_json::json!({ "locale": locale })),
    )
    .await?;
    tx.commit().await
}

/// Stores a new, not yet confirmed, TOTP secret. Two-factor login is off until the user
/// proves they hold it, so starting over is recorded like turning it on.
pub async fn set_pending_totp(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    secret: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE app_user SET totp_secret = $1, totp_enabled_at = NULL WHERE id = $2 AND organisation_id = $3",
        secret,
        id,
        organisation_id
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "two_factor_setup", "user", id),
    )
    .await?;
    tx.commit().await
}

/// Turns two-factor login on after the user proved they hold the secret.
pub async fn enable_totp(db: &Db, organisation_id: i64, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE app_user SET totp_enabled_at = $1, version = version + 1 WHERE id = $2",
        now(),
        id
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "two_factor_enable", "user", id),
    )
    .await?;
    tx.commit().await
}

pub async fn set_password(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    password_hash: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(&mut tx, "UPDATE app_user SET password_hash = $1, password_change_required = FALSE, updated_at = $2, version = version + 1 WHERE id = $3", password_hash, now(), id)?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "password_change", "user", id),
    )
    .await?;
    tx.commit().await
}

/// Users of the organisation as (id, name) pairs, for pickers.
pub async fn user_choices(db: &Db, organisation_id: i64, limit: i64) -> Result<Vec<(i64, String)>> {
    Ok(read!(
        db,
        fetch_all,
        (i64, String),
        "SELECT id, display_name FROM app_user WHERE organisation_id = $1 AND active = TRUE ORDER BY display_name LIMIT $2",
        organisation_id,
        limit
    )?)
}

/// The account behind a session or token: who they are and whether their organisation
/// is a demo (read by [`crate::access`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Identity {
    pub id: i64,
    pub organisation_id: i64,
    pub email: String,
    pub display_name: String,
    pub locale: Option<String>,
    pub two_factor_enabled: bool,
    pub demo: bool,
    /// Signed in with a one-time password: must choose their own before anything else.
    pub password_change_required: bool,
    /// The organisation is suspended by an operator.
    pub suspended: bool,
}

pub async fn count_active(db: &Db, organisation_id: i64) -> Result<i64> {
    Ok(read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM app_user WHERE organisation_id = $1 AND active = TRUE",
        organisation_id
    )?)
}

/// Turns off a user's two-factor login (lost phone); they set it up again at next login.
pub async fn reset_totp(db: &Db, organisation_id: i64, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE app_user SET totp_secret = NULL, totp_enabled_at = NULL, version = version + 1 WHERE id = $1 AND organisation_id = $2",
        id,
        organisation_id
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    exec_tx!(&mut tx, "DELETE FROM web_session WHERE user_id = $1", id)?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "two_factor_reset", "user", id),
    )
    .await?;
    tx.commit().await
}
