//! Hosting many organisations: what an operator may set up and change. Operators run
//! the deployment; they never see an organisation's content, so every rule here is
//! about the organisation as a tenant, never about what it keeps.

use crate::org::{OrganisationDraft, OrganisationInput};
use crate::users::normalise_email;
use crate::validation::{required_text, ValidationErrors};

/// A new organisation and the administrator who will set it up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostedOrganisationInput {
    pub name: String,
    pub kind: String,
    pub org_number: String,
    pub admin_email: String,
    pub admin_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedOrganisationDraft {
    pub organisation: OrganisationDraft,
    pub admin_email: String,
    pub admin_name: String,
}

impl HostedOrganisationInput {
    pub fn validate(&self) -> Result<HostedOrganisationDraft, ValidationErrors> {
        let organisation = OrganisationInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            org_number: self.org_number.clone(),
        }
        .validate();
        let mut errors = match &organisation {
            Ok(_) => ValidationErrors::new(),
            Err(errors) => errors.clone(),
        };
        let admin_email = admin_email(&mut errors, &self.admin_email);
        let admin_name = required_text(&mut errors, "admin_name", &self.admin_name, 200);
        match organisation {
            Ok(organisation) => errors.finish(HostedOrganisationDraft {
                organisation,
                admin_email,
                admin_name,
            }),
            Err(_) => Err(errors),
        }
    }
}

/// The administrator's address, checked and normalised under the field `admin_email`.
pub fn admin_email(errors: &mut ValidationErrors, value: &str) -> String {
    normalise_email(value).unwrap_or_else(|| {
        let code = if value.trim().is_empty() {
            "required"
        } else {
            "invalid-email"
        };
        errors.add("admin_email", code);
        String::new()
    })
}

/// Whether an organisation's users may sign in and use their tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Active,
    Suspended,
}

impl Access {
    pub fn of(suspended: bool) -> Self {
        if suspended {
            Access::Suspended
        } else {
            Access::Active
        }
    }

    /// Moving to `wanted`: suspending a suspended organisation (or reactivating an
    /// active one) is refused, so a repeated click cannot hide a stale view.
    pub fn change_to(self, wanted: Access) -> Result<Access, ValidationErrors> {
        match (self, wanted) {
            (Access::Suspended, Access::Suspended) => {
                Err(ValidationErrors::single("suspended", "already-suspended"))
            }
            (Access::Active, Access::Active) => {
                Err(ValidationErrors::single("suspended", "not-suspended"))
            }
            (_, wanted) => Ok(wanted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> HostedOrganisationInput {
        HostedOrganisationInput {
            name: "Vårdbolaget Norr AB".into(),
            kind: "care_provider".into(),
            org_number: "5560000001".into(),
            admin_email: " Admin@Vardbolaget.Example ".into(),
            admin_name: "Anna Admin".into(),
        }
    }

    #[test]
    fn a_valid_organisation_is_normalised() {
        let draft = input().validate().unwrap();
        assert_eq!(draft.organisation.org_number, "556000-0001");
        assert_eq!(draft.admin_email, "admin@vardbolaget.example");
        assert_eq!(draft.admin_name, "Anna Admin");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = HostedOrganisationInput {
            name: String::new(),
            kind: "hospital".into(),
            org_number: "556000-0002".into(),
            admin_email: "not an address".into(),
            admin_name: " ".into(),
        };
        let errors = bad.validate().unwrap_err();
        for field in ["name", "kind", "org_number", "admin_email", "admin_name"] {
            assert!(errors.has(field), "{field} should be named: {errors:?}");
        }
        let mut only_admin = input();
        only_admin.admin_email = String::new();
        let errors = only_admin.validate().unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].code, "required");
    }

    #[test]
    fn suspension_changes_state_only_once() {
        assert_eq!(
            Access::Active.change_to(Access::Suspended),
            Ok(Access::Suspended)
        );
        assert_eq!(
            Access::Suspended.change_to(Access::Active),
            Ok(Access::Active)
        );
        assert!(Access::Suspended.change_to(Access::Suspended).is_err());
        assert!(Access::Active.change_to(Access::Active).is_err());
        assert_eq!(Access::of(true), Access::Suspended);
    }
}
