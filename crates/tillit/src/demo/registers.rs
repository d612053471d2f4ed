//! The demo organisation's registers (C06, C07): networks and information systems with
//! their dependencies, information assets and the systems that hold them, and last
//! year's confirmation of the register.
//!
//! The demo entries are dated as registered about a year ago and confirmed some months
//! later, with one entry added since, so the register page and the start page show a
//! register in ordinary use rather than one created a minute ago.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use tillit_domain::registers::{
    AssetDraft, AssetForm, AssetInput, Criticality, Hosting, PersonalDataCategory, SystemDraft,
    SystemInput, SystemKind,
};
use tillit_store::registers;
use tillit_store::Actor;

use super::{lookup, Ids, Writer};

/// When the demo entries were registered, in days before the load.
const REGISTERED_DAYS_AGO: i64 = 400;
/// When the register was last confirmed, in days before the load.
const CONFIRMED_DAYS_AGO: i64 = 330;
/// When the entries added since the confirmation were registered.
const ADDED_DAYS_AGO: i64 = 45;
/// The information security coordinator, who confirmed the register.
pub(super) const CONFIRMER: &str = "samordnare@region.example";
const CONFIRMATION_NOTE: &str =
    "Årlig fastställelse efter genomgång med objektägare och informationsägare. \
    Gästnätet är avskilt från vårdnätet; PACS har flyttats till den medicintekniska nätzonen.";

/// An entry in the register of networks and information systems.
struct SystemSpec {
    name: &'static str,
    kind: SystemKind,
    functionality: &'static str,
    essential_services: &'static str,
    in_scope: bool,
    criticality: Criticality,
    /// E-mail of the object owner (objektägare).
    object_owner: &'static str,
    /// E-mail of the system administrator (systemförvaltare).
    administrator: &'static str,
    /// E-mails of the information owners (informationsägare).
    owners: &'static [&'static str],
    supplier: &'static str,
    sub_suppliers: &'static str,
    hosting: Hosting,
    storage_country: &'static str,
    /// Names of entries this one depends on.
    depends_on: &'static [&'static str],
}

impl SystemSpec {
    fn draft(&self, people: &Ids) -> anyhow::Result<SystemDraft> {
        let owner_ids = self
            .owners
            .iter()
            .map(|email| lookup(people, email))
            .collect::<anyhow::Result<_>>()?;
        SystemInput {
            name: self.name.to_owned(),
            kind: self.kind.as_str().to_owned(),
            functionality: self.functionality.to_owned(),
            essential_services: self.essential_services.to_owned(),
            in_cyber_security_act_scope: self.in_scope,
            criticality: self.criticality.as_str().to_owned(),
            object_owner_id: Some(lookup(people, self.object_owner)?),
            system_administrator_id: Some(lookup(people, self.administrator)?),
            owner_ids,
            supplier: self.supplier.to_owned(),
            sub_suppliers: self.sub_suppliers.to_owned(),
            hosting: self.hosting.as_str().to_owned(),
            storage_country: self.storage_country.to_owned(),
            acceptable_recovery_time_hours: None,
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("demo entry {}: {e:?}", self.name))
    }
}

const IT_CHIEF: &str = "linda.nyberg@region.example";
pub(super) const IT_SECURITY: &str = "oskar.nilsson@region.example";
const LVS: &str = "malin.axelsson@region.example";
pub(super) const HEALTH_OWNER: &str = "informationsagare@region.example";
pub(super) const HR_OWNER: &str = "therese.blom@region.example";

const VARDNAT: &str = "Vårdnätet";
const ADMIN_NET: &str = "Administrativt nät";
const MEDTECH_NET: &str = "Medicinteknisk nätzon";
pub(super) const IDENTITY: &str = "Identitets- och behörighetstjänst";
const EMAIL: &str = "E-post och kalender";
const TEAMS: &str = "Samarbetsplattform (Teams)";
pub(super) const VIS: &str = "VIS Kosmos – vårdinformationssystem";
pub(super) const PACS: &str = "PACS och röntgeninformationssystem";
const LAB: &str = "Laboratoriedatasystemet";
pub(super) const MONITORING: &str = "Patientövervakning";
const DENTAL: &str = "Folktandvårdens journalsystem";
const E_SERVICES: &str = "1177 e-tjänster";
pub(super) const HR: &str = "HR- och lönesystem";
pub(super) const ACCESS_CONTROL: &str = "Passersystem";
pub(super) const SOCIAL_CARE: &str = "Verksamhetssystem för vård och omsorg";

