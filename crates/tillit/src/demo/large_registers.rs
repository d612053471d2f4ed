//! The register part of the large dataset: entries in every operation of the large
//! tree and information assets at every unit, owned by people working there, with
//! dependencies on the operation's local network and the demo's shared services.

use anyhow::Context;
use chrono::{DateTime, Utc};
use tillit_domain::registers::{
    AssetDraft, AssetForm, AssetInput, Criticality, Hosting, PersonalDataCategory, SystemDraft,
    SystemInput, SystemKind,
};
use tillit_store::registers;

use super::registers::{IDENTITY, VIS};
use super::{lookup, Ids, LargeOperation, LargeTree, Writer};

use PersonalDataCategory::{
    Children, Health, OtherSpecialCategory, ProtectedIdentity, SocialSecurityNumber as Ssn,
};

impl Writer<'_> {
    /// Creates the large dataset's entries: [`LARGE_SYSTEM_TEMPLATES`] in every
    /// operation of `tree`, owned by people working there and depending on the
    /// operation's local network and on the demo's shared services. Returns their ids,
    /// operation by operation in template order.
    pub(super) async fn create_large_systems(
        &mut self,
        tree: &LargeTree,
        users: &[i64],
        demo: &Ids,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<i64>> {
        let mut drafts = Vec::new();
        for (o, operation) in tree.operations.iter().enumerate() {
            for (t, template) in LARGE_SYSTEM_TEMPLATES.iter().enumerate() {
                drafts.push(large_system(tree, users, o, operation, t, template)?);
            }
        }
        let created =
            registers::insert_systems(self.tx, self.organisation_id, &self.actor, now, &drafts)
                .await
                .context("creating the large dataset's entries")?;
        let ids: Vec<i64> = created.iter().map(|s| s.id).collect();
        let identity = lookup(demo, IDENTITY)?;
        let journal = lookup(demo, VIS)?;
        let mut dependencies = Vec::new();
        for systems in ids.chunks(LARGE_SYSTEM_TEMPLATES.len()) {
            let Some((network, others)) = systems.split_first() else {
                continue;
            };
            for (t, (id, template)) in others.iter().zip(&LARGE_SYSTEM_TEMPLATES[1..]).enumerate() {
                if template.1 != SystemKind::Network {
                    dependencies.push((*id, *network));
                }
                if t % 3 == 0 {
                    dependencies.push((*id, identity));
                }
                if t % 5 == 0 {
                    dependencies.push((*id, journal));
                }
            }
        }
        registers::add_dependencies(self.tx, self.organisation_id, &self.actor, &dependencies)
            .await
            .context("recording the large dataset's dependencies")?;
        Ok(ids)
    }

    /// Creates the large dataset's assets: [`LARGE_ASSET_TEMPLATES`] at every unit of
    /// `tree`, owned by someone working there and held by entries of its operation
    /// (`systems` as returned by [`Writer::create_large_systems`]). Returns how many.
    pub(super) async fn create_large_assets(
        &mut self,
        tree: &LargeTree,
        users: &[i64],
        systems: &[i64],
        now: DateTime<Utc>,
    ) -> anyhow::Result<usize> {
        let per_operation: Vec<&[i64]> = systems.chunks(LARGE_SYSTEM_TEMPLATES.len()).collect();
        let mut drafts = Vec::new();
        let mut holders = Vec::new();
        for (p, place) in tree.placements.iter().enumerate() {
            let operation = tree
                .operations
                .get(place.operation)
                .zip(per_operation.get(place.operation))
                .context("a large unit without its operation")?;
            for (t, template) in LARGE_ASSET_TEMPLATES.iter().enumerate() {
                drafts.push(large_asset(tree, users, p, operation.0, t, template)?);
                let held = template
                    .systems
                    .iter()
                    .map(|s| operation.1.get(*s).copied())
                    .collect::<Option<Vec<i64>>>()
                    .context("a large asset held by an unknown entry")?;
                holders.push(held);
            }
        }
        let created =
            registers::insert_assets(self.tx, self.organisation_id, &self.actor, now, &drafts)
                .await
                .context("creating the large dataset's assets")?;
        let links: Vec<(i64, i64)> = created
            .iter()
            .zip(holders)
            .flat_map(|(asset, held)| held.into_iter().map(move |system| (asset.id, system)))
            .collect();
        registers::link_assets(self.tx, self.organisation_id, &self.actor, &links)
            .await
            .context("linking the large dataset's assets")?;
        Ok(created.len())
    }
}

