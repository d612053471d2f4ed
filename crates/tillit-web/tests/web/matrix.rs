//! Every route of the pages and the API, for each of the nine roles held for the whole
//! organisation and for nobody signed in: allowed or refused, written out by hand.
//!
//! Allowed means the route's success status. Refused means 403 (a problem document on
//! the API) and nothing written. Nobody signed in: the API answers 401, pages send the
//! browser to the login page. Administrators and coordinators have two-factor login
//! turned on, so their real permissions are tested (the set-up gate has its own test).

use axum::http::Method;
use chrono::Datelike;
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::users::Language;

use crate::harness::{create_account, unique, Account, Browser, Resp, TestApp, PASSWORD};

const Y: bool = true;
const N: bool = false;

/// One route. `path` and `body` may hold placeholders, filled in per request:
/// `{org_version}`, `{controller}` and `{controller_version}`, `{clinic}`, `{ward}` and
/// `{ward_version}` (an existing unit), `{fresh_unit}` (a new leaf unit, version 1),
/// `{user}` and `{user_version}` (a user without roles),
/// `{fresh_user}` (a new user who is an employee), `{seq}` (an audit event),
/// `{fresh_system}` and `{other_system}` (new register entries without owners, version 1),
/// `{dependent_system}` (a new entry that depends on the new entry `{dependency}`),
/// `{owned_system}` (a new entry whose one information owner is `{user}`, version 1),
/// `{fresh_asset}` (a new information asset owned by `{user}`, version 1),
/// `{linked_asset}` (a new asset held by the new entry `{linked_system}`),
/// `{classified}` (a new asset classified K2 R2 T1, by its classification id),
/// `{requirement_code}` (a built-in requirement that applies to it),
/// `{own_requirement}` and `{own_requirement_code}` (a new own requirement, version 1),
/// `{fresh_task}` (an unassigned task from a new entry without owners, version 1),
/// `{draft_analysis}` and `{draft_analysis_version}` (a new risk analysis being worked on),
/// `{approvable_analysis}` and its `_version` (a new draft whose one risk has a treatment),
/// `{approved_analysis}` and its `_version` (a new analysis approved as version
/// `{version_number}`), `{risk}` and `{risk_version}` (a new open risk in a new draft),
/// `{measure}`, `{measure_version}` and `{measure_risk}` (a new planned measure for a new
/// risk), `{today}`, `{future}` (a date two months ahead) and `{year}`,
/// `{own_token}` (a new API token of the caller), `{n}`, `{email}` and `{password}`,
/// `{user_email}` (the address of `{user}`), `{template}` (an import template's file
/// name), `{nl}` (a line break, for the CSV files of the import API) and
/// `{import_run}` (a new import run of the organisation, checking its file),
/// `{draft_report}` and its `_version` (a new draft annual report of a new unit) and
/// `{approved_report}` and its `_version` (one approved as version 1).
/// Page bodies are `a=b&c=d` (the CSRF token is added), API bodies are JSON.
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) body: &'static str,
    pub(crate) ok: u16,
    /// Columns in the order of `Role::ALL`.
    pub(crate) roles: [bool; 9],
    pub(crate) anonymous: bool,
}

pub(crate) fn route(
    method: &str,
    path: &'static str,
    body: &'static str,
    ok: u16,
    roles: [bool; 9],
    anonymous: bool,
) -> Route {
    Route {
        method: method.parse().expect("method"),
        path,
        body,
        ok,
        roles,
        anonymous,
    }
}

