//! Repository tests. Every `db_test!` runs on SQLite and on PostgreSQL.

mod audit_trail;
mod classification;
mod governance_cycle;
mod governance_documents;
mod incident_followups;
mod incidents;
mod jobs_sessions;
mod list_filters;
mod operators;
mod org_units;
mod register_import;
mod registers;
mod registers_bulk;
mod reminders;
mod reports;
mod reviews;
mod risk;
mod schema_parity;

use tillit_domain::org::OrganisationKind;
use tillit_store::org::{self, NewOrganisation};
use tillit_store::users::{self, NewUser};
use tillit_store::{Actor, Db};

pub fn actor() -> Actor {
    Actor::system("test")
}

/// A fresh organisation; `number` keeps org numbers unique within one database.
pub async fn organisation(db: &Db, name: &str, org_number: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let created = org::create_organisation(
        &mut tx,
        &actor(),
        &NewOrganisation {
            name,
            kind: OrganisationKind::Region,
            org_number,
            demo: false,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    created.id
}

/// A user of the organisation whose display name is its e-mail address.
pub async fn user(db: &Db, organisation_id: i64, email: &str) -> i64 {
    user_named(db, organisation_id, email, email).await
}

pub async fn user_named(db: &Db, organisation_id: i64, email: &str, display_name: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let created = users::create_user_in(
        &mut tx,
        organisation_id,
        &actor(),
        &NewUser {
            email,
            display_name,
            title: "",
            password_hash: "x",
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    created.id
}