/// The entries registered a year ago, dependencies named before their dependents.
const DEMO_SYSTEMS: [SystemSpec; 15] = [
    SystemSpec {
        name: VARDNAT,
        kind: SystemKind::Network,
        functionality: "Regionens interna nät för vårdens system och arbetsplatser på sjukhus, vårdcentraler och tandvårdskliniker.",
        essential_services: "Akutsjukvård, slutenvård, primärvård och tandvård",
        in_scope: true,
        criticality: Criticality::Critical,
        object_owner: IT_CHIEF,
        administrator: IT_SECURITY,
        owners: &[],
        supplier: "Regional IT-service (egen drift)",
        sub_suppliers: "Nordnät AB (underhåll av nätutrustning)",
        hosting: Hosting::OwnDataCentre,
        storage_country: "Sverige",
        depends_on: &[],
    },
    SystemSpec {
        name: ADMIN_NET,
        kind: SystemKind::Network,
        functionality: "Nät för administrativa system: e-post, ekonomi, HR, passersystem och katalogtjänst.",
        essential_services: "Stöd till hälso- och sjukvård (inloggning och behörigheter)",
        in_scope: true,
        criticality: Criticality::High,
        object_owner: IT_CHIEF,
        administrator: IT_SECURITY,
        owners: &[],
        supplier: "Regional IT-service (egen drift)",
        sub_suppliers: "Nordnät AB (underhåll av nätutrustning)",
        hosting: Hosting::OwnDataCentre,
        storage_country: "Sverige",
        depends_on: &[],
    },
    SystemSpec {
        name: MEDTECH_NET,
        kind: SystemKind::Network,
        functionality: "Avskild nätzon för medicinteknisk utrustning: patientövervakning, röntgenmodaliteter och analysinstrument.",
        essential_services: "Akutsjukvård, intensivvård och bild- och funktionsmedicin",
        in_scope: true,
        criticality: Criticality::Critical,
        object_owner: IT_CHIEF,
        administrator: IT_SECURITY,
        owners: &[],
        supplier: "Regional IT-service (egen drift)",
        sub_suppliers: "",
        hosting: Hosting::OwnDataCentre,
        storage_country: "Sverige",
        depends_on: &[],
    },
    SystemSpec {
        name: "Gästnät",
        kind: SystemKind::Network,
        functionality: "Trådlöst nät för patienter och besökare, helt skilt från vårdnätet.",
        essential_services: "",
        in_scope: false,
        criticality: Criticality::Low,
        object_owner: IT_CHIEF,
        administrator: IT_SECURITY,
        owners: &[],
        supplier: "Trådlöst Norden AB",
        sub_suppliers: "",
        hosting: Hosting::Supplier,
        storage_country: "Sverige",
        depends_on: &[],
    },
    SystemSpec {
        name: IDENTITY,
        kind: SystemKind::ItService,
        functionality: "Katalogtjänst, inloggning med SITHS-kort och styrning av behörigheter till regionens system.",
        essential_services: "Alla vårdsystem kräver inloggning via tjänsten",
        in_scope: true,
        criticality: Criticality::Critical,
        object_owner: IT_CHIEF,
        administrator: IT_SECURITY,
        owners: &[],
        supplier: "Regional IT-service (egen drift)",
        sub_suppliers: "Inera AB (SITHS och HSA-katalogen)",
        hosting: Hosting::OwnDataCentre,
        storage_country: "Sverige",
        depends_on: &[VARDNAT, ADMIN_NET],
    },
    SystemSpec {
        name: EMAIL,
        kind: SystemKind::ItService,
        functionality: "E-post och kalender för alla anställda. Patientuppgifter får inte skickas med vanlig e-post.",
        essential_services: "",
        in_scope: false,
        criticality: Criticality::High,
        object_owner: IT_CHIEF,
        administrator: LVS,
        owners: &["peter.sjoberg@region.example"],
        supplier: "Atea Sverige AB",
        sub_suppliers: "",
        hosting: Hosting::Supplier,
        storage_country: "Sverige",
        depends_on: &[ADMIN_NET, IDENTITY],
    },
    SystemSpec {
        name: VIS,
        kind: SystemKind::InformationSystem,
        functionality: "Patientjournal, läkemedelsordination, remisser, tidbok och vårdadministration för sjukhus och primärvård.",
        essential_services: "Akutsjukvård, slutenvård, specialistvård och primärvård",
        in_scope: true,
        criticality: Criticality::Critical,
        object_owner: HEALTH_OWNER,
        administrator: LVS,
        owners: &[HEALTH_OWNER],
        supplier: "Kosmos Health AB",
        sub_suppliers: "Nordisk Drift AB (applikationsdrift), Inera AB (Nationell patientöversikt)",
        hosting: Hosting::Supplier,
        storage_country: "Sverige",
        depends_on: &[VARDNAT, IDENTITY],
    },
    SystemSpec {
        name: PACS,
        kind: SystemKind::InformationSystem,
        functionality: "Lagring, granskning och distribution av röntgenbilder samt bokning och svar inom bild- och funktionsmedicin.",
        essential_services: "Akutsjukvård och bild- och funktionsmedicin",
        in_scope: true,
        criticality: Criticality::Critical,
        object_owner: HEALTH_OWNER,
        administrator: LVS,
        owners: &[HEALTH_OWNER],
        supplier: "Bildvision Nordic AB",
        sub_suppliers: "",
        hosting: Hosting::OwnDataCentre,
        storage_country: "Sverige",
        depends_on: &[VARDNAT, MEDTECH_NET, IDENTITY],
    },
    SystemSpec {
        name: LAB,
        kind: SystemKind::InformationSystem,
        functionality: "Beställning, analys och svar för klinisk kemi, mikrobiologi och patologi; kopplat till analysinstrumenten.",
        essential_services: "Akutsjukvård och slutenvård (provsvar)",
        in_scope: true,
        criticality: Criticality::High,
        object_owner: "karin.holm@region.example",
        administrator: LVS,
        owners: &[HEALTH_OWNER],
        supplier: "Labsystem Norden AB",
        sub_suppliers: "",
        hosting: Hosting::OwnDataCentre,
        storage_country: "Sverige",
        depends_on: &[VARDNAT, MEDTECH_NET, IDENTITY],
    },
    SystemSpec {
        name: MONITORING,
        kind: SystemKind::InformationSystem,
        functionality: "Övervakning av vitalparametrar på akutmottagning och vårdavdelningar, med larm till personalen.",
        essential_services: "Akutsjukvård",
        in_scope: true,
        criticality: Criticality::Critical,
        object_owner: "verksamhetschef@region.example",
        administrator: LVS,
        owners: &[HEALTH_OWNER],
        supplier: "Medimon AB",
        sub_suppliers: "",
        hosting: Hosting::OwnDataCentre,
        storage_country: "Sverige",
        depends_on: &[MEDTECH_NET],
    },
    SystemSpec {
        name: DENTAL,
        kind: SystemKind::InformationSystem,
        functionality: "Tandvårdsjournal, tandröntgen, behandlingsplaner och tidbok för Folktandvårdens kliniker.",
        essential_services: "Tandvård",
        in_scope: true,
        criticality: Criticality::High,
        object_owner: "jonas.ek@region.example",
        administrator: LVS,
        owners: &["jonas.ek@region.example"],
        supplier: "Dentalsystem AB",
        sub_suppliers: "Nordisk Drift AB (drift)",
        hosting: Hosting::Supplier,
        storage_country: "Sverige",
        depends_on: &[VARDNAT, IDENTITY],
    },
    SystemSpec {
        name: E_SERVICES,
        kind: SystemKind::InformationSystem,
        functionality: "Invånarnas e-tjänster: tidbokning, förnyelse av recept, säkra meddelanden och journalen via nätet.",
        essential_services: "Primärvård och invånarnas kontakt med vården",
        in_scope: true,
        criticality: Criticality::High,
        object_owner: "annika.wallin@region.example",
        administrator: LVS,
        owners: &[HEALTH_OWNER],
        supplier: "Inera AB",
        sub_suppliers: "",
        hosting: Hosting::Supplier,
        storage_country: "Sverige",
        depends_on: &[VIS, IDENTITY],
    },
    SystemSpec {
        name: HR,
        kind: SystemKind::InformationSystem,
        functionality: "Anställningar, schema, frånvaro, rehabilitering och lön för regionens medarbetare.",
        essential_services: "",
        in_scope: false,
        criticality: Criticality::High,
        object_owner: HR_OWNER,
        administrator: LVS,
        owners: &[HR_OWNER],
        supplier: "Lönepartner Sverige AB",
        sub_suppliers: "",
        hosting: Hosting::Supplier,
        storage_country: "Sverige",
        depends_on: &[ADMIN_NET, IDENTITY],
    },
    SystemSpec {
        name: ACCESS_CONTROL,
        kind: SystemKind::InformationSystem,
        functionality: "Passerkort och dörrbehörigheter för sjukhus, vårdcentraler och tandvårdskliniker; loggar varje passage.",
        essential_services: "Skydd av vårdlokaler, läkemedelsförråd och serverrum",
        in_scope: true,
        criticality: Criticality::Medium,
        object_owner: IT_SECURITY,
        administrator: LVS,
        owners: &[IT_SECURITY],
        supplier: "Passage Säkerhet AB",
        sub_suppliers: "",
        hosting: Hosting::OwnDataCentre,
        storage_country: "Sverige",
        depends_on: &[ADMIN_NET, IDENTITY],
    },
    SystemSpec {
        name: SOCIAL_CARE,
        kind: SystemKind::InformationSystem,
        functionality: "Social dokumentation enligt SoL och LSS, genomförandeplaner och hälso- och sjukvårdsdokumentation i hemsjukvården.",
        essential_services: "Hemtjänst, särskilt boende, LSS-insatser och hemsjukvård",
        in_scope: true,
        criticality: Criticality::High,
        object_owner: "ingrid.dahl@region.example",
        administrator: LVS,
        owners: &[
            "ingrid.dahl@region.example",
            "camilla.svensson@region.example",
        ],
        supplier: "Omsorgsdata AB",
        sub_suppliers: "",
        hosting: Hosting::Supplier,
        storage_country: "Sverige",
        depends_on: &[ADMIN_NET, IDENTITY],
    },
];