/// Entries every large-dataset operation has, followed by the operation's name. The
/// first is the operation's local network, which the others depend on.
const LARGE_SYSTEM_TEMPLATES: [(&str, SystemKind, Criticality, Hosting); 34] = [
    (
        "Lokalt nät",
        SystemKind::Network,
        Criticality::High,
        Hosting::OwnDataCentre,
    ),
    (
        "Trådlöst nät",
        SystemKind::Network,
        Criticality::Medium,
        Hosting::OwnDataCentre,
    ),
    (
        "Journalsystem",
        SystemKind::InformationSystem,
        Criticality::Critical,
        Hosting::Supplier,
    ),
    (
        "Journalintegration",
        SystemKind::ItService,
        Criticality::High,
        Hosting::OwnDataCentre,
    ),
    (
        "Tidbok",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::Supplier,
    ),
    (
        "Kösystem",
        SystemKind::InformationSystem,
        Criticality::Low,
        Hosting::Supplier,
    ),
    (
        "Läkemedelsskåp",
        SystemKind::InformationSystem,
        Criticality::High,
        Hosting::OwnDataCentre,
    ),
    (
        "Patientövervakning",
        SystemKind::InformationSystem,
        Criticality::Critical,
        Hosting::OwnDataCentre,
    ),
    (
        "Larmsystem",
        SystemKind::InformationSystem,
        Criticality::Critical,
        Hosting::OwnDataCentre,
    ),
    (
        "Trygghetslarm",
        SystemKind::ItService,
        Criticality::Critical,
        Hosting::Supplier,
    ),
    (
        "Bildarkiv",
        SystemKind::InformationSystem,
        Criticality::High,
        Hosting::OwnDataCentre,
    ),
    (
        "Analysinstrument",
        SystemKind::InformationSystem,
        Criticality::High,
        Hosting::OwnDataCentre,
    ),
    (
        "Digital vårdmottagning",
        SystemKind::ItService,
        Criticality::Medium,
        Hosting::Cloud,
    ),
    (
        "Videomöten",
        SystemKind::ItService,
        Criticality::Low,
        Hosting::Cloud,
    ),
    (
        "Schemaläggning",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::Cloud,
    ),
    (
        "Tidrapportering",
        SystemKind::InformationSystem,
        Criticality::Low,
        Hosting::Cloud,
    ),
    (
        "Ärendehantering",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::Supplier,
    ),
    (
        "Avvikelsehantering",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::Supplier,
    ),
    (
        "Dokumenthantering",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::OwnDataCentre,
    ),
    (
        "Utskriftstjänst",
        SystemKind::ItService,
        Criticality::Low,
        Hosting::OwnDataCentre,
    ),
    (
        "Fjärrdiktering",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::Supplier,
    ),
    (
        "Taligenkänning",
        SystemKind::ItService,
        Criticality::Low,
        Hosting::Cloud,
    ),
    (
        "Signeringstjänst",
        SystemKind::ItService,
        Criticality::High,
        Hosting::Supplier,
    ),
    (
        "Kvalitetsregisterrapportering",
        SystemKind::InformationSystem,
        Criticality::Low,
        Hosting::Supplier,
    ),
    (
        "Planeringssystem",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::Supplier,
    ),
    (
        "Nyckelhantering",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::OwnDataCentre,
    ),
    (
        "Kameraövervakning",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::OwnDataCentre,
    ),
    (
        "Fastighetsautomation",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::Supplier,
    ),
    (
        "Mobil dokumentation",
        SystemKind::InformationSystem,
        Criticality::High,
        Hosting::Cloud,
    ),
    (
        "Läkemedelsdispensering",
        SystemKind::InformationSystem,
        Criticality::High,
        Hosting::Supplier,
    ),
    (
        "Provtagningsstöd",
        SystemKind::InformationSystem,
        Criticality::Medium,
        Hosting::OwnDataCentre,
    ),
    (
        "Patientkallelser",
        SystemKind::ItService,
        Criticality::Low,
        Hosting::Supplier,
    ),
    (
        "Intranät",
        SystemKind::ItService,
        Criticality::Low,
        Hosting::Cloud,
    ),
    (
        "Lokal filserver",
        SystemKind::ItService,
        Criticality::Medium,
        Hosting::OwnDataCentre,
    ),
];

const LARGE_SUPPLIERS: [&str; 6] = [
    "Nordisk Drift AB",
    "Vårdsystem Sverige AB",
    "Kosmos Health AB",
    "Omsorgsdata AB",
    "Atea Sverige AB",
    "Regional IT-service (egen drift)",
];

/// An information asset every large-dataset unit has, the categories of personal
/// data in it, and which [`LARGE_SYSTEM_TEMPLATES`] (by index) hold it.
struct LargeAsset {
    name: &'static str,
    form: AssetForm,
    categories: &'static [PersonalDataCategory],
    business_critical: bool,
    systems: &'static [usize],
}

const fn large_asset_template(
    name: &'static str,
    form: AssetForm,
    categories: &'static [PersonalDataCategory],
    business_critical: bool,
    systems: &'static [usize],
) -> LargeAsset {
    LargeAsset {
        name,
        form,
        categories,
        business_critical,
        systems,
    }
}

