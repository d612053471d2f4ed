//! Demo organisation and large benchmark dataset.
//!
//! `tillit demo` (and `serve --demo`) loads "Region Sörmark", a fictional Swedish region
//! with a realistic organisation tree, data controllers and one account per role.
//! `--scale large` adds hundreds of units, thousands of users and register entries and
//! ten thousand information assets on top, for trying lists, pickers and reports at the
//! size of a real region.
//!
//! Everything is written through the store's repository functions, so every row gets
//! its audit event, recorded as the system actor `demo`.

mod classification;
mod governance;
mod incidents;
pub(crate) mod large_incidents;
mod large_registers;
mod large_risk;
mod maturity_cycle;
mod registers;
mod reports;
mod reviews;
mod risk;

use std::collections::HashMap;

use anyhow::{anyhow, Context};
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::org::{ControllerDraft, OrganisationKind, UnitDraft, UnitKind};
use tillit_store::org::{self, NewOrganisation};
use tillit_store::users::{self, NewUser};
use tillit_store::{Actor, Db, StoreError, Tx};

/// A demo account, as listed on the sign-in page of a demo deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoLogin {
    pub email: &'static str,
    /// The role the account shows off, in Swedish.
    pub role_label_sv: &'static str,
}

/// The password of every demo account, printed by `serve --demo`.
pub const DEMO_PASSWORD: &str = "tillit-demo-2026";

/// The demo operator, who signs in at `/operator/login` and must set up two-factor
/// sign-in like every operator.
pub const DEMO_OPERATOR: &str = "operator@drift.example";

/// The nine demo accounts, one per role.
pub fn demo_logins() -> &'static [DemoLogin] {
    &DEMO_LOGINS
}

/// Governing documents, internal control, maturity and the annual cycle first: the
/// reviews and annual reports that follow count them. Gives the number of measures the
/// reviews' decisions became.
async fn load_governance_demo(db: &Db, organisation_id: i64) -> anyhow::Result<usize> {
    let governance = governance::load_governance(db, organisation_id).await?;
    tracing::info!(
        documents = governance.documents,
        control_items = governance.control_items,
        control_reports = governance.control_reports,
        "demo governance loaded"
    );
    let cycle = maturity_cycle::load(db, organisation_id).await?;
    tracing::info!(
        assessments = cycle.assessments,
        duties = cycle.duties,
        "demo maturity assessments and annual cycle loaded"
    );
    let review_measures = reviews::load_reviews(db, organisation_id).await?;
    reports::load_demo_reports(db, organisation_id).await?;
    Ok(review_measures)
}

/// Loads the demo organisation in one transaction and returns its id.
///
/// Fails if an organisation with the demo organisation number already exists.
pub async fn load_demo(db: &Db, password_hash: &str) -> anyhow::Result<i64> {
    let mut tx = db.begin().await?;
    let demo = insert_demo(&mut tx, password_hash).await?;
    tx.commit().await?;
    load_governance_demo(db, demo.organisation_id).await?;
    if tillit_store::operators::find_by_email(db, DEMO_OPERATOR)
        .await?
        .is_none()
    {
        tillit_store::operators::create_operator(
            db,
            &tillit_store::Actor::system("demo"),
            DEMO_OPERATOR,
            password_hash,
        )
        .await?;
    }
    tracing::info!(
        units = demo.units,
        users = demo.users,
        classifications = demo.classifications.approved,
        risks = demo.risk.risks,
        measures = demo.risk.measures,
        incidents = demo.incidents.cases,
        "demo organisation loaded"
    );
    Ok(demo.organisation_id)
}

/// What `load_large` created, counting the demo organisation it builds on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LargeSummary {
    pub organisation_id: i64,
    pub units: usize,
    pub users: usize,
    /// Entries in the register of networks and information systems.
    pub systems: usize,
    /// Information assets.
    pub assets: usize,
    /// Risk analyses, the risks in them and the measures of their action plans.
    pub risk_analyses: usize,
    pub risks: usize,
    pub measures: usize,
    /// Incident cases, open and closed.
    pub incidents: usize,
}

/// Loads the demo organisation plus a large dataset: extra administrations with
/// operations and units below them, thousands of users with role assignments, and
/// register entries and information assets in every operation and unit.
///
/// Users are written in batches of [`LARGE_BATCH`], one transaction each, and all share
/// the one given password hash. The entries (with their dependencies) take one
/// transaction and the assets (with their links) another; the risk analyses, their
/// risks and their measures take one each, and their approvals a fourth.
pub async fn load_large(db: &Db, password_hash: &str) -> anyhow::Result<LargeSummary> {
    let mut tx = db.begin().await?;
    let demo = insert_demo(&mut tx, password_hash).await?;
    tx.commit().await?;
    let review_measures = load_governance_demo(db, demo.organisation_id).await?;
    if tillit_store::operators::find_by_email(db, DEMO_OPERATOR)
        .await?
        .is_none()
    {
        tillit_store::operators::create_operator(
            db,
            &tillit_store::Actor::system("demo"),
            DEMO_OPERATOR,
            password_hash,
        )
        .await?;
    }

    let mut tx = db.begin().await?;
    let tree = Writer::new(&mut tx, demo.organisation_id)
        .create_large_tree()
        .await?;
    tx.commit().await?;

    let mut users = Vec::with_capacity(LARGE_USERS);
    for batch in (0..LARGE_USERS).step_by(LARGE_BATCH) {
        let mut tx = db.begin().await?;
        let end = (batch + LARGE_BATCH).min(LARGE_USERS);
        let created = Writer::new(&mut tx, demo.organisation_id)
            .create_large_users(batch..end, &tree, password_hash)
            .await?;
        tx.commit().await?;
        users.extend(created);
    }

    let now = tillit_store::now();
    let mut tx = db.begin().await?;
    let systems = Writer::new(&mut tx, demo.organisation_id)
        .create_large_systems(&tree, &users, &demo.register.systems, now)
        .await?;
    tx.commit().await?;
    let mut tx = db.begin().await?;
    let assets = Writer::new(&mut tx, demo.organisation_id)
        .create_large_assets(&tree, &users, &systems, now)
        .await?;
    tx.commit().await?;

    let risk = large_risk::load_large_risks(db, demo.organisation_id, &tree, &users, &systems, now)
        .await?;
    tracing::info!(
        analyses = risk.analyses,
        approved = risk.approved,
        risks = risk.risks,
        measures = risk.measures,
        "large risk dataset loaded"
    );

    let incidents =
        large_incidents::load_large_incidents(db, demo.organisation_id, &tree, &systems, now)
            .await?;
    tracing::info!(
        open = incidents.open,
        closed = incidents.closed,
        "large incident dataset loaded"
    );

    let documents =
        governance::load_large_documents(db, demo.organisation_id, LARGE_DOCUMENTS).await?;
    tracing::info!(documents, "large governance dataset loaded");

    // Fresh statistics, so the planner knows the tables are no longer tiny.
    db.analyze().await?;
    Ok(LargeSummary {
        organisation_id: demo.organisation_id,
        units: demo.units + tree.units_created,
        users: demo.users + users.len(),
        systems: demo.register.systems.len() + systems.len(),
        assets: demo.register.assets.len() + assets,
        risk_analyses: demo.risk.analyses.len() + risk.analyses,
        risks: demo.risk.risks + risk.risks,
        measures: demo.risk.measures + risk.measures + review_measures,
        incidents: demo.incidents.cases + incidents.open + incidents.closed,
    })
}

// ---------------------------------------------------------------------------------------
// The demo organisation as data.
// ---------------------------------------------------------------------------------------

const DEMO_ORG_NAME: &str = "Region Sörmark";
const DEMO_ORG_NUMBER: &str = "232100-0016";

/// A person in the demo organisation and the one role they hold.
struct Person {
    email: &'static str,
    name: &'static str,
    title: &'static str,
    role: Role,
    scope: Scope,
}