/// Entries added since the register was last confirmed.
const ADDED_SYSTEMS: [SystemSpec; 1] = [SystemSpec {
    name: TEAMS,
    kind: SystemKind::ItService,
    functionality: "Chatt, möten och delade dokument. Inte godkänd för patientuppgifter.",
    essential_services: "",
    in_scope: false,
    criticality: Criticality::Medium,
    object_owner: IT_CHIEF,
    administrator: LVS,
    owners: &["peter.sjoberg@region.example"],
    supplier: "Microsoft Ireland Operations Ltd",
    sub_suppliers: "Atea Sverige AB (licenser och förvaltningsstöd)",
    hosting: Hosting::Cloud,
    storage_country: "EU/EES (Irland, Nederländerna)",
    depends_on: &[ADMIN_NET, IDENTITY, EMAIL],
}];

/// An entry in the register of information assets.
struct AssetSpec {
    name: &'static str,
    description: &'static str,
    form: AssetForm,
    /// E-mail of the information owner.
    owner: &'static str,
    unit: &'static str,
    processes: &'static str,
    personal_data: bool,
    categories: &'static [PersonalDataCategory],
    business_critical: bool,
    /// Names of the entries that hold it.
    systems: &'static [&'static str],
}

impl AssetSpec {
    fn draft(&self, people: &Ids, units: &Ids) -> anyhow::Result<AssetDraft> {
        AssetInput {
            name: self.name.to_owned(),
            description: self.description.to_owned(),
            form: self.form.as_str().to_owned(),
            owner_id: Some(lookup(people, self.owner)?),
            unit_id: Some(lookup(units, self.unit)?),
            processes: self.processes.to_owned(),
            contains_personal_data: self.personal_data,
            personal_data_categories: self
                .categories
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            business_critical: self.business_critical,
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("demo asset {}: {e:?}", self.name))
    }
}

