//! Who reaches which risk work (ADR 0011). An analysis belongs to a unit, or to the
//! organisation itself when it has none; its risks go with it, and a role held at a unit
//! reaches the analyses of that unit and the units below it. A measure belongs where the
//! risks it addresses belong; one without risks belongs to the organisation.
//!
//! Each argument `unit_paths` holds one path per analysis unit of a measure's risks:
//! the unit's id first, then its ancestors; an empty path is the organisation itself.

use crate::auth::{Action, Grants};

/// The organisation itself, where a measure without risks belongs.
const ORGANISATION: &[Vec<i64>] = &[Vec::new()];

fn places(unit_paths: &[Vec<i64>]) -> &[Vec<i64>] {
    if unit_paths.is_empty() {
        ORGANISATION
    } else {
        unit_paths
    }
}

/// Reading a measure: allowed where any of the risks it addresses is read.
pub fn may_read_measure(grants: &Grants, unit_paths: &[Vec<i64>]) -> bool {
    places(unit_paths)
        .iter()
        .any(|path| grants.allows_at(Action::ViewRisks, path))
}

/// Changing a measure (or following it up) changes what the action plan says about every
/// risk it addresses, so it needs the right to run analyses where each of them is.
pub fn may_change_measure(grants: &Grants, unit_paths: &[Vec<i64>]) -> bool {
    places(unit_paths)
        .iter()
        .all(|path| grants.allows_at(Action::ManageRisks, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Assignment, Role};

    fn grants(role: Role, unit_id: Option<i64>) -> Grants {
        Grants::new(vec![Assignment { role, unit_id }])
    }

    // 1 is the root administration, 2 a clinic in it, 3 a ward of the clinic, 4 a
    // sibling clinic.
    const WARD: [i64; 3] = [3, 2, 1];
    const SIBLING: [i64; 2] = [4, 1];

    #[test]
    fn a_unit_role_reads_a_measure_if_any_of_its_risks_is_in_reach() {
        let clinic = grants(Role::Auditor, Some(2));
        assert!(may_read_measure(&clinic, &[WARD.to_vec()]));
        assert!(may_read_measure(
            &clinic,
            &[SIBLING.to_vec(), WARD.to_vec()]
        ));
        assert!(!may_read_measure(&clinic, &[SIBLING.to_vec()]));
        assert!(!may_read_measure(&clinic, &[Vec::new()]));
        assert!(
            !may_read_measure(&clinic, &[]),
            "no risks: the organisation's"
        );
    }

    #[test]
    fn a_unit_role_changes_a_measure_only_if_every_risk_is_in_reach() {
        let clinic = grants(Role::HeadOfOperations, Some(2));
        assert!(may_change_measure(&clinic, &[WARD.to_vec(), vec![2, 1]]));
        assert!(!may_change_measure(
            &clinic,
            &[SIBLING.to_vec(), WARD.to_vec()]
        ));
        assert!(!may_change_measure(&clinic, &[]));
        let auditor = grants(Role::Auditor, None);
        assert!(!may_change_measure(&auditor, &[WARD.to_vec()]));
    }

    #[test]
    fn organisation_wide_roles_reach_every_measure() {
        let coordinator = grants(Role::Coordinator, None);
        for paths in [
            vec![],
            vec![Vec::new()],
            vec![WARD.to_vec(), SIBLING.to_vec()],
        ] {
            assert!(may_read_measure(&coordinator, &paths));
            assert!(may_change_measure(&coordinator, &paths));
        }
        let employee = grants(Role::Employee, None);
        assert!(!may_read_measure(&employee, &[]));
    }
}