#[rustfmt::skip]
pub(crate) fn page_routes() -> Vec<Route> {
    vec![
        //                                                                                                                     adm coo own hop nis mas dpo emp aud  anon
        route("GET",  "/",                                    "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/organisation",                        "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/organisation",                        "name=Region Söder&kind=region&org_number=232100-0016&version={org_version}", 303, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/organisation/units",                  "name=Ny enhet {n}&kind=unit&parent_id={clinic}",           303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/organisation/units/{ward}",           "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/organisation/units/{ward}",           "name=Avdelning {n}&kind=unit&parent_id={clinic}&version={ward_version}", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/organisation/units/{fresh_unit}/delete", "version=1",                                             303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/organisation/controllers",            "name=Nämnd {n}&org_number=",                               303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/organisation/controllers/{controller}", "",                                                       200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/organisation/controllers/{controller}", "name=Nämnd {n}&org_number=&unit_id=&version={controller_version}", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/users",                               "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("GET",  "/users/new",                           "",                                                         200, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/users",                               "email={email}&display_name=Ny {n}&password={password}&role=employee", 303, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/users/{user}",                        "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("POST", "/users/{user}",                        "display_name=Målperson {n}&title=&active=on&version={user_version}", 303, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/users/{fresh_user}/roles",            "role=auditor&unit_id=",                                    303, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/users/{fresh_user}/roles/revoke",     "role=employee&unit_id=",                                   303, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/users/{user}/two-factor/reset",       "",                                                         303, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/register",                            "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/register/confirm",                    "note=Årlig bekräftelse {n}",                               303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/register/lookup/systems?q=System",    "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/register/lookup/assets?q=Journal",    "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/register/systems/new",                "",                                                         200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/systems",                    "name=System {n}&kind=information_system&criticality=high&hosting=cloud", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/register/systems/{fresh_system}",     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/register/systems/{fresh_system}",     "name=System {n}&kind=network&criticality=low&hosting=own_data_centre&version=1", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/systems/{fresh_system}/owners", "owner_id={user}&version=1",                            303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/systems/{owned_system}/owners/remove", "owner_id={user}&version=1",                     303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/systems/{fresh_system}/dependencies", "depends_on_id={other_system}",                   303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/systems/{dependent_system}/dependencies/remove", "depends_on_id={dependency}",          303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/systems/{fresh_system}/assets", "asset_id={fresh_asset}",                               303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/systems/{linked_system}/assets/remove", "asset_id={linked_asset}",                      303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/systems/{fresh_system}/recovery-time", "acceptable_recovery_time_hours=24&version=1",    303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/register/assets",                     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/register/import",                     "",                                                         200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        // A form post carries no file (the upload itself is in tests/web/import.rs): an
        // importer gets as far as "choose a file", everyone else is refused before that.
        route("POST", "/register/import",                     "register=systems",                                         422, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/register/import/status",              "",                                                         200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/register/import/template/{template}", "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/register/systems/export.csv",         "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/register/systems/export.xlsx",        "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/register/assets/export.csv",          "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/register/assets/export.xlsx",         "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/register/assets/new",                 "",                                                         200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/assets",                     "name=Journal {n}&form=digital&owner_id={user}",            303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/register/assets/{fresh_asset}",       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/register/assets/{fresh_asset}",       "name=Journal {n}&form=paper&owner_id={user}&version=1",    303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/assets/{fresh_asset}/systems", "system_id={fresh_system}",                              303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/register/assets/{linked_asset}/systems/remove", "system_id={linked_system}",                     303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/classification",                      "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/classification/classify?asset_id={fresh_asset}", "",                                             200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/classification/classify",             "asset_id={fresh_asset}&version=&level_k=2&level_r=2&level_t=1&participants=Ägare&action=approve", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/classification/objects",              "kind=process&name=Process {n}&owner_id={user}",            303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/classification/export?format=csv",    "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/classification/measures",             "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/classification/requirements",         "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/classification/requirements",         "code=ORG-{n}&aspect=K&min_level=2&category=technical&title=Krav {n}&description=Beskrivning", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/classification/requirements/{own_requirement}", "",                                              200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/classification/requirements/{own_requirement}", "code=ORG-{n}&aspect=R&min_level=3&category=technical&title=Krav {n}&description=Beskrivning&version=1", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/classification/{classified}",         "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/classification/{classified}/requirements/{requirement_code}", "status=fulfilled&how=Årlig översyn&version=",  303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/classification/{classified}/procurement/export?format=xlsx", "",                                 200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/classification/{classified}/procurement", "",                                                     200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/register/systems/{fresh_system}/events", "",                                                      200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/register/systems/{fresh_system}/events", "kind=change&description=Ny version {n}",                303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/tasks/{fresh_task}/complete",         "version=1",                                                303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/risks/measures",                      "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/risks/measures/new",                  "",                                                         200, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/risks/measures",                      "risk_ids={risk}&title=Åtgärd {n}&reason=Minskar sannolikheten&category=technical&function=preventive&residual_likelihood=1&residual_consequence=2&responsible_id={user}&planned_on={future}", 303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",  "/risks/measures/{measure}",            "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/risks/measures/{measure}",            "risk_ids={measure_risk}&title=Åtgärd {n}&reason=Ändrad&category=organisational&function=detective&residual_likelihood=2&residual_consequence=2&responsible_id={user}&planned_on={future}&version={measure_version}", 303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/risks/measures/{measure}/delete",     "version={measure_version}",                                303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/risks/measures/{measure}/follow-ups", "year={year}&effect=Färre incidenter&still_valid=on",       303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",  "/risks/catalogue",                     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/risks/catalogue/start?catalogue=RC-RANSOM&analysis={draft_analysis}", "",                       303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",  "/risks",                               "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/risks/list",                          "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/risks/method",                        "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/risks/method",                        "name=Metod {n}&standard=SS-ISO/IEC 27005:2022&decided_by=Regionstyrelsen&decided_on={today}&size=4", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/risks/analyses",                      "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/risks/analyses/new",                  "",                                                         200, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/risks/analyses",                      "title=Riskanalys {n}&scope=organisation",                  303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",  "/risks/analyses/{draft_analysis}",     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/risks/analyses/{draft_analysis}",     "title=Riskanalys {n}&scope=unit&unit_id={clinic}&version={draft_analysis_version}", 303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/risks/analyses/{approvable_analysis}/approve", "version={approvable_analysis_version}",            303, [N,  N,  Y,  Y,  N,  N,  N,  N,  N], N),
        route("POST", "/risks/analyses/{approved_analysis}/revise", "version={approved_analysis_version}",                303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",  "/risks/analyses/{approved_analysis}/versions/{version_number}", "",                                200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/risks/analyses/{approved_analysis}/compare?left={version_number}", "",                            200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/risks/analyses/{draft_analysis}/export.xlsx", "",                                                 200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/risks/analyses/{draft_analysis}/export.pdf", "",                                                  200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/risks/analyses/{draft_analysis}/risks", "",                                                       200, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/risks/analyses/{draft_analysis}/risks", "title=Risk {n}&threat=Nätfiske&vulnerability=Ingen utbildning&likelihood=2&likelihood_reason=Vanligt&consequence=3&consequence_reason=Intrång", 303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",  "/risks/{risk}",                        "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/risks/{risk}",                        "title=Risk {n}&threat=Nätfiske&vulnerability=Ingen utbildning&likelihood=3&likelihood_reason=Vanligt&consequence=2&consequence_reason=Begränsad&version={risk_version}", 303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/risks/{risk}/treatment",              "treatment=reduce&justification=Åtgärdas&version={risk_version}", 303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/risks/{risk}/delete",                 "version={risk_version}",                                   303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",  "/incidents",                           "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/incidents/new",                       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  N], N),
        route("POST", "/incidents",                           "title=Avvikelse {n}&description=Provsvar till fel patient&discovered_at={yesterday}T08:00&unit_id={ward}", 303, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  N], N),
        route("GET",  "/incidents/statistics",                "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/incidents/statistics/export.xlsx?year={year}", "",                                               200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/incidents/settings",                  "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/incidents/settings",                  "version={settings_version}&reporting_mandate_role=head_of_operations&reminder_points=half, 1h, overdue", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/incidents/{incident}",                "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/incidents/{incident}/assessment",     "version={incident_version}&category=outage&reasoning=Bedömd {n}", 303, [N,  N,  N,  Y,  N,  N,  N,  N,  N], N),
        route("POST", "/incidents/{incident}/tracks/{track}", "version={incident_version}&decision=not_reportable&reasoning=Inga personuppgifter", 303, [N,  N,  N,  N,  N,  N,  Y,  N,  N], N),
        route("GET",  "/incidents/{reportable}/obligations/{obligation}", "",                                             200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/incidents/{reportable}/obligations/{obligation}/draft.json", "",                                  200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/incidents/{reportable}/obligations/{obligation}/draft.pdf", "",                                   200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/incidents/{reportable}/obligations/{obligation}", "version={reportable_version}&channel=Telefon&reference=R-{n}", 303, [N,  N,  N,  Y,  N,  N,  N,  N,  N], N),
        route("POST", "/incidents/{incident}/follow-up",      "version={incident_version}&root_cause=Orsak {n}&lessons_learned=Lärdom", 303, [Y,  Y,  N,  Y,  Y,  Y,  Y,  N,  N], N),
        route("POST", "/incidents/{incident}/notes",          "version={incident_version}&text=Anteckning {n}",           303, [Y,  Y,  N,  Y,  Y,  Y,  Y,  N,  N], N),
        // A form post carries no file (uploads are in tests/web/incident_pages.rs).
        route("POST", "/incidents/{incident}/attachments",    "version={incident_version}",                               422, [Y,  Y,  N,  Y,  Y,  Y,  Y,  N,  N], N),
        route("GET",  "/incidents/{attached}/attachments/{attachment}", "",                                              200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/incidents/{incident}/risks",          "version={incident_version}&risk_id={risk}",                303, [Y,  Y,  N,  Y,  Y,  Y,  Y,  N,  N], N),
        route("POST", "/incidents/{incident}/measures",       "version={incident_version}&measure_id={measure}",          303, [Y,  Y,  N,  Y,  Y,  Y,  Y,  N,  N], N),
        route("POST", "/risks/analyses/{draft_analysis}/incidents", "version={draft_analysis_version}&incident_id={incident}", 303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/risks/analyses/{draft_analysis}/incidents/{incident}/remove", "version={draft_analysis_version}",  303, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST", "/incidents/{closable}/close",          "version={closable_version}",                               303, [Y,  Y,  N,  Y,  Y,  Y,  Y,  N,  N], N),
        route("GET",  "/audit",                               "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("POST", "/audit/verify",                        "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("GET",  "/audit/{seq}",                         "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("GET",  "/audit/{seq}/proof",                   "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("GET",  "/profile",                             "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/profile/password",                    "current_password={password}&new_password={password}",      303, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/profile/tokens",                      "name=Token {n}",                                           200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/profile/tokens/{own_token}/revoke",   "",                                                         303, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/profile/two-factor",                  "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/language",                            "language=sv&next=/profile",                                303, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], Y),
        route("GET",  "/governance",                          "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/governance/documents",                "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/governance/documents/new",            "",                                                         200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/governance/documents",                "kind=routine&title=Rutin {n}&owner_id={user}&consultation=done&status=draft", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/governance/documents/checklist",      "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/governance/documents/{document}",     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/governance/documents/{document}/edit", "",                                                        200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/governance/documents/{document}",     "kind=policy&title=Policy {n}&owner_id={user}&consultation=ongoing&status=draft&version=1&save_as=new_version&change_note=Ny", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/governance/documents/{revised_document}/versions/{version_number}", "",                           200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",  "/governance/internal-control",         "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/governance/internal-control",         "year={year}&risk=Risk {n}&control=Stickprov&responsible=Samordnare&frequency=yearly&unit_ids={ward}", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/governance/internal-control/{control_item}", "",                                                  200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST", "/governance/internal-control/{control_item}", "year={year}&risk=Risk {n}&control=Ny kontroll&responsible=Samordnare&frequency=quarterly&unit_ids={ward}&unit_ids={clinic}&version=1", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/governance/internal-control/{control_item}/reports", "unit_id={ward}&status=reported&result=Kontrollen är gjord&version=", 303, [Y,  Y,  N,  Y,  N,  N,  N,  N,  N], N),
        route("GET",  "/reports",                             "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/reports/annual",                      "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/reports/annual",                      "year={year}&unit_id={fresh_unit}",                         303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/reports/annual/{draft_report}",       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/reports/annual/{draft_report}/texts", "version={draft_report_version}&summary=Året {n}",          303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/reports/annual/{draft_report}/approve", "version={draft_report_version}",                         303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/reports/annual/{approved_report}/new-draft", "version={approved_report_version}",                 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/reports/annual/{draft_report}/report.pdf", "",                                                    200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/reports/annual/{draft_report}/figures.xlsx", "",                                                  200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/governance/maturity",                 "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/governance/maturity",                 "title=Mognadsmätning {n}&unit_id=&assessed_on=",           303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/governance/maturity/{assessment}",    "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/governance/maturity/{assessment}",    "version={assessment_version}&action=save&answer-M1-01=met&note-M1-01=Beslutad", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/governance/calendar",                 "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/governance/calendar/duties",          "title=Behörighetsuppföljning {n}&kind=access_review&recurrence=quarterly&next_due={future}&reminder_days=14", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/governance/calendar/duties/{duty}",   "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/governance/calendar/duties/{duty}",   "title=Kontinuitetsövning {n}&kind=continuity_exercise&recurrence=yearly&next_due={future}&reminder_days=30&version={duty_version}", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/governance/calendar/duties/{duty}/done", "version={duty_version}",                                303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/governance/calendar/duties/{duty}/delete", "version={duty_version}",                              303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/governance/calendar/feed",            "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/governance/calendar/feed/revoke",     "",                                                         303, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        // The feed is authenticated by the token in its address (a coordinator's), not by a session.
        route("GET",  "/calendar/{feed_file}",                "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], Y),
        route("GET",  "/reports/reviews",                     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/reports/reviews/new",                 "",                                                         200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/reports/reviews",                     "year={review_year}&term=spring&meeting_on={future}&participants=Ledningsgruppen", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/reports/reviews/{review}",            "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST", "/reports/reviews/{review}",            "version={review_version}&participants=Ledningen {n}&item_audits=Revision {n}", 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/reports/reviews/{review}/hold",       "version={review_version}",                                 303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/reports/reviews/{review}/decisions",  "text=Beslut {n}&owner_id={user}&due_on={future}",          303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/reports/reviews/{decided_review}/decisions/{review_decision}/measure", "",                         303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST", "/reports/reviews/{decided_review}/decisions/{review_decision}/task", "",                            303, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",  "/reports/reviews/{review}/export.pdf", "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",  "/reports/board",                       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
    ]
}

#[rustfmt::skip]
pub(crate) fn api_routes() -> Vec<Route> {
    vec![
        //                                                                                                                     adm coo own hop nis mas dpo emp aud  anon
        route("GET",    "/api/v1/org-units",                  "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/org-units",                  r#"{"name": "Ny enhet {n}", "kind": "unit", "parent_id": {clinic}}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/org-units/{ward}",           "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("PUT",    "/api/v1/org-units/{ward}",           r#"{"name": "Avdelning {n}", "kind": "unit", "parent_id": {clinic}, "version": {ward_version}}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("DELETE", "/api/v1/org-units/{fresh_unit}?version=1", "",                                                   204, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/users",                      "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("POST",   "/api/v1/users",                      r#"{"email": "{email}", "display_name": "Ny {n}", "password": "{password}", "role": "employee"}"#, 201, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/users/{user}",               "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("PUT",    "/api/v1/users/{user}",               r#"{"display_name": "Målperson {n}", "active": true, "version": {user_version}}"#, 200, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/users/{fresh_user}/roles",   r#"{"role": "auditor"}"#,                                   200, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("DELETE", "/api/v1/users/{fresh_user}/roles",   r#"{"role": "employee"}"#,                                  200, [Y,  N,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/systems",                    "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/systems",                    r#"{"name": "System {n}", "kind": "information_system", "criticality": "high", "hosting": "cloud"}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/systems/{fresh_system}",     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("PUT",    "/api/v1/systems/{fresh_system}",     r#"{"name": "System {n}", "kind": "network", "criticality": "low", "hosting": "own_data_centre", "version": 1}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/systems/{fresh_system}/history", "",                                                     200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/systems/{fresh_system}/dependencies", r#"{"depends_on_id": {other_system}}"#,            201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("DELETE", "/api/v1/systems/{dependent_system}/dependencies/{dependency}", "",                               204, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/register-confirmations",     r#"{"note": "Årlig bekräftelse {n}"}"#,                      201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/register-confirmations/latest", "",                                                      200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",    "/api/v1/assets",                     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/systems/import",             "Namn;Typ;Kritikalitet;Driftmiljö{nl}System {n};network;low;cloud", 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/systems/export",             "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/assets/import",              "Namn;Form;Informationsägare (e-post){nl}Journal {n};digital;{user_email}", 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        // The importers have imported in the rows above, so each has a latest run.
        route("GET",    "/api/v1/imports/latest",             "",                                                         200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/imports/{import_run}",       "",                                                         200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/assets/export?format=csv",   "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/assets",                     r#"{"name": "Journal {n}", "form": "digital", "owner_id": {user}}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/assets/{fresh_asset}",       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("PUT",    "/api/v1/assets/{fresh_asset}",       r#"{"name": "Journal {n}", "form": "paper", "owner_id": {user}, "version": 1}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/assets/{fresh_asset}/systems", r#"{"system_id": {fresh_system}}"#,                      201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("DELETE", "/api/v1/assets/{linked_asset}/systems/{linked_system}", "",                                      204, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/classifications",            "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/classifications",            r#"{"asset_id": {fresh_asset}, "level_k": 2, "level_r": 1, "level_t": 1, "participants": "Ägare"}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/classifications/export?format=csv", "",                                                  200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",    "/api/v1/classifications/{classified}", "",                                                       200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",    "/api/v1/classifications/{classified}/requirements", "",                                          200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("PUT",    "/api/v1/classifications/{classified}/requirements/{requirement_code}", r#"{"status": "partly", "how": "Översyn saknas"}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/classification-objects",     r#"{"kind": "document", "name": "Rutin {n}", "owner_id": {user}}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/classification-coverage",    "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",    "/api/v1/proposed-measures",          "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",    "/api/v1/requirements",               "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/requirements",               r#"{"code": "ORG-{n}", "aspect": "T", "min_level": 2, "category": "technical", "title": "Krav {n}", "description": "Reservrutin"}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/requirements/{requirement_code}",      "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("PUT",    "/api/v1/requirements/{own_requirement_code}", r#"{"code": "{own_requirement_code}", "aspect": "K", "min_level": 3, "category": "technical", "title": "Krav {n}", "description": "Ändrat", "version": 1}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/systems/{fresh_system}/events", "",                                                      200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/systems/{fresh_system}/events", r#"{"kind": "procurement", "description": "Upphandling {n}"}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/tasks",                      "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/tasks/{fresh_task}/complete", r#"{"version": 1}"#,                                       200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/risk-methods",               "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/risk-methods/current",       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/risk-methods",               r#"{"name": "Metod {n}", "standard": "SS-ISO/IEC 27005:2022", "decided_by": "Regionstyrelsen", "decided_on": "{today}", "preset": 4}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/risk-catalogue",             "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/risk-analyses",              "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/risk-analyses",              r#"{"title": "Riskanalys {n}", "scope": "organisation", "participants": "Samordnare"}"#, 201, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/risk-analyses/{draft_analysis}", "",                                                     200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("PUT",    "/api/v1/risk-analyses/{draft_analysis}", r#"{"title": "Riskanalys {n}", "scope": "unit", "unit_id": {clinic}, "version": {draft_analysis_version}}"#, 200, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/risk-analyses/{approvable_analysis}/approve", r#"{"version": {approvable_analysis_version}}"#, 200, [N,  N,  Y,  Y,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/risk-analyses/{approved_analysis}/revise", r#"{"version": {approved_analysis_version}}"#,   200, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/risk-analyses/{approved_analysis}/versions", "",                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/risk-analyses/{approved_analysis}/export?format=xlsx&version={version_number}", "",     200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/risk-analyses/{approved_analysis}/versions/{version_number}", "",                        200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/risk-analyses/{draft_analysis}/risks", r#"{"title": "Risk {n}", "threat": "Utpressningsvirus", "vulnerability": "Ej uppdaterade servrar", "likelihood": 2, "likelihood_reason": "Har hänt i sektorn", "consequence": 3, "consequence_reason": "Vården stannar"}"#, 201, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/risks",                      "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/risks/{risk}",               "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("PUT",    "/api/v1/risks/{risk}",               r#"{"title": "Risk {n}", "threat": "Nätfiske", "vulnerability": "Ingen utbildning", "likelihood": 3, "likelihood_reason": "Vanligt", "consequence": 2, "consequence_reason": "Begränsad", "version": {risk_version}}"#, 200, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("DELETE", "/api/v1/risks/{risk}?version={risk_version}", "",                                               204, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/risks/{risk}/treatment",     r#"{"treatment": "reduce", "justification": "Åtgärdas i handlingsplanen", "version": {risk_version}}"#, 200, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/risk-overview",              "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/measures",                   "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/measures",                   r#"{"title": "Åtgärd {n}", "reason": "Minskar sannolikheten", "category": "technical", "function": "preventive", "risk_ids": [{risk}], "residual_likelihood": 1, "residual_consequence": 2, "responsible_id": {user}, "planned_on": "{future}"}"#, 201, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/measures/{measure}",         "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("PUT",    "/api/v1/measures/{measure}",         r#"{"title": "Åtgärd {n}", "reason": "Ändrad", "category": "organisational", "function": "detective", "risk_ids": [{measure_risk}], "residual_likelihood": 2, "residual_consequence": 2, "responsible_id": {user}, "planned_on": "{future}", "version": {measure_version}}"#, 200, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("DELETE", "/api/v1/measures/{measure}?version={measure_version}", "",                                       204, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/measures/{measure}/follow-ups", r#"{"year": {year}, "effect": "Färre incidenter", "still_valid": true}"#, 201, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/incidents",                  "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/incidents",                  r#"{"title": "Larm {n}", "description": "Larm från övervakningen", "discovered_at": "{yesterday}T08:00:00+01:00", "unit_id": {ward}}"#, 201, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  N], N),
        route("GET",    "/api/v1/incidents/{incident}",       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/incidents/{incident}/obligations", "",                                                   200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/incidents/{incident}/timeline", "",                                                      200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/incidents/{incident}/assessment", r#"{"version": {incident_version}, "category": "outage", "reasoning": "Bedömd {n}"}"#, 200, [N,  N,  N,  Y,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/incidents/{incident}/tracks/{track}", r#"{"version": {incident_version}, "decision": "not_reportable", "reasoning": "Inte anmälningspliktig"}"#, 200, [N,  N,  N,  N,  N,  N,  Y,  N,  N], N),
        route("POST",   "/api/v1/incidents/{reportable}/obligations/{obligation}/submission", r#"{"version": {reportable_version}, "channel": "IRON", "reference": "R-{n}"}"#, 200, [N,  N,  N,  Y,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/incidents/{reportable}/obligations/{obligation}/draft", "",                              200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/incidents/{closable}/close", r#"{"version": {closable_version}}"#,                       200, [Y,  Y,  N,  Y,  Y,  Y,  Y,  N,  N], N),
        route("GET",    "/api/v1/incident-statistics?year={year}", "",                                            200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/incident-clocks",            "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/incidents/{incident}/measures", r#"{"version": {incident_version}, "measure": {"title": "Åtgärd {n}", "reason": "Lärdom", "category": "technical", "function": "preventive", "risk_ids": [{risk}], "residual_likelihood": 1, "residual_consequence": 2, "responsible_id": {user}, "planned_on": "{future}"}}"#, 201, [Y,  Y,  N,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/risk-analyses/{draft_analysis}/incidents", "",                                           200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/risk-analyses/{draft_analysis}/incidents", r#"{"version": {draft_analysis_version}, "incident_id": {incident}}"#, 204, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("DELETE", "/api/v1/risk-analyses/{draft_analysis}/incidents/{incident}?version={draft_analysis_version}", "", 204, [Y,  Y,  Y,  Y,  Y,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/audit-events",               "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("GET",    "/api/v1/audit-events/{seq}",         "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("GET",    "/api/v1/audit-events/{seq}/proof",   "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("GET",    "/api/v1/audit/verify",               "",                                                         200, [Y,  Y,  N,  N,  N,  N,  Y,  N,  Y], N),
        route("GET",    "/api/v1/documents?overdue=true",     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/documents",                  r#"{"kind": "plan", "title": "Kontinuitetsplan {n}", "owner_id": {user}, "consultation": "done", "status": "approved", "approver": "Regionstyrelsen", "valid_from": "{today}", "next_review": "{future}", "checklist_item": "continuity-plans"}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/documents/checklist",        "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",    "/api/v1/documents/{document}",       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("PUT",    "/api/v1/documents/{document}",       r#"{"kind": "routine", "title": "Rutin {n}", "owner_id": {user}, "consultation": "ongoing", "status": "draft", "version": 1}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/documents/{document}/versions", "",                                                      200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/documents/{document}/versions", r#"{"kind": "routine", "title": "Rutin {n} 2.0", "owner_id": {user}, "consultation": "done", "status": "draft", "version": 1, "change_note": "Ny version"}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/documents/{revised_document}/versions/{version_number}", "",                             200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",    "/api/v1/internal-control/items?year={year}", "",                                                 200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/internal-control/items",     r#"{"year": {year}, "risk": "Risk {n}", "control": "Stickprov", "responsible": "Samordnare", "frequency": "yearly", "unit_ids": [{ward}]}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/internal-control/items/{control_item}", "",                                              200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("PUT",    "/api/v1/internal-control/items/{control_item}", r#"{"year": {year}, "risk": "Risk {n}", "control": "Ny", "responsible": "Samordnare", "frequency": "monthly", "unit_ids": [{ward}], "version": 1}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/internal-control/items/{control_item}/reports", "",                                      200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("POST",   "/api/v1/internal-control/items/{control_item}/reports", r#"{"unit_id": {ward}, "status": "deviation", "result": "Gjord", "deviations": "Två konton"}"#, 200, [Y,  Y,  N,  Y,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/internal-control/summary?year={year}", "",                                               200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y], N),
        route("GET",    "/api/v1/reports",                    "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/reports",                    r#"{"year": {year}, "unit_id": {fresh_unit}}"#,             201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/reports/{draft_report}",     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("PUT",    "/api/v1/reports/{draft_report}/texts", r#"{"texts": {"summary": "Året {n}"}, "version": {draft_report_version}}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/reports/{draft_report}/approve", r#"{"version": {draft_report_version}}"#,              200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/reports/{approved_report}/new-draft", r#"{"version": {approved_report_version}}"#,      200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/reports/{approved_report}/versions/{version_number}", "",                                200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/reports/{draft_report}/pdf", "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/reports/{draft_report}/xlsx", "",                                                        200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/maturity-assessments",       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/maturity-assessments",       r#"{"title": "Mognadsmätning {n}"}"#,                       201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/maturity-assessments/{assessment}", "",                                                  200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("PUT",    "/api/v1/maturity-assessments/{assessment}", r#"{"answers": {"M1-01": {"met": true}}, "version": {assessment_version}}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/maturity-assessments/{assessment}/complete", r#"{"version": {assessment_version}}"#,     200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/calendar",                   "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/calendar.ics",               "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/calendar-duties",            "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/calendar-duties",            r#"{"title": "Behörighetsuppföljning {n}", "kind": "access_review", "recurrence": "yearly", "next_due": "{future}"}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/calendar-duties/{duty}",     "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("PUT",    "/api/v1/calendar-duties/{duty}",     r#"{"title": "Kontinuitetsövning {n}", "kind": "continuity_exercise", "recurrence": "half_yearly", "next_due": "{future}", "version": {duty_version}}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("DELETE", "/api/v1/calendar-duties/{duty}?version={duty_version}", "",                                      204, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/reviews",                    "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("POST",   "/api/v1/reviews",                    r#"{"year": {review_year}, "term": "autumn", "meeting_on": "{future}", "participants": "Ledningen"}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/reviews/{review}",           "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("PUT",    "/api/v1/reviews/{review}",           r#"{"version": {review_version}, "participants": "Ledningen {n}", "items": [{"key": "audits", "text": "Revision {n}"}]}"#, 200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/reviews/{review}/hold",      r#"{"version": {review_version}}"#,                         200, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/reviews/{review}/decisions", r#"{"text": "Beslut {n}", "owner_id": {user}, "due_on": "{future}"}"#, 201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/reviews/{decided_review}/decisions/{review_decision}/measure", "",                       201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("POST",   "/api/v1/reviews/{decided_review}/decisions/{review_decision}/task", "",                          201, [Y,  Y,  N,  N,  N,  N,  N,  N,  N], N),
        route("GET",    "/api/v1/reviews/{review}/pdf",       "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
        route("GET",    "/api/v1/board-dashboard",            "",                                                         200, [Y,  Y,  Y,  Y,  Y,  Y,  Y,  N,  Y], N),
    ]
}

impl Route {
    pub(crate) fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }
}

/// Fills the placeholders of a route, creating fresh objects where it asks for them.
pub(crate) async fn fill(
    app: &TestApp,
    caller: Option<&Account>,
    route: &Route,
) -> (String, String) {
    let org = &app.a;
    let text = format!("{}\n{}", route.path, route.body);
    let n = unique();
    let today = chrono::Utc::now().date_naive();
    let mut values: Vec<(&str, String)> = vec![
        ("{n}", n.to_string()),
        ("{email}", format!("ny-{n}@{}", org.domain)),
        ("{password}", PASSWORD.to_owned()),
        ("{clinic}", org.clinic.to_string()),
        ("{ward}", org.ward.to_string()),
        ("{controller}", org.controller.to_string()),
        ("{user}", org.target.id.to_string()),
        ("{seq}", org.first_event.to_string()),
        // A built-in requirement that applies from level 1 of confidentiality.
        ("{requirement_code}", "K-GOV-01".to_owned()),
        ("{user_email}", org.target.email.clone()),
        ("{template}", "systems.xlsx".to_owned()),
        ("{nl}", "\n".to_owned()),
        ("{today}", today.to_string()),
        ("{future}", (today + chrono::Days::new(60)).to_string()),
        ("{year}", today.year().to_string()),
        ("{version_number}", "1".to_owned()),
        ("{yesterday}", (today - chrono::Days::new(1)).to_string()),
    ];
    if text.contains("{ward_version}") {
        values.push((
            "{ward_version}",
            app.unit(org.id, org.ward).await.version.to_string(),
        ));
    }
    if text.contains("{org_version}") {
        values.push((
            "{org_version}",
            tillit_store::org::get_organisation(&app.db, org.id)
                .await
                .expect("organisation")
                .version
                .to_string(),
        ));
    }
    if text.contains("{controller_version}") {
        let controller = tillit_store::org::get_controller(&app.db, org.id, org.controller)
            .await
            .expect("controller");
        values.push(("{controller_version}", controller.version.to_string()));
    }
    if text.contains("{user_version}") {
        values.push((
            "{user_version}",
            app.user_version(org.id, org.target.id).await.to_string(),
        ));
    }
    if text.contains("{fresh_unit}") {
        values.push((
            "{fresh_unit}",
            app.create_unit(org.id, &format!("Tillfällig enhet {n}"), Some(org.clinic))
                .await
                .to_string(),
        ));
    }
    if text.contains("{fresh_user}") {
        let employee = [Assignment {
            role: Role::Employee,
            unit_id: None,
        }];
        let email = format!("tillfallig-{n}@{}", org.domain);
        let user = create_account(
            &app.db,
            org.id,
            &email,
            &format!("Tillfällig {n}"),
            &employee,
            false,
        )
        .await;
        values.push(("{fresh_user}", user.id.to_string()));
    }
    if text.contains("{fresh_system}") {
        let id = app
            .create_system(org.id, &format!("Tillfälligt system {n}"))
            .await;
        values.push(("{fresh_system}", id.to_string()));
    }
    if text.contains("{other_system}") {
        let id = app
            .create_system(org.id, &format!("Annat system {n}"))
            .await;
        values.push(("{other_system}", id.to_string()));
    }
    if text.contains("{dependent_system}") {
        let dependent = app
            .create_system(org.id, &format!("Beroende system {n}"))
            .await;
        let dependency = app.create_system(org.id, &format!("Grundsystem {n}")).await;
        tillit_store::registers::add_dependency(
            &app.db,
            org.id,
            &tillit_store::Actor::system("test-fixture"),
            dependent,
            dependency,
        )
        .await
        .expect("dependency");
        values.push(("{dependent_system}", dependent.to_string()));
        values.push(("{dependency}", dependency.to_string()));
    }
    if text.contains("{owned_system}") {
        let input = tillit_domain::registers::SystemInput {
            name: format!("Ägt system {n}"),
            kind: "information_system".to_owned(),
            criticality: "medium".to_owned(),
            hosting: "supplier".to_owned(),
            owner_ids: vec![org.target.id],
            ..Default::default()
        };
        let draft = input.validate().expect("valid system");
        let system = tillit_store::registers::create_system(
            &app.db,
            org.id,
            &tillit_store::Actor::system("test-fixture"),
            &draft,
        )
        .await
        .expect("system");
        values.push(("{owned_system}", system.id.to_string()));
    }
    if text.contains("{import_run}") {
        let run = tillit_store::registers::import_runs::start_run(
            &app.db,
            org.id,
            "systems",
            &format!("matris-{n}.csv"),
            Some(org.target.id),
        )
        .await
        .expect("import run");
        values.push(("{import_run}", run.id.to_string()));
    }
    if text.contains("{fresh_asset}") {
        let id = app
            .create_asset(org.id, &format!("Tillfällig tillgång {n}"), org.target.id)
            .await;
        values.push(("{fresh_asset}", id.to_string()));
    }
    if text.contains("{linked_asset}") {
        let asset = app
            .create_asset(org.id, &format!("Länkad tillgång {n}"), org.target.id)
            .await;
        let system = app
            .create_system(org.id, &format!("Länkat system {n}"))
            .await;
        tillit_store::registers::link_asset_system(
            &app.db,
            org.id,
            &tillit_store::Actor::system("test-fixture"),
            asset,
            system,
        )
        .await
        .expect("link");
        values.push(("{linked_asset}", asset.to_string()));
        values.push(("{linked_system}", system.to_string()));
    }
    if text.contains("{classified}") {
        let asset = app
            .create_asset(org.id, &format!("Klassad tillgång {n}"), org.target.id)
            .await;
        let draft = tillit_domain::classification::ClassificationInput {
            level_k: Some(2),
            level_r: Some(2),
            level_t: Some(1),
            participants: "Informationsägare".to_owned(),
            ..Default::default()
        }
        .validate(None, chrono::Utc::now().date_naive())
        .expect("valid classification");
        let (object, _) = tillit_store::classification::approve(
            &app.db,
            org.id,
            &tillit_store::Actor::system("test-fixture"),
            tillit_store::classification::Subject::Asset(asset),
            None,
            &draft,
        )
        .await
        .expect("classification");
        values.push(("{classified}", object.id.to_string()));
    }
    if text.contains("{own_requirement}") || text.contains("{own_requirement_code}") {
        let catalogue = tillit_domain::classification::Catalogue::builtin().expect("content");
        let requirement = tillit_domain::classification::OwnRequirementInput {
            code: format!("ORG-{n}"),
            aspect: "K".to_owned(),
            min_level: Some(2),
            category: "technical".to_owned(),
            title: format!("Eget krav {n}"),
            description: "Skärmlås efter fem minuter.".to_owned(),
            ..Default::default()
        }
        .validate(&catalogue)
        .expect("valid requirement");
        let own = tillit_store::classification::create_own_requirement(
            &app.db,
            org.id,
            &tillit_store::Actor::system("test-fixture"),
            &requirement,
        )
        .await
        .expect("own requirement");
        values.push(("{own_requirement}", own.id.to_string()));
        values.push(("{own_requirement_code}", own.code));
    }
    if text.contains("{fresh_task}") {
        // A new entry without owners gives one task for nobody in particular.
        let system = app
            .create_system(org.id, &format!("System utan ägare {n}"))
            .await;
        let task =
            tillit_store::tasks::open_tasks_about(&app.db, org.id, "information_system", system)
                .await
                .expect("tasks")
                .into_iter()
                .next()
                .expect("a task");
        values.push(("{fresh_task}", task.id.to_string()));
    }
    if text.contains("{draft_analysis}") {
        let analysis = risk_fixture::analysis(app, n).await;
        values.push(("{draft_analysis}", analysis.id.to_string()));
        values.push(("{draft_analysis_version}", analysis.version.to_string()));
    }
    if text.contains("{approvable_analysis}") {
        let analysis = risk_fixture::analysis(app, n).await;
        let risk = risk_fixture::risk(app, analysis.id, n).await;
        risk_fixture::treat(app, &risk).await;
        let analysis = risk_fixture::reread(app, analysis.id).await;
        values.push(("{approvable_analysis}", analysis.id.to_string()));
        values.push((
            "{approvable_analysis_version}",
            analysis.version.to_string(),
        ));
    }
    if text.contains("{approved_analysis}") {
        let analysis = risk_fixture::approved(app, n).await;
        values.push(("{approved_analysis}", analysis.id.to_string()));
        values.push(("{approved_analysis_version}", analysis.version.to_string()));
    }
    if text.contains("{risk}") {
        let analysis = risk_fixture::analysis(app, n).await;
        let risk = risk_fixture::risk(app, analysis.id, n).await;
        values.push(("{risk}", risk.id.to_string()));
        values.push(("{risk_version}", risk.version.to_string()));
    }
    if text.contains("{measure}") {
        let analysis = risk_fixture::analysis(app, n).await;
        let risk = risk_fixture::risk(app, analysis.id, n).await;
        let measure = risk_fixture::measure(app, risk.id, n).await;
        values.push(("{measure}", measure.id.to_string()));
        values.push(("{measure_version}", measure.version.to_string()));
        values.push(("{measure_risk}", risk.id.to_string()));
    }
    if text.contains("{settings_version}") {
        let settings = tillit_store::incidents::settings(&app.db, org.id)
            .await
            .expect("settings");
        values.push(("{settings_version}", settings.version.to_string()));
    }
    if text.contains("{incident}") {
        let case = incident_fixture::case(app).await;
        values.push(("{incident}", case.id.to_string()));
        values.push(("{incident_version}", case.version.to_string()));
        values.push(("{track}", "personal_data".to_owned()));
    }
    if text.contains("{reportable}") {
        let (case, obligation) = incident_fixture::reportable(app).await;
        values.push(("{reportable}", case.id.to_string()));
        values.push(("{reportable_version}", case.version.to_string()));
        values.push(("{obligation}", obligation.to_string()));
    }
    if text.contains("{closable}") {
        let case = incident_fixture::closable(app).await;
        values.push(("{closable}", case.id.to_string()));
        values.push(("{closable_version}", case.version.to_string()));
    }
    if text.contains("{attached}") {
        let (case, attachment) = incident_fixture::attached(app).await;
        values.push(("{attached}", case.to_string()));
        values.push(("{attachment}", attachment.to_string()));
    }
    if text.contains("{review_year}") {
        values.push((
            "{review_year}",
            review_fixture::free_year(app).await.to_string(),
        ));
    }
    if text.contains("{review}") {
        let review = review_fixture::review(app).await;
        values.push(("{review}", review.id.to_string()));
        values.push(("{review_version}", review.version.to_string()));
    }
    if text.contains("{decided_review}") {
        let (review, decision) = review_fixture::decided(app).await;
        values.push(("{decided_review}", review.to_string()));
        values.push(("{review_decision}", decision.to_string()));
    }
    if text.contains("{own_token}") {
        // Nobody signed in: any token will do, the request is refused before it is looked up.
        let caller = caller.unwrap_or(&org.target);
        let hash =
            tillit_web::auth::secrets::token_hash(&tillit_web::auth::secrets::new_api_token());
        let actor = tillit_store::Actor::user(caller.id, caller.email.clone());
        let token =
            tillit_store::tokens::create(&app.db, org.id, &actor, caller.id, "to revoke", &hash)
                .await
                .expect("token");
        values.push(("{own_token}", token.id.to_string()));
    }
    if text.contains("{document}") {
        let document = governance_fixture::document(app, n).await;
        values.push(("{document}", document.to_string()));
    }
    if text.contains("{revised_document}") {
        let document = governance_fixture::revised_document(app, n).await;
        values.push(("{revised_document}", document.to_string()));
    }
    if text.contains("{control_item}") {
        let item = governance_fixture::control_item(app, n).await;
        values.push(("{control_item}", item.to_string()));
    }
    if text.contains("{draft_report}") {
        let report = crate::report_pages::fixture::draft(app, n).await;
        values.push(("{draft_report}", report.id.to_string()));
        values.push(("{draft_report_version}", report.version.to_string()));
    }
    if text.contains("{approved_report}") {
        let report = crate::report_pages::fixture::approved(app, n).await;
        values.push(("{approved_report}", report.id.to_string()));
        values.push(("{approved_report_version}", report.version.to_string()));
    }
    if text.contains("{assessment}") {
        let draft = tillit_domain::maturity::AssessmentInput {
            title: "Mognadsmätning",
            assessed_on: None,
            unit_id: None,
        }
        .validate(today)
        .expect("valid assessment");
        let created = tillit_store::maturity::create(
            &app.db,
            org.id,
            &tillit_store::Actor::system("test-fixture"),
            &draft,
        )
        .await
        .expect("assessment");
        values.push(("{assessment}", created.id.to_string()));
        values.push(("{assessment_version}", created.version.to_string()));
    }
    if text.contains("{duty}") {
        let draft = tillit_domain::calendar::DutyInput {
            title: "Behörighetsuppföljning",
            kind: "access_review",
            recurrence: "yearly",
            next_due: Some(today + chrono::Days::new(30)),
            ..Default::default()
        }
        .validate(today, None)
        .expect("valid duty");
        let created = tillit_store::calendar::create_duty(
            &app.db,
            org.id,
            &tillit_store::Actor::system("test-fixture"),
            &draft,
        )
        .await
        .expect("duty");
        values.push(("{duty}", created.id.to_string()));
        values.push(("{duty_version}", created.version.to_string()));
    }
    if text.contains("{feed_file}") {
        let coordinator = org.member(tillit_domain::auth::Role::Coordinator);
        let token = tillit_web::auth::secrets::random_token();
        let actor = tillit_store::Actor::user(coordinator.id, coordinator.email.clone());
        tillit_store::calendar::create_feed_token(
            &app.db,
            org.id,
            &actor,
            coordinator.id,
            &tillit_web::auth::secrets::token_hash(&token),
        )
        .await
        .expect("feed token");
        values.push(("{feed_file}", format!("{token}.ics")));
    }
    let apply = |template: &str| {
        values
            .iter()
            .fold(template.to_owned(), |text, (key, value)| {
                text.replace(key, value)
            })
    };
    (apply(route.path), apply(route.body))
}

/// Incident cases of organisation A for the placeholders, made through the store.
pub(crate) mod incident_fixture {
    use chrono::{Duration, Utc};
    use tillit_domain::incident::{
        plan, ClockMoments, DeviationAssessmentInput, FollowUpInput, IncidentContent, IntakeInput,
        Targets, Track, TrackAssessment, TrackStatus,
    };
    use tillit_store::incidents::{self as store, Incident, NewAttachment, TrackDecision};
    use tillit_store::Actor;

    use crate::harness::TestApp;

    fn actor() -> Actor {
        Actor::system("test-fixture")
    }

    /// A new open case at the ward, reported through the API by the service desk.
    pub async fn case(app: &TestApp) -> Incident {
        let discovered = tillit_store::now() - Duration::hours(2);
        let draft = IntakeInput {
            title: "Journalen går inte att nå",
            description: "Inloggningen till journalen hänger.",
            started_at: None,
            discovered_at: Some(discovered),
            unit_id: Some(app.a.ward),
            system_ids: &[],
            care_disrupted: true,
            personal_data: false,
            patient_harm: false,
        }
        .validate(Utc::now())
        .expect("valid report");
        store::create_incident(&app.db, app.a.id, &actor(), "api", &draft)
            .await
            .expect("case")
    }

    async fn reread(app: &TestApp, id: i64) -> Incident {
        store::get_incident(&app.db, app.a.id, id)
            .await
            .expect("case")
    }

    /// A case whose cybersecurity track is reportable, and its first report's id.
    pub async fn reportable(app: &TestApp) -> (Incident, i64) {
        let case = case(app).await;
        let content = IncidentContent::builtin().expect("content");
        let regime = content
            .regime_for(Track::Cybersecurity, case.occurred_on)
            .expect("regime");
        let awareness = case.discovered_at + Duration::minutes(30);
        let moments = ClockMoments {
            discovery: case.discovered_at,
            awareness: Some(awareness),
            decision: Some(awareness),
        };
        let decision = TrackDecision {
            assessment: TrackAssessment {
                track: Track::Cybersecurity,
                decision: TrackStatus::Reportable,
                reasoning: "Betydande".into(),
                awareness_at: Some(awareness),
                consulted: String::new(),
                answers: Default::default(),
                details: Default::default(),
            },
            regime: regime.id.clone(),
            planned: plan(regime, TrackStatus::Reportable, moments, &Targets::new()),
            forward_to: vec![],
        };
        store::decide_track(
            &app.db,
            app.a.id,
            &actor(),
            case.id,
            case.version,
            &decision,
        )
        .await
        .expect("decision");
        let obligation = store::obligations(&app.db, app.a.id, case.id)
            .await
            .expect("obligations")[0]
            .id;
        (reread(app, case.id).await, obligation)
    }

    /// A case that is assessed and followed up, with no tracks: ready to close.
    pub async fn closable(app: &TestApp) -> Incident {
        let case = case(app).await;
        let assessment = DeviationAssessmentInput {
            category: Some(tillit_domain::incident::Category::Outage),
            reasoning: "Kort avbrott",
            measures_taken: "",
            escalate: &[],
        }
        .validate()
        .expect("assessment");
        let case = store::record_assessment(
            &app.db,
            app.a.id,
            &actor(),
            case.id,
            case.version,
            &assessment,
        )
        .await
        .expect("assessed");
        let follow_up = FollowUpInput {
            root_cause: "Certifikat gick ut",
            lessons_learned: "Bevaka certifikat",
            measures_taken: "",
            ended_at: None,
        }
        .validate(case.discovered_at, Utc::now())
        .expect("follow-up");
        store::update_follow_up(
            &app.db,
            app.a.id,
            &actor(),
            case.id,
            case.version,
            &follow_up,
        )
        .await
        .expect("followed up")
    }

    /// A case with one attachment: (case id, attachment id).
    pub async fn attached(app: &TestApp) -> (i64, i64) {
        let case = case(app).await;
        let file = NewAttachment {
            file_name: "logg.txt",
            content_type: "text/plain",
            content: b"07:02 nekad",
        };
        let attachment =
            store::add_attachment(&app.db, app.a.id, &actor(), case.id, case.version, &file)
                .await
                .expect("attachment");
        (case.id, attachment.id)
    }
}

/// Risk-analysis objects of organisation A for the placeholders, made through the store
/// with the matrix in force.
pub(crate) mod risk_fixture {
    use tillit_domain::risk::{
        AnalysisInput, MeasureCategory, MeasureFunction, MeasureInput, RiskContent, RiskInput,
        RiskMatrix, Scope, Treatment,
    };
    use tillit_store::risk::{self as store, Analysis, Measure, Risk, TreatmentDecision};
    use tillit_store::Actor;

    use crate::harness::TestApp;

    fn actor() -> Actor {
        Actor::system("test-fixture")
    }

    async fn matrix(app: &TestApp) -> RiskMatrix {
        match store::current_method(&app.db, app.a.id)
            .await
            .expect("method")
        {
            Some(method) => method.matrix,
            None => RiskContent::builtin()
                .expect("content")
                .default_matrix()
                .clone(),
        }
    }

    /// A new draft analysis of the whole organisation.
    pub async fn analysis(app: &TestApp, n: u32) -> Analysis {
        let title = format!("Riskanalys {n}");
        let draft = AnalysisInput {
            title: &title,
            scope: Some(Scope::Organisation),
            unit_id: None,
            process_name: "",
            system_ids: &[],
            asset_ids: &[],
            participants: "Samordnare och verksamhetschef",
            external_developments: "",
            incidents_considered: "",
        }
        .validate()
        .expect("valid analysis");
        store::create_analysis(&app.db, app.a.id, &actor(), &draft)
            .await
            .expect("analysis")
    }

    pub async fn reread(app: &TestApp, id: i64) -> Analysis {
        store::get_analysis(&app.db, app.a.id, id)
            .await
            .expect("analysis")
    }

    /// A new open risk, likelihood 2 and consequence 3.
    pub async fn risk(app: &TestApp, analysis_id: i64, n: u32) -> Risk {
        let title = format!("Risk {n}");
        let draft = RiskInput {
            title: &title,
            description: "",
            threat: "Utpressningsvirus",
            vulnerability: "Ej uppdaterade servrar",
            consequence: Some(3),
            consequence_reason: "Vården stannar",
            likelihood: Some(2),
            likelihood_reason: "Har hänt i sektorn",
            system_ids: &[],
            catalogue_id: None,
        }
        .validate(&matrix(app).await)
        .expect("valid risk");
        store::create_risk(&app.db, app.a.id, &actor(), analysis_id, &draft)
            .await
            .expect("risk")
    }

    /// Decides to reduce the risk.
    pub async fn treat(app: &TestApp, risk: &Risk) -> Risk {
        let decision = TreatmentDecision {
            expected_version: risk.version,
            treatment: Treatment::Reduce,
            justification: "Åtgärdas i handlingsplanen",
        };
        let matrix = matrix(app).await;
        store::decide_treatment(&app.db, app.a.id, &actor(), risk.id, &decision, &matrix)
            .await
            .expect("treatment")
    }

    /// A new analysis with one treated risk, approved as version 1.
    pub async fn approved(app: &TestApp, n: u32) -> Analysis {
        let analysis = analysis(app, n).await;
        let risk = risk(app, analysis.id, n).await;
        treat(app, &risk).await;
        let analysis = reread(app, analysis.id).await;
        store::approve_analysis(&app.db, app.a.id, &actor(), analysis.id, analysis.version)
            .await
            .expect("approve")
    }

    /// A new planned measure for the risk, due in two months, residual position 1/2.
    pub async fn measure(app: &TestApp, risk_id: i64, n: u32) -> Measure {
        let today = chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .date_naive();
        let title = format!("Åtgärd {n}");
        let matrix = matrix(app).await;
        let draft = MeasureInput {
            title: &title,
            description: "",
            reason: "Minskar sannolikheten",
            category: Some(MeasureCategory::Technical),
            function: Some(MeasureFunction::Preventive),
            risk_ids: &[risk_id],
            system_ids: &[],
            residual_likelihood: Some(1),
            residual_consequence: Some(2),
            responsible_id: Some(app.a.target.id),
            planned_on: Some(today + chrono::Days::new(60)),
            done_on: None,
            done_note: "",
            source: None,
        }
        .validate(&matrix, today)
        .expect("valid measure");
        store::create_measure(&app.db, app.a.id, &actor(), &draft, &matrix)
            .await
            .expect("measure")
    }
}

fn form_fields(body: &str) -> Vec<(&str, &str)> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect()
}

/// Who makes the request: a signed-in member (their browser for pages, their token for
/// the API), or nobody.
pub(crate) struct Caller<'a> {
    pub(crate) account: Option<&'a Account>,
    pub(crate) browser: &'a mut Browser,
}

impl Caller<'_> {
    fn describe(&self) -> String {
        self.account
            .map_or("with nobody signed in".to_owned(), |a| {
                format!("as {}", a.email)
            })
    }
}

pub(crate) async fn send(
    app: &TestApp,
    route: &Route,
    caller: &mut Caller<'_>,
    path: &str,
    body: &str,
) -> Resp {
    if route.is_api() {
        let mut request = app.api(route.method.clone(), path);
        if let Some(account) = caller.account {
            request = request.token(&account.token);
        }
        if !body.is_empty() {
            request = request.raw("application/json", body.to_owned());
        }
        request.send().await
    } else if route.method == Method::GET {
        caller.browser.get(path).await
    } else {
        caller.browser.post(path, &form_fields(body)).await
    }
}

/// Whether the answer is the one the table asks for.
pub(crate) fn judge(
    app: &TestApp,
    route: &Route,
    path: &str,
    signed_in: bool,
    allowed: bool,
    resp: &Resp,
) -> bool {
    let status = resp.status.as_u16();
    let problem_code = || {
        let body: serde_json::Value = serde_json::from_slice(&resp.body).unwrap_or_default();
        body["code"].as_str().unwrap_or_default().to_owned()
    };
    if allowed {
        let landed_elsewhere = [
            "/login",
            "/profile/two-factor",
            "/operator/login",
            "/operator/two-factor",
        ]
        .iter()
        .any(|p| resp.location().starts_with(p));
        status == route.ok && !(status == 303 && landed_elsewhere)
    } else if signed_in && route.is_api() {
        status == 403
            && resp.header("content-type") == "application/problem+json"
            && problem_code() == "forbidden"
    } else if signed_in {
        status == 403
            && resp
                .page()
                .contains(&app.text(Language::Sv, "problem-forbidden-title"))
    } else if route.is_api() {
        status == 401
            && problem_code() == "unauthenticated"
            && resp.header("www-authenticate") == "Bearer"
    } else if route.method == Method::GET {
        let next = serde_urlencoded::to_string([("next", path)]).expect("query");
        status == 303 && resp.location() == format!("{}?{next}", login_page(path))
    } else {
        status == 303 && resp.location() == login_page(path)
    }
}

/// Where nobody signed in is sent: the operators have their own login page.
fn login_page(path: &str) -> &'static str {
    if path.starts_with("/operator") {
        "/operator/login"
    } else {
        "/login"
    }
}

/// One cell of the table; a description of what was wrong, if anything.
async fn check_cell(
    app: &TestApp,
    route: &Route,
    mut caller: Caller<'_>,
    allowed: bool,
) -> Option<String> {
    let (path, body) = fill(app, caller.account, route).await;
    let before = app.footprint(app.a.id).await;
    let resp = send(app, route, &mut caller, &path, &body).await;
    let who = caller.describe();
    if !judge(app, route, &path, caller.account.is_some(), allowed, &resp) {
        let wanted = if allowed { "allowed" } else { "refused" };
        let got: String = resp.text().chars().take(200).collect();
        return Some(format!(
            "{} {path} {who}: expected {wanted}, got {} {} {got}",
            route.method,
            resp.status,
            resp.location()
        ));
    }
    if !allowed && app.footprint(app.a.id).await != before {
        return Some(format!(
            "{} {path} {who}: refused, but something was written",
            route.method
        ));
    }
    None
}

async fn run_table(
    app: &TestApp,
    routes: &[Route],
    browsers: &mut [Browser],
    anonymous: &mut Browser,
) -> Vec<String> {
    let mut failures = Vec::new();
    for route in routes {
        for (column, role) in Role::ALL.into_iter().enumerate() {
            let caller = Caller {
                account: Some(app.a.member(role)),
                browser: &mut browsers[column],
            };
            failures.extend(check_cell(app, route, caller, route.roles[column]).await);
        }
        let caller = Caller {
            account: None,
            browser: anonymous,
        };
        failures.extend(check_cell(app, route, caller, route.anonymous).await);
    }
    failures
}

web_test!(every_route_for_every_role, |app| async move {
    let mut browsers = Vec::new();
    for role in Role::ALL {
        browsers.push(app.signed_in(app.a.member(role)).await);
    }
    // Nobody signed in, but with the CSRF cookie of the login page, so that a refusal
    // comes from the missing sign-in rather than from the CSRF check.
    let mut anonymous = app.browser();
    anonymous.get("/login").await.expect(200);

    let mut failures = run_table(&app, &page_routes(), &mut browsers, &mut anonymous).await;
    failures.extend(run_table(&app, &api_routes(), &mut browsers, &mut anonymous).await);
    assert!(
        failures.is_empty(),
        "{} cells of the route matrix are wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
});

/// Routes of the pages that the login tests cover instead: signing in and out, and
/// setting up two-factor login (see `administrators_and_coordinators_must_set_up_two_factor_first`).
const COVERED_ELSEWHERE: [&str; 7] = [
    "GET /login",
    "POST /login",
    "GET /login/two-factor",
    "POST /login/two-factor",
    "POST /logout",
    "POST /profile/two-factor",
    "POST /profile/two-factor/confirm",
];

/// `GET /users/{}`: method and path with every placeholder or parameter as `{}`.
fn route_key(method: &str, path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path
        .split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect();
    format!("{method} {}", segments.join("/"))
}

/// The routes the app registers, read from the router source.
fn registered_routes() -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    for (file, prefix) in [
        ("src/pages/mod.rs", ""),
        ("src/pages/risk/mod.rs", ""),
        ("src/pages/risk/measures.rs", ""),
        ("src/pages/risk/catalogue.rs", ""),
        ("src/pages/incidents/mod.rs", ""),
        ("src/api/mod.rs", "/api/v1"),
        ("src/pages/operator/mod.rs", ""),
        ("src/api/operator.rs", "/api/v1"),
        ("src/pages/governance_documents.rs", ""),
        ("src/pages/internal_control.rs", ""),
        ("src/api/documents.rs", "/api/v1"),
        ("src/api/internal_control.rs", "/api/v1"),
        ("src/pages/reports.rs", ""),
        ("src/pages/maturity.rs", ""),
        ("src/pages/calendar.rs", ""),
        ("src/pages/reviews.rs", ""),
        ("src/api/reviews.rs", "/api/v1"),
    ] {
        let source =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
                .expect("router source");
        // Whitespace is collapsed so the reading does not depend on formatting.
        let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
        for registration in source.split(".route(").skip(1) {
            // Only the arguments of this `.route(…)` call, not the code after the last one.
            let mut depth = 1;
            let end = registration
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(registration.len(), |(at, _)| at);
            let registration = registration[..end].trim_start().trim_start_matches('"');
            let path = registration.split('"').next().expect("path");
            for method in ["get", "post", "put", "delete", "patch"] {
                if [" ", ".", ":", "("]
                    .iter()
                    .any(|before| registration.contains(&format!("{before}{method}(")))
                {
                    found.insert(route_key(
                        &method.to_uppercase(),
                        &format!("{prefix}{path}"),
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn the_matrix_lists_every_route() {
    let registered = registered_routes();
    assert!(
        registered.len() > 40,
        "the router source was read: {registered:?}"
    );
    let mut listed: std::collections::BTreeSet<String> = COVERED_ELSEWHERE
        .iter()
        .chain(crate::operator_matrix::COVERED_ELSEWHERE.iter())
        .map(|r| r.to_string())
        .collect();
    let operator_routes = crate::operator_matrix::operator_routes();
    let operator_routes = operator_routes.iter().map(|row| &row.route);
    for route in page_routes()
        .iter()
        .chain(api_routes().iter())
        .chain(operator_routes)
    {
        assert!(
            listed.insert(route_key(route.method.as_str(), route.path)),
            "{} {} is listed twice",
            route.method,
            route.path
        );
    }
    let missing: Vec<&String> = registered.difference(&listed).collect();
    let stale: Vec<&String> = listed.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix rows for routes that do not exist: {stale:?}"
    );
}

web_test!(public_routes_need_no_sign_in, |app| async move {
    for path in [
        "/login",
        "/healthz",
        "/readyz",
        "/api/openapi.json",
        "/static/app.css",
        "/static/htmx.min.js",
    ] {
        app.api(Method::GET, path).send().await.expect(200);
    }
    app.api(Method::GET, "/static/nothing.js")
        .send()
        .await
        .expect(404);
});

web_test!(
    administrators_and_coordinators_must_set_up_two_factor_first,
    |app| async move {
        let org = &app.a;
        for role in [Role::Administrator, Role::Coordinator] {
            let email = format!("ny-{}-{}@{}", role.as_str(), unique(), org.domain);
            let grant = [Assignment {
                role,
                unit_id: None,
            }];
            let account =
                create_account(&app.db, org.id, &email, "Utan tvåfaktor", &grant, false).await;
            let mut browser = app.browser();
            browser.log_in(&email, PASSWORD).await.expect_redirect("/");

            // Every page but the set-up leads to the set-up; the API refuses the token.
            for path in ["/", "/organisation", "/users", "/audit", "/profile"] {
                browser
                    .get(path)
                    .await
                    .expect_redirect("/profile/two-factor");
            }
            let page = browser.get("/profile/two-factor").await;
            page.expect(200);
            assert!(page
                .page()
                .contains(&app.text(Language::Sv, "two-factor-required")));
            let before = app.footprint(org.id).await;
            browser
                .post(
                    "/organisation/units",
                    &[("name", "Förbjuden"), ("kind", "unit")],
                )
                .await
                .expect_redirect("/profile/two-factor");
            app.api(Method::GET, "/api/v1/org-units")
                .token(&account.token)
                .send()
                .await
                .problem(403, "forbidden");
            let body = serde_json::json!({"name": "Förbjuden", "kind": "unit"});
            app.api(Method::POST, "/api/v1/org-units")
                .token(&account.token)
                .json(&body)
                .send()
                .await
                .problem(403, "forbidden");
            assert_eq!(
                app.footprint(org.id).await,
                before,
                "nothing may be written before two-factor is set up"
            );

            // Setting it up through the pages lifts the gate.
            browser
                .post("/profile/two-factor", &[])
                .await
                .expect_redirect("/profile/two-factor");
            let setup = browser.get("/profile/two-factor").await;
            let secret = tillit_store::users::credentials_by_id(&app.db, account.id)
                .await
                .expect("user")
                .totp_secret
                .expect("pending secret");
            assert!(
                setup.page().contains(&secret),
                "the set-up page shows the secret for typing in by hand"
            );
            browser
                .post("/profile/two-factor/confirm", &[("code", "000000x")])
                .await
                .expect(422);
            let code = tillit_web::auth::totp::current_code(&secret).expect("code");
            browser
                .post("/profile/two-factor/confirm", &[("code", &code)])
                .await
                .expect_redirect("/profile?notice=two-factor-enabled");
            browser.get("/organisation").await.expect(200);
            app.api(Method::GET, "/api/v1/org-units")
                .token(&account.token)
                .send()
                .await
                .expect(200);
        }
    }
);

web_test!(
    demo_organisations_do_not_force_two_factor,
    |app| async move {
        let actor = tillit_store::Actor::system("test-fixture");
        let mut tx = app.db.begin().await.expect("begin");
        let demo = tillit_store::org::NewOrganisation {
            name: "Region Demo",
            kind: tillit_domain::org::OrganisationKind::Region,
            org_number: "556000-0001",
            demo: true,
        };
        let organisation = tillit_store::org::create_organisation(&mut tx, &actor, &demo)
            .await
            .expect("organisation");
        tx.commit().await.expect("commit");
        let grant = [Assignment {
            role: Role::Administrator,
            unit_id: None,
        }];
        let admin = create_account(
            &app.db,
            organisation.id,
            "admin@demo.example",
            "Demo admin",
            &grant,
            false,
        )
        .await;
        let mut browser = app.signed_in(&admin).await;
        browser.get("/organisation").await.expect(200);
        app.api(Method::GET, "/api/v1/users")
            .token(&admin.token)
            .send()
            .await
            .expect(200);
    }
);

/// Governance objects of organisation A for the placeholders, made through the store.
mod governance_fixture {
    use tillit_domain::documents::{Consultation, DocumentDraft, DocumentKind, DocumentStatus};
    use tillit_domain::internal_control::{Frequency, ItemDraft};
    use tillit_store::Actor;

    use crate::harness::TestApp;

    fn actor() -> Actor {
        Actor::system("test-fixture")
    }

    fn draft(app: &TestApp, n: u32) -> DocumentDraft {
        DocumentDraft {
            kind: DocumentKind::Routine,
            title: format!("Rutin {n}"),
            summary: String::new(),
            owner_id: app.a.target.id,
            approver: String::new(),
            case_number: String::new(),
            valid_from: None,
            next_review: None,
            requirement_code: None,
            legal_reference: String::new(),
            consultation: Consultation::NotStarted,
            status: DocumentStatus::Draft,
            unit_id: None,
            checklist_item: None,
        }
    }

    /// A new draft document, version 1.
    pub async fn document(app: &TestApp, n: u32) -> i64 {
        tillit_store::documents::create_document(&app.db, app.a.id, &actor(), &draft(app, n))
            .await
            .expect("document")
            .id
    }

    /// A new document whose version 1 was replaced by version 2.
    pub async fn revised_document(app: &TestApp, n: u32) -> i64 {
        let id = document(app, n).await;
        tillit_store::documents::new_revision(
            &app.db,
            app.a.id,
            &actor(),
            id,
            1,
            &draft(app, n),
            "Ny",
        )
        .await
        .expect("new version");
        id
    }

    /// A new control of this year's plan on which the ward reports, version 1.
    pub async fn control_item(app: &TestApp, n: u32) -> i64 {
        use chrono::Datelike;
        let draft = ItemDraft {
            year: i64::from(chrono::Utc::now().year()),
            risk: format!("Risk {n}"),
            control: "Stickprov".into(),
            responsible: "Samordnare".into(),
            frequency: Frequency::Yearly,
            unit_ids: vec![app.a.ward],
        };
        tillit_store::internal_control::create_item(&app.db, app.a.id, &actor(), &draft)
            .await
            .expect("control")
            .id
    }
}

/// Management reviews of organisation A for the placeholders, made through the store.
mod review_fixture {
    use chrono::{Days, Utc};
    use tillit_domain::review::{DecisionDraft, ReviewDraft, Term};
    use tillit_store::reviews::{self, Review};
    use tillit_store::Actor;

    use crate::harness::TestApp;

    /// Reviews made here use years past those a user may enter, one per review, so
    /// they never take the year and term a form in the matrix asks for.
    const FIXTURE_YEARS: i32 = 3000;

    fn actor() -> Actor {
        Actor::system("test-fixture")
    }

    async fn count(app: &TestApp) -> i64 {
        reviews::list_reviews(&app.db, app.a.id, 1, 0)
            .await
            .expect("reviews")
            .total
    }

    /// A year no review of organisation A has yet, among those a user may enter.
    pub async fn free_year(app: &TestApp) -> i32 {
        let taken = reviews::list_reviews(&app.db, app.a.id, 10_000, 0)
            .await
            .expect("reviews")
            .items
            .into_iter()
            .map(|r| r.year)
            .collect::<Vec<_>>();
        (2000..=2100)
            .find(|year| !taken.contains(&i64::from(*year)))
            .expect("a free year")
    }

    pub async fn review(app: &TestApp) -> Review {
        let n = i32::try_from(count(app).await).expect("count");
        let draft = ReviewDraft {
            year: FIXTURE_YEARS + n,
            term: Term::Spring,
            meeting_on: Utc::now().date_naive() + Days::new(20),
            participants: "Ledningsgruppen".into(),
        };
        reviews::create_review(&app.db, app.a.id, &actor(), &draft, &[])
            .await
            .expect("review")
    }

    /// A review with one decision that has not been followed up yet.
    pub async fn decided(app: &TestApp) -> (i64, i64) {
        let review = review(app).await;
        let draft = DecisionDraft {
            text: "Inför tvåfaktorsinloggning i vården".into(),
            owner_id: app.a.target.id,
            due_on: Utc::now().date_naive() + Days::new(60),
        };
        let decision = reviews::add_decision(&app.db, app.a.id, &actor(), review.id, &draft)
            .await
            .expect("decision");
        (review.id, decision.id)
    }
}
