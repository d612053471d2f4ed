//! Roles and what they may do. Every route asks this module, never a template.
//!
//! A role is assigned either for the whole organisation or for one unit; a unit
//! assignment also covers every unit below it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Coordinator,
    InformationOwner,
    HeadOfOperations,
    NisAssessor,
    MasMar,
    DataProtectionOfficer,
    Employee,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Administrator,
        Role::Coordinator,
        Role::InformationOwner,
        Role::HeadOfOperations,
        Role::NisAssessor,
        Role::MasMar,
        Role::DataProtectionOfficer,
        Role::Employee,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Coordinator => "coordinator",
            Role::InformationOwner => "information_owner",
            Role::HeadOfOperations => "head_of_operations",
            Role::NisAssessor => "nis_assessor",
            Role::MasMar => "mas_mar",
            Role::DataProtectionOfficer => "data_protection_officer",
            Role::Employee => "employee",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// Administrators and coordinators hold the keys to the programme and must use
    /// two-factor login.
    pub fn requires_two_factor(self) -> bool {
        matches!(self, Role::Administrator | Role::Coordinator)
    }
}

/// Everything a signed-in user can ask to do in this part of the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Action {
    ViewOrganisation,
    ManageOrganisation,
    ManageOrgUnits,
    ManageDataControllers,
    ViewUsers,
    ManageUsers,
    ViewAuditTrail,
    ExportAuditEvent,
    /// Read the registers of systems and information assets.
    ViewRegisters,
    /// Add to and change every entry of the registers, and confirm them.
    ManageRegisters,
    /// Add the organisation's own protection requirements to the catalogue.
    ManageRequirements,
    /// Add many entries to the registers at once from a file.
    ImportRegisters,
    /// Read risk analyses, risks and the action plan.
    ViewRisks,
    /// Run risk analyses: describe risks, propose treatments, plan and follow up measures.
    ManageRisks,
    /// Approve (fastställa) a risk analysis, which freezes a version.
    ApproveRiskAnalysis,
    /// Accept a risk on behalf of the information owner.
    AcceptRisk,
    /// Record the organisation's risk-analysis method.
    ManageRiskMethod,
    /// Report a deviation through the one intake.
    ReportIncident,
    /// Read every incident of the units the role covers (reporters always read their own).
    ViewIncidents,
    /// The head of operations' assessment of a deviation, with its escalations.
    AssessDeviation,
    /// The NIS assessors' joint decision whether an incident is significant.
    AssessCybersecurity,
    /// The data protection officer's assessment of a personal data breach.
    AssessPersonalData,
    /// The MAS/MAR's Lex Maria decision.
    AssessPatientSafety,
    /// Keep a case: timeline entries, attachments, root cause, lessons learned, closing.
    ManageIncidents,
    /// Set the reporting mandate, recipients, targets and reminder points.
    ManageIncidentSettings,
    /// Read governing documents, their checklist and the internal control plan.
    ViewGovernance,
    /// Add and change governing documents and their versions.
    ManageDocuments,
    /// Keep the internal control plan: its risks, controls and reporting units.
    ManageInternalControl,
    /// Report on internal control items for the units the role covers.
    ReportInternalControl,
    /// Read the annual information security reports and the reports landing page.
    ViewReports,
    /// Start an annual report and write its texts while it is a draft.
    ManageReports,
    /// Approve (fastställa) an annual report, which freezes its figures and texts.
    ApproveReports,
    /// Read maturity self-assessments and their results.
    ViewMaturity,
    /// Start, answer and complete maturity self-assessments.
    ManageMaturity,
    /// Read the annual cycle and subscribe to it as a calendar feed.
    ViewCalendar,
    /// Add, change and remove the organisation's own recurring duties.
    ManageCalendar,
    /// Read the management reviews (ledningens genomgång) and their decisions.
    ViewReviews,
    /// Prepare a management review, record its decisions and mark it held.
    ManageReviews,
    /// Read the board's overview (styrelsens översikt).
    ViewBoardDashboard,
}