/// Where a role applies.
#[derive(Clone, Copy)]
enum Scope {
    Organisation,
    /// The unit with this name in the demo tree, and everything below it.
    Unit(&'static str),
}

/// A person with a sign-in shown on the demo login page.
struct DemoAccount {
    role_label_sv: &'static str,
    person: Person,
}

const fn person(
    email: &'static str,
    name: &'static str,
    title: &'static str,
    role: Role,
    scope: Scope,
) -> Person {
    Person {
        email,
        name,
        title,
        role,
        scope,
    }
}

const fn account(role_label_sv: &'static str, person: Person) -> DemoAccount {
    DemoAccount {
        role_label_sv,
        person,
    }
}

const DEMO_ACCOUNTS: [DemoAccount; 9] = [
    account(
        "Administratör",
        person(
            "admin@region.example",
            "Anders Lindqvist",
            "Systemförvaltare LIS",
            Role::Administrator,
            Scope::Organisation,
        ),
    ),
    account(
        "Informationssäkerhetssamordnare",
        person(
            "samordnare@region.example",
            "Maria Ekström",
            "Informationssäkerhetssamordnare",
            Role::Coordinator,
            Scope::Organisation,
        ),
    ),
    account(
        "Informationsägare",
        person(
            "informationsagare@region.example",
            "Per Sandberg",
            "Förvaltningschef",
            Role::InformationOwner,
            Scope::Unit("Hälso- och sjukvårdsförvaltningen"),
        ),
    ),
    account(
        "Verksamhetschef",
        person(
            "verksamhetschef@region.example",
            "Eva Nordin",
            "Verksamhetschef hälso- och sjukvård",
            Role::HeadOfOperations,
            Scope::Unit("Akutkliniken"),
        ),
    ),
    account(
        "NIS-bedömare",
        person(
            "nis-bedomare@region.example",
            "Johan Berglund",
            "Säkerhetsstrateg",
            Role::NisAssessor,
            Scope::Organisation,
        ),
    ),
    account(
        "MAS/MAR",
        person(
            "mas@region.example",
            "Lena Forsberg",
            "Medicinskt ansvarig sjuksköterska",
            Role::MasMar,
            Scope::Unit("Vård- och omsorgsförvaltningen"),
        ),
    ),
    account(
        "Dataskyddsombud",
        person(
            "dataskyddsombud@region.example",
            "Sofia Lund",
            "Dataskyddsombud",
            Role::DataProtectionOfficer,
            Scope::Organisation,
        ),
    ),
    account(
        "Medarbetare",
        person(
            "medarbetare@region.example",
            "Ahmed Hassan",
            "Sjuksköterska",
            Role::Employee,
            Scope::Unit("Akutmottagningen"),
        ),
    ),
    account(
        "Granskare",
        person(
            "granskare@region.example",
            "Karl Holmberg",
            "Internrevisor",
            Role::Auditor,
            Scope::Organisation,
        ),
    ),
];

/// The sign-ins of [`DEMO_ACCOUNTS`], in the same order.
static DEMO_LOGINS: [DemoLogin; DEMO_ACCOUNTS.len()] = logins_of(&DEMO_ACCOUNTS);

const fn logins_of<const N: usize>(accounts: &[DemoAccount; N]) -> [DemoLogin; N] {
    let mut logins = [DemoLogin {
        email: "",
        role_label_sv: "",
    }; N];
    let mut i = 0;
    while i < N {
        logins[i] = DemoLogin {
            email: accounts[i].person.email,
            role_label_sv: accounts[i].role_label_sv,
        };
        i += 1;
    }
    logins
}

/// Further named staff: the other heads of operations, IT security, incident support and
/// the owner of the personnel records.
const STAFF: [Person; 15] = [
    person(
        "peter.sjoberg@region.example",
        "Peter Sjöberg",
        "Chefsjurist",
        Role::HeadOfOperations,
        Scope::Unit("Juridik och informationssäkerhet"),
    ),
    person(
        "karin.holm@region.example",
        "Karin Holm",
        "Verksamhetschef medicin",
        Role::HeadOfOperations,
        Scope::Unit("Medicinkliniken"),
    ),
    person(
        "mikael.strom@region.example",
        "Mikael Ström",
        "Verksamhetschef psykiatri",
        Role::HeadOfOperations,
        Scope::Unit("Psykiatriska kliniken"),
    ),
    person(
        "annika.wallin@region.example",
        "Annika Wallin",
        "Verksamhetschef primärvård",
        Role::HeadOfOperations,
        Scope::Unit("Vårdcentralen Norrby"),
    ),
    person(
        "helena.bergqvist@region.example",
        "Helena Bergqvist",
        "Verksamhetschef kvinnosjukvård",
        Role::HeadOfOperations,
        Scope::Unit("Kvinnokliniken"),
    ),
    person(
        "jonas.ek@region.example",
        "Jonas Ek",
        "Klinikchef tandvård",
        Role::HeadOfOperations,
        Scope::Unit("Folktandvården Centrum"),
    ),
    person(
        "fatima.ali@region.example",
        "Fatima Ali",
        "Klinikchef tandvård",
        Role::HeadOfOperations,
        Scope::Unit("Folktandvården Åby"),
    ),
    person(
        "linda.nyberg@region.example",
        "Linda Nyberg",
        "IT-chef",
        Role::HeadOfOperations,
        Scope::Unit("Regional IT-service"),
    ),
    person(
        "ingrid.dahl@region.example",
        "Ingrid Dahl",
        "Verksamhetschef hemtjänst",
        Role::HeadOfOperations,
        Scope::Unit("Hemtjänst Norr"),
    ),
    person(
        "erik.lindgren@region.example",
        "Erik Lindgren",
        "Verksamhetschef särskilt boende",
        Role::HeadOfOperations,
        Scope::Unit("Särskilt boende Solgläntan"),
    ),
    person(
        "camilla.svensson@region.example",
        "Camilla Svensson",
        "Verksamhetschef LSS",
        Role::HeadOfOperations,
        Scope::Unit("LSS-verksamheten"),
    ),
    person(
        "oskar.nilsson@region.example",
        "Oskar Nilsson",
        "IT-säkerhetschef",
        Role::NisAssessor,
        Scope::Organisation,
    ),
    person(
        "malin.axelsson@region.example",
        "Malin Axelsson",
        "Lokalt verksamhetsstöd (LVS)",
        Role::Employee,
        Scope::Unit("Servicedesk (intraservice)"),
    ),
    person(
        "david.johansson@region.example",
        "David Johansson",
        "Utvecklingsledare IT/säkerhet",
        Role::NisAssessor,
        Scope::Organisation,
    ),
    person(
        "therese.blom@region.example",
        "Therese Blom",
        "HR-direktör",
        Role::InformationOwner,
        Scope::Unit("Regionkansliet"),
    ),
];

/// Everyone in the demo organisation: the demo accounts first, then the other staff.
fn all_people() -> impl Iterator<Item = &'static Person> {
    DEMO_ACCOUNTS
        .iter()
        .map(|account| &account.person)
        .chain(STAFF.iter())
}

/// A unit of the demo tree with the units below it.
struct UnitSpec {
    name: &'static str,
    kind: UnitKind,
    /// E-mail of the person who manages the unit.
    manager: Option<&'static str>,
    children: &'static [UnitSpec],
}

const fn board(name: &'static str, children: &'static [UnitSpec]) -> UnitSpec {
    UnitSpec {
        name,
        kind: UnitKind::Board,
        manager: None,
        children,
    }
}

const fn administration(name: &'static str, children: &'static [UnitSpec]) -> UnitSpec {
    UnitSpec {
        name,
        kind: UnitKind::Administration,
        manager: None,
        children,
    }
}

/// A verksamhet: always led by a verksamhetschef.
const fn operation(
    name: &'static str,
    manager: &'static str,
    children: &'static [UnitSpec],
) -> UnitSpec {
    UnitSpec {
        name,
        kind: UnitKind::Operation,
        manager: Some(manager),
        children,
    }
}

const fn unit(name: &'static str) -> UnitSpec {
    UnitSpec {
        name,
        kind: UnitKind::Unit,
        manager: None,
        children: &[],
    }
}