use PersonalDataCategory::{
    Children, CriminalOffences, Health, OtherSpecialCategory, ProtectedIdentity,
    SocialSecurityNumber as Ssn,
};

const DEMO_ASSETS: [AssetSpec; 25] = [
    AssetSpec {
        name: "Patientjournal",
        description: "Journalanteckningar, diagnoser, vårdplaner och epikriser i sjukhusvård och specialistvård.",
        form: AssetForm::Digital,
        owner: HEALTH_OWNER,
        unit: "Hälso- och sjukvårdsförvaltningen",
        processes: "Vårddokumentation, vårdplanering, utskrivning",
        personal_data: true,
        categories: &[Health, ProtectedIdentity, Ssn, Children],
        business_critical: true,
        systems: &[VIS, E_SERVICES],
    },
    AssetSpec {
        name: "Remisser och remissvar",
        description: "Remisser mellan vårdenheter och till bild- och laboratoriemedicin, med svar.",
        form: AssetForm::Digital,
        owner: HEALTH_OWNER,
        unit: "Hälso- och sjukvårdsförvaltningen",
        processes: "Remisshantering",
        personal_data: true,
        categories: &[Health, Ssn],
        business_critical: true,
        systems: &[VIS, PACS, LAB],
    },
    AssetSpec {
        name: "Röntgenbilder och bildsvar",
        description: "Bilder från röntgen, datortomografi och magnetkamera med granskande läkares svar.",
        form: AssetForm::Digital,
        owner: HEALTH_OWNER,
        unit: "Hälso- och sjukvårdsförvaltningen",
        processes: "Bilddiagnostik",
        personal_data: true,
        categories: &[Health, Ssn],
        business_critical: true,
        systems: &[PACS, VIS],
    },
    AssetSpec {
        name: "Labbsvar",
        description: "Provsvar från klinisk kemi, mikrobiologi och patologi.",
        form: AssetForm::Digital,
        owner: "karin.holm@region.example",
        unit: "Medicinkliniken",
        processes: "Provtagning och analys",
        personal_data: true,
        categories: &[Health, Ssn],
        business_critical: true,
        systems: &[LAB, VIS, E_SERVICES],
    },
    AssetSpec {
        name: "Läkemedelsordinationer",
        description: "Ordinationer, administreringar och läkemedelslistor.",
        form: AssetForm::Digital,
        owner: HEALTH_OWNER,
        unit: "Hälso- och sjukvårdsförvaltningen",
        processes: "Läkemedelshantering",
        personal_data: true,
        categories: &[Health, Ssn],
        business_critical: true,
        systems: &[VIS],
    },
    AssetSpec {
        name: "Vitalparametrar och larmhistorik",
        description: "Puls, blodtryck, syremättnad och larm från övervakningsutrustningen.",
        form: AssetForm::Digital,
        owner: "verksamhetschef@region.example",
        unit: "Akutkliniken",
        processes: "Övervakning av patienter",
        personal_data: true,
        categories: &[Health],
        business_critical: true,
        systems: &[MONITORING],
    },
    AssetSpec {
        name: "Muntlig rapport vid skiftbyte",
        description: "Överrapportering mellan arbetslag om patienternas tillstånd.",
        form: AssetForm::Spoken,
        owner: "verksamhetschef@region.example",
        unit: "Akutmottagningen",
        processes: "Överrapportering",
        personal_data: true,
        categories: &[Health],
        business_critical: false,
        systems: &[],
    },
    AssetSpec {
        name: "Pappersjournaler i närarkiv",
        description: "Journaler från tiden före det digitala journalsystemet, i låsta arkivrum.",
        form: AssetForm::Paper,
        owner: HEALTH_OWNER,
        unit: "Hälso- och sjukvårdsförvaltningen",
        processes: "Arkivering, utlämnande av journalkopior",
        personal_data: true,
        categories: &[Health, ProtectedIdentity, Ssn],
        business_critical: false,
        systems: &[],
    },
    AssetSpec {
        name: "Psykiatrisk journal och tvångsvårdsbeslut",
        description: "Journal i psykiatrisk vård med beslut enligt LPT och LRV.",
        form: AssetForm::Digital,
        owner: "mikael.strom@region.example",
        unit: "Psykiatriska kliniken",
        processes: "Vårddokumentation, tvångsvård",
        personal_data: true,
        categories: &[Health, ProtectedIdentity, Ssn, CriminalOffences],
        business_critical: true,
        systems: &[VIS],
    },
    AssetSpec {
        name: "Barnhälsovårdsjournal",
        description: "Hälsobesök, vaccinationer och tillväxt för barn 0–6 år.",
        form: AssetForm::Digital,
        owner: "annika.wallin@region.example",
        unit: "Barnavårdscentralen Norrby",
        processes: "Barnhälsovård",
        personal_data: true,
        categories: &[Health, ProtectedIdentity, Ssn, Children],
        business_critical: true,
        systems: &[VIS],
    },
    AssetSpec {
        name: "Mödrahälsovård och förlossningsjournal",
        description: "Graviditetsuppföljning, förlossningsförlopp och eftervård.",
        form: AssetForm::Digital,
        owner: "helena.bergqvist@region.example",
        unit: "Kvinnokliniken",
        processes: "Mödrahälsovård, förlossning",
        personal_data: true,
        categories: &[Health, ProtectedIdentity, Ssn],
        business_critical: true,
        systems: &[VIS],
    },
    AssetSpec {
        name: "Tidbokningar och e-tjänstärenden",
        description: "Bokade besök, avbokningar och invånarnas ärenden via e-tjänsterna.",
        form: AssetForm::Digital,
        owner: "annika.wallin@region.example",
        unit: "Vårdcentralen Norrby",
        processes: "Tidbokning, invånarkontakt",
        personal_data: true,
        categories: &[Health, Ssn],
        business_critical: false,
        systems: &[E_SERVICES, VIS],
    },
    AssetSpec {
        name: "Tandvårdsjournal",
        description: "Undersökningar, behandlingar och behandlingsplaner i Folktandvården.",
        form: AssetForm::Digital,
        owner: "jonas.ek@region.example",
        unit: "Folktandvården Sörmark",
        processes: "Tandvårdsdokumentation",
        personal_data: true,
        categories: &[Health, ProtectedIdentity, Ssn, Children],
        business_critical: true,
        systems: &[DENTAL],
    },
    AssetSpec {
        name: "Tandröntgenbilder",
        description: "Intraorala bilder och panoramaröntgen.",
        form: AssetForm::Digital,
        owner: "jonas.ek@region.example",
        unit: "Folktandvården Sörmark",
        processes: "Tandvårdsdokumentation",
        personal_data: true,
        categories: &[Health, Ssn],
        business_critical: false,
        systems: &[DENTAL],
    },
    AssetSpec {
        name: "Personalakter",
        description: "Anställningsavtal, omplaceringar, rehabiliteringsärenden och läkarintyg.",
        form: AssetForm::Digital,
        owner: HR_OWNER,
        unit: "Regionkansliet",
        processes: "Anställning, rehabilitering",
        personal_data: true,
        categories: &[Health, ProtectedIdentity, Ssn],
        business_critical: false,
        systems: &[HR],
    },
    AssetSpec {
        name: "Löne- och frånvarouppgifter",
        description: "Löner, skatteavdrag, sjukfrånvaro och föräldraledighet.",
        form: AssetForm::Digital,
        owner: HR_OWNER,
        unit: "Regionkansliet",
        processes: "Lön, schemaläggning",
        personal_data: true,
        categories: &[Health, Ssn],
        business_critical: true,
        systems: &[HR],
    },
    AssetSpec {
        name: "Passerloggar",
        description: "Vilket kort som passerat vilken dörr och när.",
        form: AssetForm::Digital,
        owner: IT_SECURITY,
        unit: "Regional IT-service",
        processes: "Fysiskt skydd, utredning av incidenter",
        personal_data: true,
        categories: &[],
        business_critical: false,
        systems: &[ACCESS_CONTROL],
    },
    AssetSpec {
        name: "Passerkort och dörrbehörigheter",
        description: "Utfärdade kort, deras innehavare och behörigheter till lokaler.",
        form: AssetForm::Digital,
        owner: IT_SECURITY,
        unit: "Regional IT-service",
        processes: "Behörighetsadministration",
        personal_data: true,
        categories: &[ProtectedIdentity, Ssn],
        business_critical: false,
        systems: &[ACCESS_CONTROL, IDENTITY],
    },
    AssetSpec {
        name: "Användarkonton och behörigheter",
        description: "Konton, SITHS-kopplingar, roller och behörigheter till regionens system.",
        form: AssetForm::Digital,
        owner: IT_CHIEF,
        unit: "IT-drift",
        processes: "Behörighetsadministration, loggkontroll",
        personal_data: true,
        categories: &[Ssn],
        business_critical: true,
        systems: &[IDENTITY],
    },
    AssetSpec {
        name: "Nätdokumentation och brandväggsregler",
        description: "Nätkartor, adressplaner, segmentering och brandväggsregler.",
        form: AssetForm::Digital,
        owner: IT_CHIEF,
        unit: "IT-drift",
        processes: "Drift och förändringshantering",
        personal_data: false,
        categories: &[],
        business_critical: true,
        systems: &[VARDNAT, ADMIN_NET, MEDTECH_NET],
    },
    AssetSpec {
        name: "Social dokumentation",
        description: "Utredningar, beslut och journalanteckningar enligt socialtjänstlagen.",
        form: AssetForm::Digital,
        owner: "ingrid.dahl@region.example",
        unit: "Hemtjänst Norr",
        processes: "Biståndshandläggning, genomförande av insatser",
        personal_data: true,
        categories: &[Health, ProtectedIdentity, Ssn, OtherSpecialCategory],
        business_critical: true,
        systems: &[SOCIAL_CARE],
    },
    AssetSpec {
        name: "Genomförandeplaner i särskilt boende",
        description: "Hur beslutade insatser genomförs för varje boende.",
        form: AssetForm::Digital,
        owner: "erik.lindgren@region.example",
        unit: "Särskilt boende Solgläntan",
        processes: "Genomförande av insatser",
        personal_data: true,
        categories: &[Health, Ssn],
        business_critical: true,
        systems: &[SOCIAL_CARE],
    },
    AssetSpec {
        name: "LSS-dokumentation",
        description: "Beslut, genomförandeplaner och anteckningar för insatser enligt LSS.",
        form: AssetForm::Digital,
        owner: "camilla.svensson@region.example",
        unit: "LSS-verksamheten",
        processes: "Insatser enligt LSS",
        personal_data: true,
        categories: &[Health, ProtectedIdentity, Ssn, Children],
        business_critical: true,
        systems: &[SOCIAL_CARE],
    },
    AssetSpec {
        name: "Diarieförd korrespondens",
        description: "Inkommande och utgående skrivelser som ska diarieföras.",
        form: AssetForm::Digital,
        owner: "peter.sjoberg@region.example",
        unit: "Juridik och informationssäkerhet",
        processes: "Registrering av allmänna handlingar",
        personal_data: true,
        categories: &[],
        business_critical: false,
        systems: &[EMAIL],
    },
    AssetSpec {
        name: "Mötesanteckningar och arbetsdokument",
        description: "Anteckningar och dokument som delas i arbetsgrupper.",
        form: AssetForm::Digital,
        owner: "peter.sjoberg@region.example",
        unit: "Regionkansliet",
        processes: "Samverkan och planering",
        personal_data: true,
        categories: &[],
        business_critical: false,
        systems: &[TEAMS],
    },
];

