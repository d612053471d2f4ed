//! `tillit import` and `tillit export`: the registers from and to CSV or XLSX files,
//! through the same services as the pages and the API. The command line acts for the
//! operator who runs it, recorded in the audit trail as "command line".

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use tillit_domain::org::parse_org_number;
use tillit_domain::register_import::RegisterKind;
use tillit_domain::users::Language;
use tillit_reports::Format;
use tillit_store::registers::import::organisation_by_number;
use tillit_store::{org, Actor, Db};
use tillit_web::i18n::I18n;
use tillit_web::services::register_export;
use tillit_web::services::register_import::{self, ImportFile, ImportOutcome};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Register {
    Systems,
    Assets,
}

impl Register {
    fn kind(self) -> RegisterKind {
        match self {
            Register::Systems => RegisterKind::Systems,
            Register::Assets => RegisterKind::Assets,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FileFormat {
    Xlsx,
    Csv,
}

/// The organisation named by id or organisation number; the first one when not named.
async fn organisation(db: &Db, named: Option<&str>) -> anyhow::Result<i64> {
    let Some(named) = named else {
        return org::first_organisation_id(db)
            .await?
            .context("no organisation exists; run `tillit admin create-organisation` first");
    };
    if let Some(number) = parse_org_number(named) {
        if let Some(id) = organisation_by_number(db, &number).await? {
            return Ok(id);
        }
    }
    let id: i64 = named
        .trim()
        .parse()
        .with_context(|| format!("no organisation with the organisation number {named}"))?;
    org::get_organisation(db, id)
        .await
        .with_context(|| format!("no organisation with id {id}"))?;
    Ok(id)
}

/// Imports a file; prints what was added, or every problem and exits with 1.
pub async fn import(
    db: &Db,
    register: Register,
    file: &Path,
    organisation_named: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let organisation_id = organisation(db, organisation_named).await?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let outcome = register_import::run(
        db,
        organisation_id,
        &Actor::system("command line"),
        register.kind(),
        ImportFile {
            name,
            bytes: bytes.into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    match outcome {
        ImportOutcome::Imported(summary) => {
            println!(
                "{} {} imported from {}",
                summary.count,
                register.kind().as_str(),
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        ImportOutcome::Rejected(errors) => {
            let i18n = I18n::load();
            eprintln!(
                "nothing imported: {} problem(s) in {}",
                errors.0.len(),
                file.display()
            );
            for error in &errors.0 {
                let place = match (error.row, &error.column) {
                    (Some(row), Some(column)) => format!("row {row}, column {column}"),
                    (Some(row), None) => format!("row {row}"),
                    (None, _) => "file".to_owned(),
                };
                let reason = i18n.text_with(
                    Language::En,
                    &format!("import-error-{}", error.code),
                    &[("value", error.value.clone().unwrap_or_default())],
                );
                eprintln!("  {place}: {reason} [{}]", error.code);
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Writes a whole register to a file.
pub async fn export(
    db: &Db,
    register: Register,
    format: FileFormat,
    file: &Path,
    organisation_named: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let organisation_id = organisation(db, organisation_named).await?;
    let format = match format {
        FileFormat::Xlsx => Format::Xlsx,
        FileFormat::Csv => Format::Csv,
    };
    let exported = match register {
        Register::Systems => {
            register_export::systems_file(db, organisation_id, &Default::default(), format).await
        }
        Register::Assets => {
            register_export::assets_file(db, organisation_id, &Default::default(), format).await
        }
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(file, &exported.bytes).with_context(|| format!("writing {}", file.display()))?;
    println!(
        "{} written to {} ({} bytes)",
        register.kind().as_str(),
        file.display(),
        exported.bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}