impl Action {
    pub const ALL: [Action; 39] = [
        Action::ViewOrganisation,
        Action::ManageOrganisation,
        Action::ManageOrgUnits,
        Action::ManageDataControllers,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ViewAuditTrail,
        Action::ExportAuditEvent,
        Action::ViewRegisters,
        Action::ManageRegisters,
        Action::ManageRequirements,
        Action::ImportRegisters,
        Action::ViewRisks,
        Action::ManageRisks,
        Action::ApproveRiskAnalysis,
        Action::AcceptRisk,
        Action::ManageRiskMethod,
        Action::ReportIncident,
        Action::ViewIncidents,
        Action::AssessDeviation,
        Action::AssessCybersecurity,
        Action::AssessPersonalData,
        Action::AssessPatientSafety,
        Action::ManageIncidents,
        Action::ManageIncidentSettings,
        Action::ViewGovernance,
        Action::ManageDocuments,
        Action::ManageInternalControl,
        Action::ReportInternalControl,
        Action::ViewReports,
        Action::ManageReports,
        Action::ApproveReports,
        Action::ViewMaturity,
        Action::ManageMaturity,
        Action::ViewCalendar,
        Action::ManageCalendar,
        Action::ViewReviews,
        Action::ManageReviews,
        Action::ViewBoardDashboard,
    ];

    /// Whether the action changes anything (a read-only auditor may never do these).
    pub fn is_change(self) -> bool {
        matches!(
            self,
            Action::ManageOrganisation
                | Action::ManageOrgUnits
                | Action::ManageDataControllers
                | Action::ManageUsers
                | Action::ManageRegisters
                | Action::ManageRequirements
                | Action::ImportRegisters
                | Action::ManageRisks
                | Action::ApproveRiskAnalysis
                | Action::AcceptRisk
                | Action::ManageRiskMethod
                | Action::ReportIncident
                | Action::AssessDeviation
                | Action::AssessCybersecurity
                | Action::AssessPersonalData
                | Action::AssessPatientSafety
                | Action::ManageIncidents
                | Action::ManageIncidentSettings
                | Action::ManageDocuments
                | Action::ManageInternalControl
                | Action::ReportInternalControl
                | Action::ManageReports
                | Action::ApproveReports
                | Action::ManageMaturity
                | Action::ManageCalendar
                | Action::ManageReviews
        )
    }
}

/// The permission matrix: which role may perform which action.
pub fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ViewOrganisation | ViewRegisters => true,
        ManageOrgUnits
        | ManageDataControllers
        | ManageRegisters
        | ManageRequirements
        | ImportRegisters => {
            matches!(role, Administrator | Coordinator)
        }
        ViewUsers => matches!(
            role,
            Administrator | Coordinator | DataProtectionOfficer | Auditor
        ),
        ManageOrganisation | ManageUsers => matches!(role, Administrator),
        ViewRisks => !matches!(role, Employee),
        ManageRisks => matches!(
            role,
            Administrator | Coordinator | InformationOwner | HeadOfOperations | NisAssessor
        ),
        ApproveRiskAnalysis => matches!(role, InformationOwner | HeadOfOperations),
        AcceptRisk => matches!(role, InformationOwner),
        ManageRiskMethod | ManageIncidentSettings => matches!(role, Administrator | Coordinator),
        ReportIncident => !matches!(role, Auditor),
        ViewIncidents => !matches!(role, Employee),
        AssessDeviation => matches!(role, HeadOfOperations),
        AssessCybersecurity => matches!(role, NisAssessor),
        AssessPersonalData => matches!(role, DataProtectionOfficer),
        AssessPatientSafety => matches!(role, MasMar),
        ManageIncidents => matches!(
            role,
            Administrator
                | Coordinator
                | HeadOfOperations
                | NisAssessor
                | MasMar
                | DataProtectionOfficer
        ),
        ViewGovernance => true,
        ManageDocuments | ManageInternalControl => matches!(role, Administrator | Coordinator),
        ReportInternalControl => matches!(role, Administrator | Coordinator | HeadOfOperations),
        ViewMaturity | ViewCalendar => !matches!(role, Employee),
        ManageMaturity | ManageCalendar => matches!(role, Administrator | Coordinator),
        ViewAuditTrail | ExportAuditEvent => {
            matches!(
                role,
                Administrator | Coordinator | DataProtectionOfficer | Auditor
            )
        }
        // The report is read by management and auditors alike; everyone but a plain
        // employee takes part in the work it reports on.
        ViewReports => !matches!(role, Employee),
        // The coordinator compiles the report and, with the administrator acting for
        // management, approves it (seed 002: compiled by the coordinator and unit head).
        ManageReports | ApproveReports => matches!(role, Administrator | Coordinator),
        ViewReviews | ViewBoardDashboard => !matches!(role, Employee),
        ManageReviews => matches!(role, Administrator | Coordinator),
    }
}