/// Which asset each system holds, as (asset, system) names.
pub(super) fn holdings() -> Vec<(&'static str, &'static str)> {
    DEMO_ASSETS
        .iter()
        .flat_map(|spec| spec.systems.iter().map(move |system| (spec.name, *system)))
        .collect()
}

/// What the demo's register holds.
pub(super) struct DemoRegister {
    /// Entry ids by name.
    pub(super) systems: Ids,
    /// Information asset ids by name.
    pub(super) assets: Ids,
}

impl Writer<'_> {
    /// Creates the demo entries, assets, their dependencies and links, and last year's
    /// confirmation, dated relative to `now`.
    pub(super) async fn create_registers(
        &mut self,
        people: &Ids,
        units: &Ids,
        now: DateTime<Utc>,
    ) -> anyhow::Result<DemoRegister> {
        let mut systems = Ids::new();
        for (specs, days_ago) in [
            (&DEMO_SYSTEMS[..], REGISTERED_DAYS_AGO),
            (&ADDED_SYSTEMS[..], ADDED_DAYS_AGO),
        ] {
            let drafts = specs
                .iter()
                .map(|spec| spec.draft(people))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let created = registers::insert_systems(
                self.tx,
                self.organisation_id,
                &self.actor,
                now - Duration::days(days_ago),
                &drafts,
            )
            .await
            .context("creating the demo register entries")?;
            for (spec, system) in specs.iter().zip(created) {
                systems.insert(spec.name, system.id);
            }
        }

        let mut dependencies = Vec::new();
        for spec in DEMO_SYSTEMS.iter().chain(&ADDED_SYSTEMS) {
            for target in spec.depends_on {
                dependencies.push((lookup(&systems, spec.name)?, lookup(&systems, target)?));
            }
        }
        registers::add_dependencies(self.tx, self.organisation_id, &self.actor, &dependencies)
            .await
            .context("recording the demo dependencies")?;

        let drafts = DEMO_ASSETS
            .iter()
            .map(|spec| spec.draft(people, units))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let assets = registers::insert_assets(
            self.tx,
            self.organisation_id,
            &self.actor,
            now - Duration::days(REGISTERED_DAYS_AGO),
            &drafts,
        )
        .await
        .context("creating the demo information assets")?;
        let mut links = Vec::new();
        for (spec, asset) in DEMO_ASSETS.iter().zip(&assets) {
            for system in spec.systems {
                links.push((asset.id, lookup(&systems, system)?));
            }
        }
        registers::link_assets(self.tx, self.organisation_id, &self.actor, &links)
            .await
            .context("linking the demo assets to their systems")?;

        let confirmer = Actor::user(lookup(people, CONFIRMER)?, "Maria Ekström");
        registers::record_confirmation(
            self.tx,
            self.organisation_id,
            &self.actor,
            &confirmer,
            now - Duration::days(CONFIRMED_DAYS_AGO),
            CONFIRMATION_NOTE,
        )
        .await
        .context("recording last year's register confirmation")?;
        Ok(DemoRegister {
            systems,
            assets: DEMO_ASSETS
                .iter()
                .zip(&assets)
                .map(|(spec, asset)| (spec.name, asset.id))
                .collect(),
        })
    }
}