/// The top-level units of Region Sörmark. Names are unique within the tree.
const DEMO_TREE: &[UnitSpec] = &[
    board(
        "Regionstyrelsen",
        &[administration(
            "Regionkansliet",
            &[operation(
                "Juridik och informationssäkerhet",
                "peter.sjoberg@region.example",
                &[],
            )],
        )],
    ),
    board(
        "Hälso- och sjukvårdsnämnden",
        &[administration(
            "Hälso- och sjukvårdsförvaltningen",
            &[
                operation(
                    "Akutkliniken",
                    "verksamhetschef@region.example",
                    &[unit("Akutmottagningen"), unit("Avdelning 12")],
                ),
                operation(
                    "Medicinkliniken",
                    "karin.holm@region.example",
                    &[unit("Medicinmottagningen"), unit("Avdelning 21")],
                ),
                operation(
                    "Psykiatriska kliniken",
                    "mikael.strom@region.example",
                    &[unit("Psykiatrisk akutmottagning"), unit("Avdelning 31")],
                ),
                operation(
                    "Vårdcentralen Norrby",
                    "annika.wallin@region.example",
                    &[unit("Barnavårdscentralen Norrby")],
                ),
                operation(
                    "Kvinnokliniken",
                    "helena.bergqvist@region.example",
                    &[unit("Förlossningen"), unit("Kvinnomottagningen")],
                ),
            ],
        )],
    ),
    board(
        "Tandvårdsnämnden",
        &[administration(
            "Folktandvården Sörmark",
            &[
                operation("Folktandvården Centrum", "jonas.ek@region.example", &[]),
                operation("Folktandvården Åby", "fatima.ali@region.example", &[]),
            ],
        )],
    ),
    administration(
        "Regionservice",
        &[operation(
            "Regional IT-service",
            "linda.nyberg@region.example",
            &[unit("IT-drift"), unit("Servicedesk (intraservice)")],
        )],
    ),
    board(
        "Vård- och omsorgsnämnden",
        &[administration(
            "Vård- och omsorgsförvaltningen",
            &[
                operation(
                    "Hemtjänst Norr",
                    "ingrid.dahl@region.example",
                    &[unit("Hemtjänstgrupp Norrby")],
                ),
                operation(
                    "Särskilt boende Solgläntan",
                    "erik.lindgren@region.example",
                    &[unit("Avdelning Björken"), unit("Avdelning Linden")],
                ),
                operation(
                    "LSS-verksamheten",
                    "camilla.svensson@region.example",
                    &[unit("Gruppbostad Eken"), unit("Daglig verksamhet Ljuset")],
                ),
            ],
        )],
    ),
];

/// A personuppgiftsansvarig and the board unit it is.
struct ControllerSpec {
    name: &'static str,
    board: &'static str,
    description: &'static str,
}

const DEMO_CONTROLLERS: [ControllerSpec; 4] = [
    ControllerSpec {
        name: "Regionstyrelsen",
        board: "Regionstyrelsen",
        description:
            "Personuppgiftsansvarig för regionens gemensamma administration, IT och service.",
    },
    ControllerSpec {
        name: "Hälso- och sjukvårdsnämnden",
        board: "Hälso- och sjukvårdsnämnden",
        description: "Personuppgiftsansvarig för patientuppgifter i regionens hälso- och sjukvård.",
    },
    ControllerSpec {
        name: "Tandvårdsnämnden",
        board: "Tandvårdsnämnden",
        description: "Personuppgiftsansvarig för patientuppgifter i Folktandvården.",
    },
    ControllerSpec {
        name: "Vård- och omsorgsnämnden",
        board: "Vård- och omsorgsnämnden",
        description: "Personuppgiftsansvarig för uppgifter i socialtjänst och LSS-verksamhet.",
    },
];

// ---------------------------------------------------------------------------------------
// The large dataset as data.
// ---------------------------------------------------------------------------------------

/// Users added by `load_large`.
const LARGE_USERS: usize = 5_000;
/// Users written per transaction.
const LARGE_BATCH: usize = 1_000;
/// Governing documents added by `load_large`, besides the demo's own.
const LARGE_DOCUMENTS: usize = 300;
/// Every this many users gets a second role besides Employee.
const SECOND_ROLE_EVERY: usize = 50;

/// Extra administrations and what their operations are called (followed by a place).
const LARGE_ADMINISTRATIONS: [(&str, &str); 6] = [
    ("Primärvårdsförvaltningen", "Vårdcentralen"),
    ("Folktandvården Öst", "Folktandvården"),
    ("Psykiatriförvaltningen", "Psykiatrimottagningen"),
    ("Rehabiliteringsförvaltningen", "Rehabenheten"),
    ("Äldreomsorgsförvaltningen", "Särskilt boende"),
    ("Hemtjänstförvaltningen", "Hemtjänst"),
];

/// One operation per place in every extra administration.
const LARGE_PLACES: [&str; 10] = [
    "Almby",
    "Björkvik",
    "Ekeby",
    "Forsa",
    "Granbo",
    "Hagby",
    "Lunda",
    "Mossby",
    "Stensjö",
    "Västerby",
];

/// The units of every extra operation.
const LARGE_UNITS: [&str; 4] = [
    "Mottagningen",
    "Team Norr",
    "Team Söder",
    "Administrativt stöd",
];

const FIRST_NAMES: [&str; 40] = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Per", "Emma",
    "Karl", "Kristina", "Mikael", "Lena", "Jan", "Elin", "Peter", "Ida", "Fredrik", "Sofia",
    "Magnus", "Malin", "Daniel", "Linnea", "Mattias", "Hanna", "Jonas", "Maja", "Oskar", "Amira",
    "Ali", "Nora", "Hugo", "Elsa", "Viktor", "Julia", "Mohammed", "Astrid", "Gustav",
];

const LAST_NAMES: [&str; 40] = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Ali",
    "Wallin",
    "Engström",
];

const TITLES: [&str; 10] = [
    "Sjuksköterska",
    "Undersköterska",
    "Läkare",
    "Vårdbiträde",
    "Tandsköterska",
    "Tandläkare",
    "Fysioterapeut",
    "Arbetsterapeut",
    "Kurator",
    "Medicinsk sekreterare",
];

/// Second roles handed out in turn, at the user's operation.
const SECOND_ROLES: [Role; 5] = [
    Role::HeadOfOperations,
    Role::InformationOwner,
    Role::NisAssessor,
    Role::MasMar,
    Role::Coordinator,
];

/// A unit where large-dataset users work, and the operation it belongs to.
#[derive(Debug, Clone, Copy)]
struct Placement {
    unit_id: i64,
    unit_name: &'static str,
    operation_id: i64,
    /// Index of the operation in [`LargeTree::operations`].
    operation: usize,
}

/// An operation created for the large dataset.
struct LargeOperation {
    name: String,
    /// Indexes of its units in [`LargeTree::placements`].
    placements: Vec<usize>,
}

/// The units created for the large dataset.
struct LargeTree {
    placements: Vec<Placement>,
    operations: Vec<LargeOperation>,
    units_created: usize,
}

impl LargeTree {
    /// The workplace of user `n`, spreading users evenly over the units.
    fn placement(&self, n: usize) -> Option<Placement> {
        self.placements
            .get(n % self.placements.len().max(1))
            .copied()
    }
}

/// The display name of large-dataset user `n`: every first name with every last name.
fn large_name(n: usize) -> String {
    let first = FIRST_NAMES[n % FIRST_NAMES.len()];
    let last = LAST_NAMES[(n / FIRST_NAMES.len()) % LAST_NAMES.len()];
    format!("{first} {last}")
}

fn large_email(n: usize) -> String {
    format!("user{n}@large.region.example")
}

/// The role, besides Employee, that large-dataset user `n` holds, if any.
fn second_role(n: usize) -> Option<Role> {
    (n % SECOND_ROLE_EVERY == SECOND_ROLE_EVERY - 1)
        .then(|| SECOND_ROLES[(n / SECOND_ROLE_EVERY) % SECOND_ROLES.len()])
}

// ---------------------------------------------------------------------------------------
// Loading.
// ---------------------------------------------------------------------------------------

/// What `insert_demo` wrote.
struct DemoCounts {
    organisation_id: i64,
    units: usize,
    users: usize,
    register: registers::DemoRegister,
    classifications: classification::DemoClassifications,
    risk: risk::DemoRisks,
    incidents: incidents::DemoIncidents,
}