/// Whether `user_id` may change a register entry whose owners (object owner, information
/// owners, or the owner of an asset) are `owner_ids`: everyone who manages the registers
/// for the whole organisation may, and so may the entry's own owners. Registers are not
/// tied to units, so a unit-scoped coordinator edits only what they own.
pub fn may_edit_register_entry(grants: &Grants, user_id: i64, owner_ids: &[i64]) -> bool {
    grants.allows_everywhere(Action::ManageRegisters) || owner_ids.contains(&user_id)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub role: Role,
    /// `None`: the whole organisation.
    pub unit_id: Option<i64>,
}

/// Where a user may do an action: the whole organisation, or some units and the units
/// below them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Reach {
    #[default]
    Everywhere,
    /// These units and every unit below them; nowhere when empty.
    Units(Vec<i64>),
}

/// The role assignments of one user, asked whether an action is allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    assignments: Vec<Assignment>,
}

impl Grants {
    pub fn new(assignments: Vec<Assignment>) -> Self {
        Self { assignments }
    }

    pub fn assignments(&self) -> &[Assignment] {
        &self.assignments
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.assignments.iter().any(|a| a.role == role)
    }

    pub fn requires_two_factor(&self) -> bool {
        self.assignments
            .iter()
            .any(|a| a.role.requires_two_factor())
    }

    /// Allowed for the whole organisation (an organisation-wide assignment).
    pub fn allows_everywhere(&self, action: Action) -> bool {
        self.assignments
            .iter()
            .any(|a| a.unit_id.is_none() && role_allows(a.role, action))
    }

    /// Allowed somewhere: enough to open a page whose content is then scoped.
    pub fn allows_somewhere(&self, action: Action) -> bool {
        self.assignments.iter().any(|a| role_allows(a.role, action))
    }

    /// Where the action is allowed: everywhere if any organisation-wide assignment allows
    /// it, otherwise at the units of the assignments that allow it.
    pub fn reach(&self, action: Action) -> Reach {
        if self.allows_everywhere(action) {
            return Reach::Everywhere;
        }
        let mut units: Vec<i64> = self
            .assignments
            .iter()
            .filter(|a| role_allows(a.role, action))
            .filter_map(|a| a.unit_id)
            .collect();
        units.sort_unstable();
        units.dedup();
        Reach::Units(units)
    }