const LARGE_ASSET_TEMPLATES: [LargeAsset; 42] = [
    large_asset_template(
        "Journalanteckningar",
        AssetForm::Digital,
        &[Health, Ssn],
        true,
        &[2, 28],
    ),
    large_asset_template("Vårdplaner", AssetForm::Digital, &[Health, Ssn], true, &[2]),
    large_asset_template(
        "Läkemedelslistor",
        AssetForm::Digital,
        &[Health, Ssn],
        true,
        &[2, 6],
    ),
    large_asset_template(
        "Administreringsuppgifter läkemedel",
        AssetForm::Digital,
        &[Health],
        true,
        &[6, 29],
    ),
    large_asset_template(
        "Provsvar",
        AssetForm::Digital,
        &[Health, Ssn],
        true,
        &[2, 11],
    ),
    large_asset_template(
        "Provtagningsetiketter",
        AssetForm::Paper,
        &[Ssn],
        false,
        &[30],
    ),
    large_asset_template(
        "Bilder och bildsvar",
        AssetForm::Digital,
        &[Health, Ssn],
        true,
        &[10],
    ),
    large_asset_template("Vitalparametrar", AssetForm::Digital, &[Health], true, &[7]),
    large_asset_template("Larmloggar", AssetForm::Digital, &[Health], false, &[8, 9]),
    large_asset_template("Tidbok", AssetForm::Digital, &[Ssn], false, &[4]),
    large_asset_template("Kallelser", AssetForm::Digital, &[Ssn], false, &[31]),
    large_asset_template(
        "Väntelistor",
        AssetForm::Digital,
        &[Health, Ssn],
        false,
        &[4, 5],
    ),
    large_asset_template(
        "Remisser",
        AssetForm::Digital,
        &[Health, Ssn],
        true,
        &[2, 3],
    ),
    large_asset_template("Diktat", AssetForm::Spoken, &[Health], false, &[20, 21]),
    large_asset_template(
        "Videobesök",
        AssetForm::Digital,
        &[Health],
        false,
        &[12, 13],
    ),
    large_asset_template(
        "Meddelanden från invånare",
        AssetForm::Digital,
        &[Health, Ssn],
        false,
        &[12],
    ),
    large_asset_template(
        "Samtyckesuppgifter",
        AssetForm::Digital,
        &[Ssn],
        false,
        &[2],
    ),
    large_asset_template(
        "Sekretessmarkeringar",
        AssetForm::Digital,
        &[ProtectedIdentity, Ssn],
        true,
        &[2],
    ),
    large_asset_template(
        "Uppgifter om barn",
        AssetForm::Digital,
        &[Health, Children, Ssn],
        true,
        &[2],
    ),
    large_asset_template(
        "Genomförandeplaner",
        AssetForm::Digital,
        &[Health, Ssn],
        true,
        &[28],
    ),
    large_asset_template(
        "Social dokumentation",
        AssetForm::Digital,
        &[Health, Ssn, OtherSpecialCategory],
        true,
        &[28],
    ),
    large_asset_template("Nyckelkvittenser", AssetForm::Paper, &[], false, &[25]),
    large_asset_template("Kamerainspelningar", AssetForm::Digital, &[], false, &[26]),
    large_asset_template("Scheman", AssetForm::Digital, &[], false, &[14]),
    large_asset_template("Tidrapporter", AssetForm::Digital, &[], false, &[15]),
    large_asset_template(
        "Avvikelserapporter",
        AssetForm::Digital,
        &[Health],
        true,
        &[17],
    ),
    large_asset_template(
        "Ärenden och synpunkter",
        AssetForm::Digital,
        &[Ssn],
        false,
        &[16],
    ),
    large_asset_template(
        "Rutiner och instruktioner",
        AssetForm::Digital,
        &[],
        true,
        &[18, 32],
    ),
    large_asset_template("Mötesprotokoll", AssetForm::Digital, &[], false, &[18]),
    large_asset_template(
        "Kvalitetsregisterdata",
        AssetForm::Digital,
        &[Health, Ssn],
        false,
        &[23],
    ),
    large_asset_template(
        "Signerade handlingar",
        AssetForm::Digital,
        &[Ssn],
        false,
        &[22],
    ),
    large_asset_template(
        "Utskrifter i skrivarkö",
        AssetForm::Digital,
        &[Health],
        false,
        &[19],
    ),
    large_asset_template("Delade mappar", AssetForm::Digital, &[], false, &[33]),
    large_asset_template("Driftloggar", AssetForm::Digital, &[], false, &[0, 1]),
    large_asset_template(
        "Behandlingsplaner",
        AssetForm::Digital,
        &[Health, Ssn],
        true,
        &[2, 24],
    ),
    large_asset_template(
        "Inskrivningsmeddelanden",
        AssetForm::Digital,
        &[Health, Ssn],
        true,
        &[3],
    ),
    large_asset_template(
        "Dispenseringsunderlag",
        AssetForm::Digital,
        &[Health, Ssn],
        true,
        &[29],
    ),
    large_asset_template(
        "Trygghetslarmsloggar",
        AssetForm::Digital,
        &[Health],
        true,
        &[9],
    ),
    large_asset_template(
        "Överrapporteringar",
        AssetForm::Spoken,
        &[Health],
        false,
        &[],
    ),
    large_asset_template(
        "Pappersremisser",
        AssetForm::Paper,
        &[Health, Ssn],
        false,
        &[],
    ),
    large_asset_template("Fastighetslarm", AssetForm::Digital, &[], false, &[27]),
    large_asset_template(
        "Mobila anteckningar",
        AssetForm::Digital,
        &[Health],
        false,
        &[28],
    ),
];