/// The audit events the demo register writes: one per entry, dependency, asset and
/// link, and one for the confirmation.
#[cfg(test)]
pub(super) fn demo_register_events() -> usize {
    let systems = DEMO_SYSTEMS.iter().chain(&ADDED_SYSTEMS);
    let dependencies: usize = systems.clone().map(|s| s.depends_on.len()).sum();
    let links: usize = DEMO_ASSETS.iter().map(|a| a.systems.len()).sum();
    systems.count() + dependencies + DEMO_ASSETS.len() + links + 1
}

#[cfg(test)]
pub(super) const DEMO_SYSTEM_COUNT: usize = DEMO_SYSTEMS.len() + ADDED_SYSTEMS.len();
#[cfg(test)]
pub(super) const DEMO_ASSET_COUNT: usize = DEMO_ASSETS.len();
#[cfg(test)]
pub(super) const TEAMS_NAME: &str = TEAMS;
#[cfg(test)]
pub(super) const JOURNAL_NAME: &str = VIS;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn demo_register_names_are_unique_and_dependencies_point_backwards() {
        let mut seen = HashSet::new();
        for spec in DEMO_SYSTEMS.iter().chain(&ADDED_SYSTEMS) {
            for target in spec.depends_on {
                assert!(seen.contains(target), "{} before {target}", spec.name);
            }
            assert!(seen.insert(spec.name), "{} twice", spec.name);
        }
        for asset in &DEMO_ASSETS {
            for system in asset.systems {
                assert!(
                    seen.contains(system),
                    "{} holds unknown {system}",
                    asset.name
                );
            }
        }
        assert!((15..=30).contains(&DEMO_ASSETS.len()));
    }
}