    /// Allowed for the unit whose path from itself up to the root is `unit_path`
    /// (the unit's own id first). An empty path means the organisation level.
    pub fn allows_at(&self, action: Action, unit_path: &[i64]) -> bool {
        self.assignments.iter().any(|a| {
            role_allows(a.role, action)
                && match a.unit_id {
                    None => true,
                    Some(unit) => unit_path.contains(&unit),
                }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(role: Role, unit_id: Option<i64>) -> Assignment {
        Assignment { role, unit_id }
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn unit_assignment_is_inherited_downwards_not_upwards() {
        // 1 is the administration, 2 a clinic in it, 3 a unit in the clinic.
        let grants = Grants::new(vec![at(Role::Coordinator, Some(2))]);
        assert!(grants.allows_at(Action::ManageOrgUnits, &[3, 2, 1]));
        assert!(grants.allows_at(Action::ManageOrgUnits, &[2, 1]));
        assert!(!grants.allows_at(Action::ManageOrgUnits, &[1]));
        assert!(!grants.allows_at(Action::ManageOrgUnits, &[]));
        assert!(!grants.allows_everywhere(Action::ManageOrgUnits));
        assert!(grants.allows_somewhere(Action::ManageOrgUnits));
    }

    #[test]
    fn organisation_assignment_covers_every_unit() {
        let grants = Grants::new(vec![at(Role::Administrator, None)]);
        assert!(grants.allows_at(Action::ManageUsers, &[9, 8, 7]));
        assert!(grants.allows_everywhere(Action::ManageUsers));
    }

    #[test]
    fn only_administrators_manage_users() {
        let allowed: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::ManageUsers))
            .collect();
        assert_eq!(allowed, vec![Role::Administrator]);
    }

    #[test]
    fn two_factor_is_required_for_admins_and_coordinators_only() {
        let required: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.requires_two_factor())
            .collect();
        assert_eq!(required, vec![Role::Administrator, Role::Coordinator]);
    }

    #[test]
    fn every_role_views_registers_and_only_admins_and_coordinators_manage_them() {
        assert!(Role::ALL
            .into_iter()
            .all(|r| role_allows(r, Action::ViewRegisters)));
        let managers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::ManageRegisters))
            .collect();
        assert_eq!(managers, vec![Role::Administrator, Role::Coordinator]);
        assert!(Action::ManageRegisters.is_change());
        assert!(!Action::ViewRegisters.is_change());
    }

    #[test]
    fn only_administrators_and_coordinators_import_registers() {
        let importers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::ImportRegisters))
            .collect();
        assert_eq!(importers, vec![Role::Administrator, Role::Coordinator]);
        assert!(Action::ImportRegisters.is_change());
        let unit_coordinator = Grants::new(vec![at(Role::Coordinator, Some(4))]);
        assert!(!unit_coordinator.allows_everywhere(Action::ImportRegisters));
    }

    #[test]
    fn owners_edit_their_own_register_entries_only() {
        let owner = Grants::new(vec![at(Role::InformationOwner, None)]);
        assert!(may_edit_register_entry(&owner, 7, &[3, 7]));
        assert!(!may_edit_register_entry(&owner, 7, &[3]));
        assert!(!may_edit_register_entry(&owner, 7, &[]));
        let nobody = Grants::default();
        assert!(may_edit_register_entry(&nobody, 7, &[7]));
        assert!(!may_edit_register_entry(&nobody, 7, &[8]));
    }

    #[test]
    fn coordinators_edit_every_register_entry_but_auditors_none() {
        for role in [Role::Administrator, Role::Coordinator] {
            let grants = Grants::new(vec![at(role, None)]);
            assert!(may_edit_register_entry(&grants, 1, &[]));
            assert!(may_edit_register_entry(&grants, 1, &[2]));
        }
        let unit_coordinator = Grants::new(vec![at(Role::Coordinator, Some(4))]);
        assert!(!may_edit_register_entry(&unit_coordinator, 1, &[2]));
        let auditor = Grants::new(vec![at(Role::Auditor, None)]);
        assert!(!may_edit_register_entry(&auditor, 1, &[2]));
    }

    #[test]
    fn owners_and_heads_of_operations_approve_analyses_and_only_owners_accept_risks() {
        let approvers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::ApproveRiskAnalysis))
            .collect();
        assert_eq!(
            approvers,
            vec![Role::InformationOwner, Role::HeadOfOperations]
        );
        let acceptors: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::AcceptRisk))
            .collect();
        assert_eq!(acceptors, vec![Role::InformationOwner]);
        assert!(!role_allows(Role::Employee, Action::ViewRisks));
        assert!(role_allows(Role::Auditor, Action::ViewRisks));
        assert!(!role_allows(Role::Auditor, Action::ManageRisks));
    }

    #[test]
    fn reach_is_everywhere_or_the_units_of_the_allowing_assignments() {
        let mixed = Grants::new(vec![
            at(Role::HeadOfOperations, Some(4)),
            at(Role::Employee, None),
            at(Role::Auditor, Some(2)),
            at(Role::HeadOfOperations, Some(4)),
        ]);
        assert_eq!(mixed.reach(Action::ViewRisks), Reach::Units(vec![2, 4]));
        assert_eq!(mixed.reach(Action::ManageRisks), Reach::Units(vec![4]));
        assert_eq!(mixed.reach(Action::ManageUsers), Reach::Units(vec![]));
        let coordinator = Grants::new(vec![
            at(Role::Coordinator, None),
            at(Role::Auditor, Some(2)),
        ]);
        assert_eq!(coordinator.reach(Action::ViewRisks), Reach::Everywhere);
    }

    #[test]
    fn coordinators_keep_governing_documents_and_heads_of_operations_report_controls() {
        let keepers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::ManageDocuments))
            .collect();
        assert_eq!(keepers, vec![Role::Administrator, Role::Coordinator]);
        assert!(Role::ALL
            .into_iter()
            .all(|r| role_allows(r, Action::ViewGovernance)));
        let head = Grants::new(vec![at(Role::HeadOfOperations, Some(4))]);
        assert!(head.allows_at(Action::ReportInternalControl, &[4, 1]));
        assert!(!head.allows_at(Action::ReportInternalControl, &[5, 1]));
        assert!(!head.allows_somewhere(Action::ManageInternalControl));
    }

    #[test]
    fn coordinators_run_maturity_and_the_calendar_and_employees_do_not_see_them() {
        for action in [Action::ManageMaturity, Action::ManageCalendar] {
            let managers: Vec<Role> = Role::ALL
                .into_iter()
                .filter(|r| role_allows(*r, action))
                .collect();
            assert_eq!(managers, vec![Role::Administrator, Role::Coordinator]);
            assert!(action.is_change());
        }
        for action in [Action::ViewMaturity, Action::ViewCalendar] {
            assert!(!role_allows(Role::Employee, action));
            assert!(role_allows(Role::Auditor, action));
            assert!(!action.is_change());
        }
    }

    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    fn any_action() -> impl Strategy<Value = Action> {
        proptest::sample::select(Action::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn auditor_never_changes_anything(units in proptest::collection::vec(proptest::option::of(0i64..20), 0..5),
                                          action in any_action(),
                                          path in proptest::collection::vec(0i64..20, 0..4)) {
            let grants = Grants::new(units.into_iter().map(|u| at(Role::Auditor, u)).collect());
            if action.is_change() {
                prop_assert!(!grants.allows_at(action, &path));
                prop_assert!(!grants.allows_somewhere(action));
            }
        }

        #[test]
        fn more_assignments_never_remove_a_permission(roles in proptest::collection::vec((any_role(), proptest::option::of(0i64..10)), 0..6),
                                                      extra in (any_role(), proptest::option::of(0i64..10)),
                                                      action in any_action(),
                                                      path in proptest::collection::vec(0i64..10, 0..4)) {
            let base: Vec<Assignment> = roles.into_iter().map(|(r, u)| at(r, u)).collect();
            let before = Grants::new(base.clone()).allows_at(action, &path);
            let mut more = base;
            more.push(at(extra.0, extra.1));
            prop_assert!(!before || Grants::new(more).allows_at(action, &path));
        }

        #[test]
        fn reach_agrees_with_allows_at(roles in proptest::collection::vec((any_role(), proptest::option::of(0i64..10)), 0..6),
                                       action in any_action(),
                                       path in proptest::collection::vec(0i64..10, 0..4)) {
            let grants = Grants::new(roles.into_iter().map(|(r, u)| at(r, u)).collect());
            let reached = match grants.reach(action) {
                Reach::Everywhere => true,
                Reach::Units(units) => units.iter().any(|unit| path.contains(unit)),
            };
            prop_assert_eq!(reached, grants.allows_at(action, &path));
        }

        #[test]
        fn everywhere_implies_every_unit(roles in proptest::collection::vec((any_role(), proptest::option::of(0i64..10)), 0..6),
                                        action in any_action(),
                                        path in proptest::collection::vec(0i64..10, 0..4)) {
            let grants = Grants::new(roles.into_iter().map(|(r, u)| at(r, u)).collect());
            prop_assert!(!grants.allows_everywhere(action) || grants.allows_at(action, &path));
        }

        #[test]
        fn an_owner_may_always_edit_and_a_non_owner_only_as_manager(roles in proptest::collection::vec((any_role(), proptest::option::of(0i64..10)), 0..6),
                                                                   user in 0i64..20,
                                                                   owners in proptest::collection::vec(0i64..20, 0..4)) {
            let grants = Grants::new(roles.into_iter().map(|(r, u)| at(r, u)).collect());
            let allowed = may_edit_register_entry(&grants, user, &owners);
            if owners.contains(&user) {
                prop_assert!(allowed);
            } else {
                prop_assert_eq!(allowed, grants.allows_everywhere(Action::ManageRegisters));
            }
        }
    }

    #[test]
    fn reports_are_written_by_coordinators_and_administrators_and_read_by_all_but_employees() {
        let writers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::ManageReports))
            .collect();
        assert_eq!(writers, vec![Role::Administrator, Role::Coordinator]);
        let approvers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::ApproveReports))
            .collect();
        assert_eq!(approvers, writers);
        assert!(Action::ApproveReports.is_change() && !Action::ViewReports.is_change());
        let readers = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::ViewReports))
            .count();
        assert_eq!(readers, Role::ALL.len() - 1);
        assert!(!role_allows(Role::Employee, Action::ViewReports));
        assert!(!role_allows(Role::Auditor, Action::ManageReports));
    }
}