/// The `k`th person (wrapping around) working at placement `p`: users are placed
/// round-robin, so users `p`, `p + n`, `p + 2n`, … (with `n` placements) work there.
fn worker(tree: &LargeTree, users: &[i64], p: usize, k: usize) -> anyhow::Result<i64> {
    let n = tree.placements.len().max(1);
    let working_there = users.len().saturating_sub(p).div_ceil(n).max(1);
    users
        .get(p + n * (k % working_there))
        .copied()
        .context("the large dataset has too few users to own its registers")
}

/// The `k`th person (wrapping around) working in `operation`, spread over its units.
fn worker_in(
    tree: &LargeTree,
    users: &[i64],
    operation: &LargeOperation,
    k: usize,
) -> anyhow::Result<i64> {
    let units = operation.placements.len().max(1);
    let p = operation
        .placements
        .get(k % units)
        .copied()
        .context("a large operation without units")?;
    worker(tree, users, p, k / units)
}

fn large_system(
    tree: &LargeTree,
    users: &[i64],
    o: usize,
    operation: &LargeOperation,
    t: usize,
    (name, kind, criticality, hosting): &(&str, SystemKind, Criticality, Hosting),
) -> anyhow::Result<SystemDraft> {
    let critical = *criticality == Criticality::Critical;
    SystemInput {
        name: format!("{name} {}", operation.name),
        kind: kind.as_str().to_owned(),
        functionality: format!("{name} för {}.", operation.name),
        essential_services: if critical {
            "Hälso- och sjukvård".to_owned()
        } else {
            String::new()
        },
        in_cyber_security_act_scope: critical || *criticality == Criticality::High,
        criticality: criticality.as_str().to_owned(),
        object_owner_id: Some(worker_in(tree, users, operation, 3 * t)?),
        system_administrator_id: Some(worker_in(tree, users, operation, 3 * t + 1)?),
        owner_ids: vec![worker_in(tree, users, operation, 3 * t + 2)?],
        supplier: LARGE_SUPPLIERS[(o + t) % LARGE_SUPPLIERS.len()].to_owned(),
        sub_suppliers: String::new(),
        hosting: hosting.as_str().to_owned(),
        storage_country: "Sverige".to_owned(),
        acceptable_recovery_time_hours: None,
    }
    .validate()
    .map_err(|e| anyhow::anyhow!("large entry {name}: {e:?}"))
}

fn large_asset(
    tree: &LargeTree,
    users: &[i64],
    p: usize,
    operation: &LargeOperation,
    t: usize,
    template: &LargeAsset,
) -> anyhow::Result<AssetDraft> {
    let place = tree
        .placements
        .get(p)
        .context("a large asset at an unknown unit")?;
    AssetInput {
        name: format!(
            "{} – {}, {}",
            template.name, operation.name, place.unit_name
        ),
        description: String::new(),
        form: template.form.as_str().to_owned(),
        owner_id: Some(worker(tree, users, p, t)?),
        unit_id: Some(place.unit_id),
        processes: String::new(),
        contains_personal_data: !template.categories.is_empty(),
        personal_data_categories: template
            .categories
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        business_critical: template.business_critical,
    }
    .validate()
    .map_err(|e| anyhow::anyhow!("large asset {}: {e:?}", template.name))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn large_templates_name_existing_systems() {
        assert_eq!(LARGE_SYSTEM_TEMPLATES[0].1, SystemKind::Network);
        for asset in &LARGE_ASSET_TEMPLATES {
            for system in asset.systems {
                assert!(*system < LARGE_SYSTEM_TEMPLATES.len(), "{}", asset.name);
            }
        }
        let names: HashSet<&str> = LARGE_SYSTEM_TEMPLATES.iter().map(|t| t.0).collect();
        assert_eq!(names.len(), LARGE_SYSTEM_TEMPLATES.len());
    }
}