/// Writes the whole demo organisation in `tx`.
async fn insert_demo(tx: &mut Tx, password_hash: &str) -> anyhow::Result<DemoCounts> {
    let organisation_id = create_demo_organisation(tx).await?;
    let mut writer = Writer::new(tx, organisation_id);
    let people = writer.create_people(password_hash).await?;
    let units = writer.create_tree(DEMO_TREE, &people).await?;
    writer.grant_roles(&people, &units).await?;
    writer.create_controllers(&units).await?;
    let now = tillit_store::now();
    let register = writer.create_registers(&people, &units, now).await?;
    let classifications = writer
        .classify_register(&people, &register, &registers::holdings(), now)
        .await?;
    let risk = writer
        .create_risk_work(&people, &units, &register, now)
        .await?;
    let incidents = writer
        .create_incidents(&people, &units, &register, now)
        .await?;
    Ok(DemoCounts {
        incidents,
        organisation_id,
        units: units.len(),
        users: people.len(),
        register,
        classifications,
        risk,
    })
}

async fn create_demo_organisation(tx: &mut Tx) -> anyhow::Result<i64> {
    let new = NewOrganisation {
        name: DEMO_ORG_NAME,
        kind: OrganisationKind::Region,
        org_number: DEMO_ORG_NUMBER,
        demo: true,
    };
    match org::create_organisation(tx, &demo_actor(), &new).await {
        Ok(organisation) => Ok(organisation.id),
        Err(StoreError::Duplicate { .. }) => {
            Err(anyhow!("an organisation with org number {DEMO_ORG_NUMBER} already exists; the demo is already loaded"))
        }
        Err(e) => Err(anyhow::Error::new(e).context("creating the demo organisation")),
    }
}

fn demo_actor() -> Actor {
    Actor::system("demo")
}

/// Ids of created rows, by their name in the demo data.
type Ids = HashMap<&'static str, i64>;

/// Writes rows of one organisation in an open transaction, as the demo actor.
struct Writer<'t> {
    tx: &'t mut Tx,
    organisation_id: i64,
    actor: Actor,
}

impl<'t> Writer<'t> {
    fn new(tx: &'t mut Tx, organisation_id: i64) -> Self {
        Self {
            tx,
            organisation_id,
            actor: demo_actor(),
        }
    }

    async fn user(
        &mut self,
        email: &str,
        name: &str,
        title: &str,
        password_hash: &str,
    ) -> anyhow::Result<i64> {
        let new = NewUser {
            email,
            display_name: name,
            title,
            password_hash,
        };
        let user = users::create_user_in(self.tx, self.organisation_id, &self.actor, &new)
            .await
            .with_context(|| format!("creating user {email}"))?;
        Ok(user.id)
    }

    async fn unit(
        &mut self,
        parent_id: Option<i64>,
        name: &str,
        kind: UnitKind,
        manager_id: Option<i64>,
    ) -> anyhow::Result<i64> {
        let draft = UnitDraft {
            name: name.to_owned(),
            kind,
            parent_id,
            manager_id,
            description: String::new(),
        };
        let unit = org::create_unit_in(self.tx, self.organisation_id, &self.actor, &draft)
            .await
            .with_context(|| format!("creating unit {name}"))?;
        Ok(unit.id)
    }

    async fn grant(
        &mut self,
        user_id: i64,
        role: Role,
        unit_id: Option<i64>,
    ) -> anyhow::Result<()> {
        users::assign_role_in(
            self.tx,
            self.organisation_id,
            &self.actor,
            user_id,
            Assignment { role, unit_id },
        )
        .await
        .with_context(|| format!("assigning role {} to user {user_id}", role.as_str()))
    }

    /// Creates every demo person. Returns their ids by e-mail.
    async fn create_people(&mut self, password_hash: &str) -> anyhow::Result<Ids> {
        let mut ids = Ids::new();
        for person in all_people() {
            let id = self
                .user(person.email, person.name, person.title, password_hash)
                .await?;
            ids.insert(person.email, id);
        }
        Ok(ids)
    }

    /// Creates `roots` and everything below them, parents first, with managers taken
    /// from `people`. Returns the unit ids by name.
    async fn create_tree(
        &mut self,
        roots: &'static [UnitSpec],
        people: &Ids,
    ) -> anyhow::Result<Ids> {
        let mut ids = Ids::new();
        let mut pending: Vec<(Option<i64>, &'static UnitSpec)> =
            roots.iter().rev().map(|spec| (None, spec)).collect();
        while let Some((parent_id, spec)) = pending.pop() {
            let manager_id = spec
                .manager
                .map(|email| lookup(people, email))
                .transpose()?;
            let id = self
                .unit(parent_id, spec.name, spec.kind, manager_id)
                .await?;
            ids.insert(spec.name, id);
            pending.extend(spec.children.iter().rev().map(|child| (Some(id), child)));
        }
        Ok(ids)
    }

    /// Gives every demo person their role.
    async fn grant_roles(&mut self, people: &Ids, units: &Ids) -> anyhow::Result<()> {
        for person in all_people() {
            let unit_id = match person.scope {
                Scope::Organisation => None,
                Scope::Unit(name) => Some(lookup(units, name)?),
            };
            self.grant(lookup(people, person.email)?, person.role, unit_id)
                .await?;
        }
        Ok(())
    }

    async fn create_controllers(&mut self, units: &Ids) -> anyhow::Result<()> {
        for spec in &DEMO_CONTROLLERS {
            let draft = ControllerDraft {
                name: spec.name.to_owned(),
                org_number: DEMO_ORG_NUMBER.to_owned(),
                unit_id: Some(lookup(units, spec.board)?),
                description: spec.description.to_owned(),
            };
            org::create_controller_in(self.tx, self.organisation_id, &self.actor, &draft)
                .await
                .with_context(|| format!("creating data controller {}", spec.name))?;
        }
        Ok(())
    }

    /// Creates the extra administrations, their operations and units.
    async fn create_large_tree(&mut self) -> anyhow::Result<LargeTree> {
        let mut tree = LargeTree {
            placements: Vec::new(),
            operations: Vec::new(),
            units_created: 0,
        };
        for (administration, operation_prefix) in LARGE_ADMINISTRATIONS {
            let administration_id = self
                .unit(None, administration, UnitKind::Administration, None)
                .await?;
            tree.units_created += 1;
            for place in LARGE_PLACES {
                let operation = format!("{operation_prefix} {place}");
                let operation_id = self
                    .unit(
                        Some(administration_id),
                        &operation,
                        UnitKind::Operation,
                        None,
                    )
                    .await?;
                tree.units_created += 1;
                let mut placements = Vec::new();
                for name in LARGE_UNITS {
                    let unit_id = self
                        .unit(Some(operation_id), name, UnitKind::Unit, None)
                        .await?;
                    tree.units_created += 1;
                    placements.push(tree.placements.len());
                    tree.placements.push(Placement {
                        unit_id,
                        unit_name: name,
                        operation_id,
                        operation: tree.operations.len(),
                    });
                }
                tree.operations.push(LargeOperation {
                    name: operation,
                    placements,
                });
            }
        }
        Ok(tree)
    }

    /// Creates large-dataset users `range` (numbered from 1 in their e-mail), each an
    /// Employee at a unit and every [`SECOND_ROLE_EVERY`]th with a role at its operation.
    /// Returns their ids in order.
    async fn create_large_users(
        &mut self,
        range: std::ops::Range<usize>,
        tree: &LargeTree,
        password_hash: &str,
    ) -> anyhow::Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(range.len());
        for n in range {
            let place = tree
                .placement(n)
                .ok_or_else(|| anyhow!("the large dataset has no units to place users in"))?;
            let title = TITLES[n % TITLES.len()];
            let user_id = self
                .user(&large_email(n + 1), &large_name(n), title, password_hash)
                .await?;
            self.grant(user_id, Role::Employee, Some(place.unit_id))
                .await?;
            if let Some(role) = second_role(n) {
                self.grant(user_id, role, Some(place.operation_id)).await?;
            }
            ids.push(user_id);
        }
        Ok(ids)
    }
}

/// The id created for `name`; the demo tables refer to each other only by names that exist.
fn lookup(ids: &Ids, name: &str) -> anyhow::Result<i64> {
    ids.get(name)
        .copied()
        .ok_or_else(|| anyhow!("demo data refers to unknown {name:?}"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use tillit_domain::auth::Reach;
    use tillit_domain::pagination::PageRequest;
    use tillit_store::registers::{AssetFilter, InformationAsset, InformationSystem, SystemFilter};
    use tillit_store::users::UserFilter;
    use tillit_store::Page;

    use super::*;

    const FAKE_HASH: &str = "not-a-real-hash";

    async fn temp_db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = Db::connect_sqlite(&dir.path().join("t.db"))
            .await
            .expect("open sqlite");
        db.migrate().await.expect("migrate");
        (dir, db)
    }

    async fn user_count(db: &Db, organisation_id: i64) -> i64 {
        let page = PageRequest {
            page: 1,
            per_page: 1,
        };
        users::list_users(db, organisation_id, &UserFilter::default(), page)
            .await
            .expect("list users")
            .total
    }

    fn role_for(label: &str) -> Role {
        DEMO_ACCOUNTS
            .iter()
            .find(|a| a.role_label_sv == label)
            .map(|a| a.person.role)
            .expect("known label")
    }

    #[test]
    fn demo_logins_cover_every_role_once_in_order() {
        let emails: Vec<&str> = demo_logins().iter().map(|l| l.email).collect();
        assert_eq!(emails.first(), Some(&"admin@region.example"));
        assert_eq!(emails.last(), Some(&"granskare@region.example"));
        let roles: HashSet<Role> = demo_logins()
            .iter()
            .map(|l| role_for(l.role_label_sv))
            .collect();
        assert_eq!(roles, Role::ALL.into_iter().collect());
        assert_eq!(demo_logins().len(), Role::ALL.len());
    }

    #[test]
    fn demo_org_number_is_valid() {
        assert_eq!(
            tillit_domain::org::parse_org_number(DEMO_ORG_NUMBER).as_deref(),
            Some(DEMO_ORG_NUMBER)
        );
    }

    #[test]
    fn large_users_are_deterministic_and_mostly_distinct() {
        assert_eq!(large_name(0), "Anna Andersson");
        assert_eq!(large_name(0), large_name(0));
        let distinct: HashSet<String> = (0..FIRST_NAMES.len() * LAST_NAMES.len())
            .map(large_name)
            .collect();
        assert_eq!(distinct.len(), FIRST_NAMES.len() * LAST_NAMES.len());
        assert_eq!(
            (0..LARGE_USERS).filter_map(second_role).count(),
            LARGE_USERS / SECOND_ROLE_EVERY
        );
    }

    #[tokio::test]
    async fn demo_accounts_exist_with_their_roles() {
        let (_dir, db) = temp_db().await;
        let organisation_id = load_demo(&db, FAKE_HASH).await.expect("load demo");

        let organisation = org::get_organisation(&db, organisation_id)
            .await
            .expect("organisation");
        assert_eq!(organisation.name, DEMO_ORG_NAME);
        assert_eq!(organisation.org_number, DEMO_ORG_NUMBER);
        assert_eq!(organisation.kind, "region");
        assert!(organisation.demo);

        for login in demo_logins() {
            let user = users::find_user_by_email(&db, login.email)
                .await
                .expect("query")
                .expect(login.email);
            assert_eq!(user.organisation_id, organisation_id);
            let roles: Vec<Role> = users::assignments(&db, user.id)
                .await
                .expect("assignments")
                .iter()
                .map(|a| a.role)
                .collect();
            assert_eq!(
                roles,
                vec![role_for(login.role_label_sv)],
                "{}",
                login.email
            );
        }
        let credentials = users::credentials_by_email(&db, "admin@region.example")
            .await
            .expect("query")
            .expect("admin");
        assert_eq!(credentials.password_hash, FAKE_HASH);
        assert!(credentials.demo);
        assert_eq!(
            user_count(&db, organisation_id).await,
            (DEMO_ACCOUNTS.len() + STAFF.len()) as i64
        );
    }

    #[tokio::test]
    async fn demo_tree_has_managed_operations_and_controllers() {
        let (_dir, db) = temp_db().await;
        let organisation_id = load_demo(&db, FAKE_HASH).await.expect("load demo");
        let units = org::all_units(&db, organisation_id).await.expect("units");

        let operations: Vec<_> = units.iter().filter(|u| u.kind == "operation").collect();
        assert!(operations.len() >= 10);
        for operation in &operations {
            let manager_id = operation
                .manager_id
                .unwrap_or_else(|| panic!("{} has no manager", operation.name));
            let roles = users::assignments(&db, manager_id)
                .await
                .expect("assignments");
            assert!(
                roles.contains(&Assignment {
                    role: Role::HeadOfOperations,
                    unit_id: Some(operation.id)
                }),
                "{}",
                operation.name
            );
        }

        let by_name: HashMap<&str, &org::OrgUnit> =
            units.iter().map(|u| (u.name.as_str(), u)).collect();
        assert_eq!(by_name.len(), units.len(), "unit names are unique");
        let akut = by_name["Akutmottagningen"];
        assert_eq!(
            org::unit_path(&db, organisation_id, akut.id)
                .await
                .expect("path")
                .len(),
            4
        );
        assert_eq!(
            by_name["Akutkliniken"].manager_name.as_deref(),
            Some("Eva Nordin")
        );

        let controllers = org::list_controllers(&db, organisation_id)
            .await
            .expect("controllers");
        assert_eq!(controllers.len(), DEMO_CONTROLLERS.len());
        for controller in &controllers {
            let board = controller
                .unit_id
                .and_then(|id| units.iter().find(|u| u.id == id))
                .expect("linked unit");
            assert_eq!(board.kind, "board");
        }
    }

    #[tokio::test]
    async fn loading_the_demo_twice_fails_and_changes_nothing() {
        let (_dir, db) = temp_db().await;
        let organisation_id = load_demo(&db, FAKE_HASH).await.expect("load demo");
        let units_before = org::all_units(&db, organisation_id)
            .await
            .expect("units")
            .len();

        let error = load_demo(&db, FAKE_HASH).await.expect_err("second load");
        assert!(error.to_string().contains("already exists"), "{error}");
        assert_eq!(
            org::all_units(&db, organisation_id)
                .await
                .expect("units")
                .len(),
            units_before
        );
        assert_eq!(
            org::first_organisation_id(&db).await.expect("query"),
            Some(organisation_id)
        );
    }

    #[tokio::test]
    async fn demo_changes_are_audited_as_the_demo_actor() {
        let (_dir, db) = temp_db().await;
        let organisation_id = load_demo(&db, FAKE_HASH).await.expect("load demo");
        let page = PageRequest {
            page: 1,
            per_page: 500,
        };
        let events = tillit_store::audit::list(&db, organisation_id, &Default::default(), page)
            .await
            .expect("events");
        let units = org::all_units(&db, organisation_id)
            .await
            .expect("units")
            .len();
        let people = DEMO_ACCOUNTS.len() + STAFF.len();
        let expected =
            1 + units + 2 * people + DEMO_CONTROLLERS.len() + registers::demo_register_events();
        let (by_demo, by_people): (Vec<_>, Vec<_>) = events
            .items
            .iter()
            .partition(|e| e.actor_label == "demo" && e.actor_id.is_none());
        assert_eq!(by_demo.len(), expected);
        // The service desk reports two incidents through the API, as a system.
        let (by_service_desk, by_people): (Vec<_>, Vec<_>) = by_people
            .into_iter()
            .partition(|e| e.actor_label == incidents::SERVICE_DESK && e.actor_id.is_none());
        assert_eq!(by_service_desk.len(), 2);
        // Everything else is done by the demo's own people.
        assert!(!by_people.is_empty());
        assert!(by_people
            .iter()
            .all(|e| e.actor_id.is_some() && e.actor_label.ends_with("@region.example")));
    }

    #[tokio::test]
    async fn demo_classifications_cover_the_core_and_prompt_the_journal_owners() {
        use tillit_store::classification::{self as store, ObjectFilter};

        let (_dir, db) = temp_db().await;
        let mut tx = db.begin().await.expect("transaction");
        let demo = insert_demo(&mut tx, FAKE_HASH).await.expect("load demo");
        tx.commit().await.expect("commit");
        let organisation_id = demo.organisation_id;

        let all = store::list_objects(&db, organisation_id, &ObjectFilter::default(), 500, 0)
            .await
            .expect("classifications");
        assert_eq!(all.total, demo.classifications.approved as i64);
        assert!(all.items.iter().all(|o| o.current_version == 1));
        let today = chrono::Utc::now().date_naive();
        let overdue = ObjectFilter {
            overdue_on: Some(today),
            ..ObjectFilter::default()
        };
        let overdue = store::list_objects(&db, organisation_id, &overdue, 500, 0)
            .await
            .expect("overdue");
        let mut names: Vec<&str> = overdue.items.iter().map(|o| o.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["Patientövervakning", "Vitalparametrar och larmhistorik"]
        );

        let journal = lookup(&demo.register.systems, registers::JOURNAL_NAME).expect("journal");
        let object = store::object_for(&db, organisation_id, store::Subject::System(journal))
            .await
            .expect("read")
            .expect("the journal system is classified");
        let versions = store::versions(&db, organisation_id, object.id)
            .await
            .expect("versions");
        assert!(
            versions[0].derived_levels().is_some(),
            "levels from its assets"
        );
        let unmet = store::unmet_requirements(&db, organisation_id, 50, 0)
            .await
            .expect("unmet");
        assert_eq!(unmet.total, 3, "two partly and one not fulfilled");
        let prompts = tillit_store::tasks::open_tasks_about(
            &db,
            organisation_id,
            "information_system",
            journal,
        )
        .await
        .expect("tasks");
        assert!(
            !prompts.is_empty(),
            "the planned upgrade prompts the owners"
        );

        let mut by_people = 0;
        for page in 1.. {
            let page = PageRequest {
                page,
                per_page: 500,
            };
            let events = tillit_store::audit::list(&db, organisation_id, &Default::default(), page)
                .await
                .expect("events");
            if events.items.is_empty() {
                break;
            }
            by_people += events.items.iter().filter(|e| e.actor_id.is_some()).count();
        }
        assert_eq!(
            by_people,
            classification::demo_classification_events(prompts.len())
                + risk::demo_risk_events()
                + incidents::DEMO_INCIDENT_EVENTS_BY_PEOPLE
        );
    }

    #[tokio::test]
    async fn demo_incidents_show_running_overdue_and_closed_cases_under_each_regime() {
        use tillit_store::incidents::{self as store, IncidentFilter, Visibility};

        let (_dir, db) = temp_db().await;
        let organisation_id = load_demo(&db, FAKE_HASH).await.expect("load demo");
        let cases = store::list_incidents(
            &db,
            organisation_id,
            &Visibility::All,
            &IncidentFilter::default(),
            50,
            0,
        )
        .await
        .expect("cases");
        assert_eq!(cases.total, 5);
        let case = |title: &str| {
            cases
                .items
                .iter()
                .find(|c| c.title == title)
                .unwrap_or_else(|| panic!("{title}"))
                .clone()
        };
        let now = chrono::Utc::now();

        // The ransomware case: early warning submitted, two 72-hour clocks still running.
        let ransomware = case(incidents::RANSOMWARE);
        assert_eq!(ransomware.status, "open");
        let reports = store::obligations(&db, organisation_id, ransomware.id)
            .await
            .expect("reports");
        let open: Vec<&str> = reports
            .iter()
            .filter(|o| o.is_open() && o.due_at.is_some_and(|due| due > now))
            .map(|o| o.code.as_str())
            .collect();
        assert_eq!(open, ["notification", "imy_notification"]);
        assert!(reports
            .iter()
            .any(|o| o.code == "early_warning" && o.submitted_at.is_some()));

        // The Lex Maria case: the report to IVO is overdue and the NIS assessors still
        // have the material to assess.
        let alarm = case(incidents::SAFETY_ALARM);
        let reports = store::obligations(&db, organisation_id, alarm.id)
            .await
            .expect("reports");
        let report = reports.iter().find(|o| o.code == "report").expect("report");
        assert!(report.is_open() && report.due_at.is_some_and(|due| due < now));
        assert_eq!(alarm.cybersecurity.as_deref(), Some("escalated"));

        // The old outage is judged by the NIS Act; the others closed under today's rules.
        let old = case(incidents::OLD_OUTAGE);
        assert_eq!(old.status, "closed");
        let tracks = store::tracks(&db, organisation_id, old.id)
            .await
            .expect("tracks");
        assert_eq!(tracks[0].regime.as_deref(), Some("nis-2018"));
        for title in [incidents::WRONG_PATIENT, incidents::ACCESS_CARDS] {
            assert_eq!(case(title).status, "closed", "{title}");
        }
        let clocks = store::open_clocks(
            &db,
            organisation_id,
            &store::ClockFilter {
                visibility: Visibility::All,
                due_before: None,
                limit: 10,
            },
        )
        .await
        .expect("clocks");
        assert_eq!(clocks[0].code, "report", "the overdue clock comes first");
    }

    #[tokio::test]
    async fn demo_risk_work_has_an_approved_plan_and_an_undecided_serious_risk() {
        use tillit_domain::risk::{MeasureStatus, RiskLevel, Scope, Treatment};
        use tillit_store::risk::{self as store, AnalysisFilter, MeasureFilter, RiskFilter};

        let (_dir, db) = temp_db().await;
        let organisation_id = load_demo(&db, FAKE_HASH).await.expect("load demo");
        let now = tillit_store::now();
        let today = now.date_naive();

        let method = store::current_method(&db, organisation_id)
            .await
            .expect("method")
            .expect("a recorded method");
        assert_eq!(method.number, 1);
        assert_eq!(method.standard, "SS-ISO/IEC 27005:2022");
        assert_eq!(method.decided_by, "Regiondirektören");
        assert_eq!(
            (
                method.matrix.likelihood.len(),
                method.matrix.consequence.len()
            ),
            (4, 4)
        );
        assert!(method.decided_on < today);

        let analyses =
            store::list_analyses(&db, organisation_id, &AnalysisFilter::default(), 50, 0)
                .await
                .expect("analyses");
        let titled = |title: &str| {
            analyses
                .items
                .iter()
                .find(|a| a.title == title)
                .cloned()
                .unwrap_or_else(|| panic!("no analysis {title}"))
        };

        // The journal system's analysis: approved as version 1 about eleven months ago.
        let journal = titled(risk::JOURNAL_ANALYSIS);
        assert_eq!(journal.status, "approved");
        assert_eq!(journal.current_version, 1);
        assert_eq!(journal.scope(), Some(Scope::Systems));
        assert_eq!(
            journal.unit_name.as_deref(),
            Some("Hälso- och sjukvårdsförvaltningen")
        );
        assert_eq!(
            journal.approved_by_label.as_deref(),
            Some(registers::HEALTH_OWNER)
        );
        let approved_days = (now - journal.approved_at.expect("approved")).num_days();
        assert!((320..=350).contains(&approved_days), "{approved_days}");
        assert!(journal.next_renewal.is_some_and(|due| due > today));
        let versions = store::analysis_versions(&db, organisation_id, journal.id)
            .await
            .expect("versions");
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].method_number, Some(1));
        let (systems, _) = store::analysis_systems(&db, organisation_id, journal.id)
            .await
            .expect("systems");
        assert!(systems.iter().any(|s| s.name == registers::JOURNAL_NAME));
        assert!(systems.len() >= 3, "the journal and what it depends on");

        let by_analysis = |id: i64| RiskFilter {
            analysis_id: Some(id),
            ..RiskFilter::default()
        };
        let risks = store::list_risks(&db, organisation_id, &by_analysis(journal.id), true, 50, 0)
            .await
            .expect("risks");
        assert!((6..=8).contains(&risks.items.len()));
        for level in RiskLevel::ALL {
            assert!(
                risks.items.iter().any(|r| r.risk_level() == Some(level)),
                "{level:?}"
            );
        }
        assert!(risks.items.iter().all(|r| r.treatment().is_some()));
        assert!(risks.items.iter().all(|r| r.catalogue_id.is_some()));
        let accepted: Vec<_> = risks
            .items
            .iter()
            .filter(|r| r.treatment() == Some(Treatment::Accept))
            .collect();
        assert_eq!(accepted.len(), 1);
        assert_eq!(
            accepted[0].decided_by_label.as_deref(),
            Some(registers::HEALTH_OWNER)
        );
        assert_eq!(accepted[0].status, "handled");
        assert!(risks
            .items
            .iter()
            .any(|r| r.treatment() == Some(Treatment::Eliminate) && r.status == "handled"));
        // Every expected residual position is lower than the risk's position now.
        let rank = |level: &str, l: i64, c: i64| (RiskLevel::parse(level), l * c);
        for r in &risks.items {
            if let (Some(level), Some(l), Some(c)) = (
                r.residual_level.as_deref(),
                r.residual_likelihood,
                r.residual_consequence,
            ) {
                assert!(
                    rank(level, l, c) < rank(&r.level, r.likelihood, r.consequence),
                    "{}",
                    r.title
                );
            }
        }

        let filter = MeasureFilter {
            analysis_id: Some(journal.id),
            ..MeasureFilter::on(today)
        };
        let measures = store::list_measures(&db, organisation_id, &filter, 50, 0)
            .await
            .expect("measures");
        assert!((8..=10).contains(&measures.items.len()));
        let with = |status: MeasureStatus| {
            measures
                .items
                .iter()
                .filter(|m| m.status(today) == status)
                .count()
        };
        assert!(with(MeasureStatus::Late) >= 2);
        assert!(with(MeasureStatus::Planned) >= 1);
        assert!(with(MeasureStatus::Done) >= 2);
        assert!(measures.items.iter().any(|m| m
            .done_on
            .is_some_and(|done| done < m.planned_on && !m.done_note.is_empty())));
        let mut followed_up = 0;
        for measure in &measures.items {
            let follow_ups = store::follow_ups(&db, organisation_id, measure.id)
                .await
                .expect("follow-ups");
            if !follow_ups.is_empty() {
                assert!(measure.done_on.is_some(), "{}", measure.title);
                followed_up += 1;
            }
        }
        assert_eq!(followed_up, 2);

        // This year's organisation-wide analysis: a draft with a very high risk that
        // has no decided treatment, which the management view lists.
        let overall = titled(risk::OVERALL_ANALYSIS);
        assert!(overall.is_draft());
        assert_eq!(overall.scope(), Some(Scope::Organisation));
        assert_eq!(overall.risk_count, 5);
        let untreated =
            store::serious_untreated(&db, organisation_id, None, &Reach::Everywhere, 50)
                .await
                .expect("serious untreated");
        assert_eq!(untreated.total, 1);
        assert_eq!(untreated.items[0].analysis_id, overall.id);
        assert!(untreated.items[0]
            .risk_level()
            .is_some_and(RiskLevel::is_serious));

        // One analysis was approved more than a year ago and is overdue for renewal.
        let overdue = AnalysisFilter {
            overdue_on: Some(today),
            ..AnalysisFilter::default()
        };
        let overdue = store::list_analyses(&db, organisation_id, &overdue, 50, 0)
            .await
            .expect("overdue");
        let names: Vec<&str> = overdue.items.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(names, [risk::SOCIAL_CARE_ANALYSIS]);

        let heat_map = store::heat_map(&db, organisation_id, None, &Reach::Everywhere)
            .await
            .expect("heat map");
        let total: i64 = heat_map.current.iter().map(|c| c.count).sum();
        assert_eq!(
            total,
            analyses.items.iter().map(|a| a.risk_count).sum::<i64>()
        );
    }

    async fn all_systems(db: &Db, organisation_id: i64) -> Page<InformationSystem> {
        let page = PageRequest {
            page: 1,
            per_page: 500,
        };
        tillit_store::registers::list_systems(db, organisation_id, &SystemFilter::default(), page)
            .await
            .expect("systems")
    }

    async fn all_assets(db: &Db, organisation_id: i64) -> Page<InformationAsset> {
        let page = PageRequest {
            page: 1,
            per_page: 500,
        };
        tillit_store::registers::list_assets(db, organisation_id, &AssetFilter::default(), page)
            .await
            .expect("assets")
    }

    #[tokio::test]
    async fn demo_register_entries_depend_on_each_other_and_hold_assets() {
        let (_dir, db) = temp_db().await;
        let organisation_id = load_demo(&db, FAKE_HASH).await.expect("load demo");

        let systems = all_systems(&db, organisation_id).await;
        assert_eq!(systems.total, registers::DEMO_SYSTEM_COUNT as i64);
        let designations: HashSet<&str> = systems
            .items
            .iter()
            .map(|s| s.designation.as_str())
            .collect();
        assert_eq!(
            designations.len(),
            systems.items.len(),
            "designations are unique"
        );
        let by_name: HashMap<&str, &InformationSystem> =
            systems.items.iter().map(|s| (s.name.as_str(), s)).collect();
        let networks: Vec<&str> = systems
            .items
            .iter()
            .filter(|s| s.kind == "network")
            .map(|s| s.designation.as_str())
            .collect();
        assert_eq!(networks, ["NW-0002", "NW-0004", "NW-0003", "NW-0001"]);
        let journal = by_name[registers::JOURNAL_NAME];
        assert_eq!(journal.designation, "IS-0001");
        assert_eq!(journal.criticality, "critical");
        assert!(journal.in_cyber_security_act_scope);
        assert_eq!(journal.object_owner_name.as_deref(), Some("Per Sandberg"));
        assert_eq!(
            journal.system_administrator_name.as_deref(),
            Some("Malin Axelsson")
        );
        let owners = tillit_store::registers::system_owners(&db, organisation_id, journal.id)
            .await
            .expect("owners");
        assert_eq!(owners.len(), 1);
        assert_eq!(owners[0].display_name, "Per Sandberg");
        let depends_on: Vec<String> =
            tillit_store::registers::dependencies(&db, organisation_id, journal.id)
                .await
                .expect("dependencies")
                .into_iter()
                .map(|s| s.name)
                .collect();
        assert_eq!(
            depends_on,
            ["Identitets- och behörighetstjänst", "Vårdnätet"]
        );
        let guests = by_name["Gästnät"];
        assert!(!guests.in_cyber_security_act_scope);
        assert!(
            tillit_store::registers::dependents(&db, organisation_id, guests.id)
                .await
                .expect("dependents")
                .is_empty(),
            "nothing runs on the guest network"
        );

        let assets = all_assets(&db, organisation_id).await;
        assert_eq!(assets.total, registers::DEMO_ASSET_COUNT as i64);
        assert!((15..=30).contains(&assets.items.len()));
        let record = assets
            .items
            .iter()
            .find(|a| a.name == "Patientjournal")
            .expect("the patient record");
        assert_eq!(record.owner_name, "Per Sandberg");
        assert_eq!(
            record.unit_name.as_deref(),
            Some("Hälso- och sjukvårdsförvaltningen")
        );
        assert!(record.business_critical);
        assert!(record
            .personal_data_categories
            .contains(&"health".to_owned()));
        assert!(record
            .personal_data_categories
            .contains(&"protected_identity".to_owned()));
        let held_by: Vec<String> =
            tillit_store::registers::asset_systems(&db, organisation_id, record.id)
                .await
                .expect("systems of the record")
                .into_iter()
                .map(|s| s.name)
                .collect();
        assert!(
            held_by.contains(&registers::JOURNAL_NAME.to_owned()),
            "{held_by:?}"
        );
        assert!(assets.items.iter().any(|a| a.form == "spoken"));
        assert!(assets.items.iter().any(|a| a.form == "paper"));
        let journal_assets =
            tillit_store::registers::system_assets(&db, organisation_id, journal.id)
                .await
                .expect("assets of the journal");
        assert!(journal_assets.len() >= 8, "{journal_assets:?}");
    }

    #[tokio::test]
    async fn demo_register_was_confirmed_last_year_and_one_entry_added_since() {
        let (_dir, db) = temp_db().await;
        let organisation_id = load_demo(&db, FAKE_HASH).await.expect("load demo");
        let confirmation = tillit_store::registers::latest_confirmation(&db, organisation_id)
            .await
            .expect("query")
            .expect("a confirmation");
        let coordinator = users::find_user_by_email(&db, "samordnare@region.example")
            .await
            .expect("query")
            .expect("coordinator");
        assert_eq!(confirmation.confirmed_by, Some(coordinator.id));
        assert_eq!(confirmation.confirmed_by_label, "Maria Ekström");
        let age = tillit_store::now() - confirmation.confirmed_at;
        assert!((329..=331).contains(&age.num_days()), "{age}");
        assert_eq!(
            confirmation.system_count,
            registers::DEMO_SYSTEM_COUNT as i64 - 1
        );
        let summary: serde_json::Value =
            serde_json::from_str(&confirmation.changes_summary).expect("summary");
        assert_eq!(
            summary["created"].as_array().map(Vec::len),
            Some(registers::DEMO_SYSTEM_COUNT - 1)
        );

        let today = tillit_store::now().date_naive();
        assert!(
            !tillit_store::registers::register_overdue(&db, organisation_id, today)
                .await
                .expect("overdue")
        );
        assert!(tillit_store::registers::register_overdue(
            &db,
            organisation_id,
            today + chrono::Days::new(40)
        )
        .await
        .expect("overdue"));

        let changes = tillit_store::registers::register_changes(&db, organisation_id)
            .await
            .expect("changes");
        let systems = all_systems(&db, organisation_id).await;
        let teams = systems
            .items
            .iter()
            .find(|s| s.name == registers::TEAMS_NAME)
            .expect("Teams");
        assert_eq!(changes.created, std::slice::from_ref(&teams.designation));
        assert!(changes.changed.is_empty());
        let history = tillit_store::registers::system_history(&db, organisation_id, teams.id)
            .await
            .expect("history");
        assert_eq!(history.len(), 1);
        assert_eq!((tillit_store::now() - history[0].changed_at).num_days(), 45);
    }

    #[tokio::test]
    async fn large_dataset_is_large_and_assigned() {
        let (_dir, db) = temp_db().await;
        let summary = load_large(&db, FAKE_HASH).await.expect("load large");

        let units = org::all_units(&db, summary.organisation_id)
            .await
            .expect("units");
        assert!(units.len() >= 300, "{} units", units.len());
        assert_eq!(summary.units, units.len());
        let users = user_count(&db, summary.organisation_id).await;
        assert!(users >= 5_000, "{users} users");
        assert_eq!(summary.users as i64, users);

        let first = users::find_user_by_email(&db, "user1@large.region.example")
            .await
            .expect("query")
            .expect("user1");
        let roles = users::assignments(&db, first.id)
            .await
            .expect("assignments");
        assert!(matches!(
            roles.as_slice(),
            [Assignment {
                role: Role::Employee,
                unit_id: Some(_)
            }]
        ));
        let fiftieth = users::find_user_by_email(&db, "user50@large.region.example")
            .await
            .expect("query")
            .expect("user50");
        assert_eq!(
            users::assignments(&db, fiftieth.id)
                .await
                .expect("assignments")
                .len(),
            2
        );

        // The large units sit three levels deep: administration, operation, unit.
        let deepest = units
            .iter()
            .filter(|u| u.name == "Team Norr")
            .map(|u| u.id)
            .next()
            .expect("a large unit");
        assert_eq!(
            org::unit_path(&db, summary.organisation_id, deepest)
                .await
                .expect("path")
                .len(),
            3
        );
        assert!(
            users::find_user_by_email(&db, DEMO_ACCOUNTS[0].person.email)
                .await
                .expect("query")
                .is_some()
        );

        let systems = all_systems(&db, summary.organisation_id).await;
        assert!(systems.total >= 2_000, "{} systems", systems.total);
        assert_eq!(summary.systems as i64, systems.total);
        let assets = all_assets(&db, summary.organisation_id).await;
        assert!(assets.total >= 10_000, "{} assets", assets.total);
        assert_eq!(summary.assets as i64, assets.total);

        // Every entry of an operation runs on its local network; every asset of a unit
        // is owned by someone working there and held by an entry of its operation.
        let search = |text: &str| SystemFilter {
            query: Some(text.to_owned()),
            ..Default::default()
        };
        let find = |text: &'static str| {
            let db = db.clone();
            let filter = search(text);
            async move {
                let page = tillit_store::registers::list_systems(
                    &db,
                    summary.organisation_id,
                    &filter,
                    PageRequest::default(),
                )
                .await
                .expect("search");
                assert_eq!(page.total, 1, "{text}");
                page.items.into_iter().next().expect("one entry")
            }
        };
        let journal = find("Journalsystem Vårdcentralen Almby").await;
        let network = find("Lokalt nät Vårdcentralen Almby").await;
        let depends_on =
            tillit_store::registers::dependencies(&db, summary.organisation_id, journal.id)
                .await
                .expect("dependencies");
        assert!(
            depends_on.iter().any(|s| s.id == network.id),
            "{depends_on:?}"
        );
        let held = tillit_store::registers::system_assets(&db, summary.organisation_id, journal.id)
            .await
            .expect("assets");
        assert_eq!(
            held.len(),
            4 * 9,
            "9 templates at each of 4 units: {held:?}"
        );
        let record = held
            .iter()
            .find(|a| a.name == "Journalanteckningar – Vårdcentralen Almby, Team Norr")
            .expect("a journal asset");
        let record = tillit_store::registers::get_asset(&db, summary.organisation_id, record.id)
            .await
            .expect("asset");
        let owner_units: Vec<Option<i64>> = users::assignments(&db, record.owner_id)
            .await
            .expect("assignments")
            .iter()
            .map(|a| a.unit_id)
            .collect();
        assert!(owner_units.contains(&record.unit_id), "{owner_units:?}");

        // Risk work at the size of a large region, at every stage.
        use tillit_domain::risk::MeasureStatus;
        use tillit_store::risk::{self as store, AnalysisFilter, MeasureFilter, RiskFilter};
        let organisation_id = summary.organisation_id;
        let today = tillit_store::now().date_naive();
        let analyses = |filter: AnalysisFilter| {
            let db = db.clone();
            async move {
                store::list_analyses(&db, organisation_id, &filter, 1, 0)
                    .await
                    .expect("analyses")
                    .total
            }
        };
        let total = analyses(AnalysisFilter::default()).await;
        assert!(total >= 1_000, "{total} analyses");
        assert_eq!(summary.risk_analyses as i64, total);
        let overdue = analyses(AnalysisFilter {
            overdue_on: Some(today),
            ..AnalysisFilter::default()
        })
        .await;
        assert!(overdue > 10 && overdue < total / 2, "{overdue} overdue");
        let risks = store::list_risks(&db, organisation_id, &RiskFilter::default(), false, 1, 0)
            .await
            .expect("risks");
        assert!(risks.total >= 20_000, "{} risks", risks.total);
        assert_eq!(summary.risks as i64, risks.total);
        let untreated = store::serious_untreated(&db, organisation_id, None, &Reach::Everywhere, 1)
            .await
            .expect("untreated");
        assert!(untreated.total > 100, "{}", untreated.total);
        for status in MeasureStatus::ALL {
            let filter = MeasureFilter {
                status: Some(status),
                ..MeasureFilter::on(today)
            };
            let measures = store::list_measures(&db, organisation_id, &filter, 1, 0)
                .await
                .expect("measures");
            assert!(measures.total > 3_000, "{status:?}: {}", measures.total);
        }
        let measures = store::list_measures(&db, organisation_id, &MeasureFilter::on(today), 1, 0)
            .await
            .expect("measures");
        assert!(measures.total >= 30_000, "{} measures", measures.total);
        assert_eq!(summary.measures as i64, measures.total);
        let heat_map = store::heat_map(&db, organisation_id, None, &Reach::Everywhere)
            .await
            .expect("heat map");
        let residual_cells = heat_map.residual.len();
        assert!(
            heat_map.current.len() == 16 && residual_cells > 8,
            "{heat_map:?}"
        );
    }

    #[tokio::test]
    async fn demo_has_last_years_report_approved_and_this_years_as_a_draft() {
        use chrono::Datelike;
        let (_dir, db) = temp_db().await;
        let organisation_id = load_demo(&db, FAKE_HASH).await.expect("load demo");
        let reports = tillit_store::reports::list_reports(&db, organisation_id)
            .await
            .expect("reports");
        let year = i64::from(chrono::Utc::now().year());
        let statuses: Vec<(i64, &str)> = reports
            .iter()
            .map(|r| (r.year, r.status.as_str()))
            .collect();
        assert_eq!(statuses, vec![(year, "draft"), (year - 1, "approved")]);
        let approved = &reports[1];
        assert_eq!(
            approved.approved_by_label.as_deref(),
            Some("samordnare@region.example")
        );
        let version = tillit_store::reports::report_version(&db, organisation_id, approved.id, 1)
            .await
            .expect("version");
        let sections = version.snapshot["sections"].as_array().expect("sections");
        assert_eq!(sections.len(), 12);
        assert!(sections
            .iter()
            .all(|s| !s["text"].as_str().unwrap_or_default().is_empty()));
    }
}
