//! Bulk import of the registers from a CSV or XLSX file, and the import templates.
//!
//! A file is read and every row checked before anything is written; a file with any
//! bad row imports nothing, and the answer lists every problem. Only administrators and
//! coordinators of the whole organisation import. Every import is recorded as a run in
//! the database, with its progress and outcome, so that any server process shows it
//! (docs/adr/0010-import-progress-in-the-database.md). From the pages an import runs as
//! a task while the browser polls its run; the API and the command line wait for the
//! outcome.

use axum::body::Bytes;
use tillit_domain::auth::Action;
use tillit_domain::register_import::{
    effective_state, validate_assets, validate_systems, AssetRow, ImportErrors, RegisterKind,
    RunState, SystemRow, INTERRUPTED,
};
use tillit_domain::users::Language;
use tillit_reports::Format;
use tillit_store::registers::import::{self, ImportSummary};
use tillit_store::registers::import_runs::{self, Failure, ImportRun};
use tillit_store::{Actor, Db, Engine};
use tokio::sync::watch;

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

/// The largest file accepted. A 10,000-row XLSX is well under a megabyte.
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;

/// An uploaded file: its name as the client gave it (for the audit trail) and content.
pub struct ImportFile {
    pub name: String,
    pub bytes: Bytes,
}

/// How an import ended: everything written, or nothing and every problem found.
#[derive(Debug)]
pub enum ImportOutcome {
    Imported(ImportSummary),
    Rejected(ImportErrors),
}

/// A file's rows, checked.
enum Checked {
    Systems(Vec<SystemRow>),
    Assets(Vec<AssetRow>),
}

impl Checked {
    fn len(&self) -> usize {
        match self {
            Checked::Systems(rows) => rows.len(),
            Checked::Assets(rows) => rows.len(),
        }
    }
}

fn check(
    kind: RegisterKind,
    bytes: &[u8],
    references: &tillit_domain::register_import::References,
) -> Result<Checked, ImportErrors> {
    let table = tillit_reports::read(bytes)?;
    Ok(match kind {
        RegisterKind::Systems => Checked::Systems(validate_systems(&table, references)?),
        RegisterKind::Assets => Checked::Assets(validate_assets(&table, references)?),
    })
}

/// Writes the rows written so far to the run from a task of its own, the latest count
/// only, so the import never waits for it. On SQLite the import's transaction holds the
/// only write lock until it commits, so there the count is written with the outcome.
struct ProgressWriter {
    sender: watch::Sender<usize>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl ProgressWriter {
    fn start(db: &Db, organisation_id: i64, run_id: i64) -> Self {
        let (sender, mut receiver) = watch::channel(0);
        let task = (db.engine() == Engine::Postgres).then(|| {
            let db = db.clone();
            tokio::spawn(async move {
                while receiver.changed().await.is_ok() {
                    let done = *receiver.borrow_and_update();
                    if let Err(error) =
                        import_runs::record_progress(&db, organisation_id, run_id, done).await
                    {
                        tracing::warn!(%error, run_id, "import progress not recorded");
                    }
                }
            })
        });
        Self { sender, task }
    }

    fn report(&self, done: usize) {
        self.sender.send_replace(done);
    }

    /// Waits for the last report to be written, so it cannot land after the outcome.
    async fn stop(self) {
        drop(self.sender);
        if let Some(task) = self.task {
            if let Err(error) = task.await {
                tracing::warn!(%error, "import progress task failed");
            }
        }
    }
}

/// Reads, checks and, when every row is good, imports a file in one transaction, keeping
/// its run up to date.
async fn execute(
    db: &Db,
    actor: &Actor,
    run: &ImportRun,
    kind: RegisterKind,
    bytes: Bytes,
) -> Result<ImportOutcome, AppError> {
    let organisation_id = run.organisation_id;
    let references = import::import_references(db, organisation_id).await?;
    // Parsing a large spreadsheet is CPU work: keep it off the threads serving requests.
    let checked = tokio::task::spawn_blocking(move || check(kind, &bytes, &references))
        .await
        .map_err(AppError::internal)?;
    let checked = match checked {
        Ok(checked) => checked,
        Err(errors) => {
            import_runs::finish_failed(db, organisation_id, run.id, Failure::Rejected(&errors.0))
                .await?;
            return Ok(ImportOutcome::Rejected(errors));
        }
    };
    import_runs::begin_writing(db, organisation_id, run.id, checked.len()).await?;
    let progress = ProgressWriter::start(db, organisation_id, run.id);
    let report = |done: usize| progress.report(done);
    let name = &run.file_name;
    let summary = match checked {
        Checked::Systems(rows) => {
            import::import_systems(db, organisation_id, actor, name, run.id, &rows, &report).await
        }
        Checked::Assets(rows) => {
            import::import_assets(db, organisation_id, actor, name, run.id, &rows, &report).await
        }
    };
    progress.stop().await;
    Ok(ImportOutcome::Imported(summary?))
}

/// Runs an import and records an error that stops it as the run's failure.
async fn execute_recorded(
    db: &Db,
    actor: &Actor,
    run: &ImportRun,
    kind: RegisterKind,
    bytes: Bytes,
) -> Result<ImportOutcome, AppError> {
    let outcome = execute(db, actor, run, kind, bytes).await;
    if let Err(error) = &outcome {
        if let AppError::Internal(message) = error {
            tracing::error!(%message, run_id = run.id, "import failed");
        }
        let failure = Failure::Stopped(error.code());
        if let Err(error) =
            import_runs::finish_failed(db, run.organisation_id, run.id, failure).await
        {
            tracing::error!(%error, run_id = run.id, "import failure not recorded");
        }
    }
    outcome
}

async fn open_run(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    kind: RegisterKind,
    file_name: &str,
) -> Result<ImportRun, AppError> {
    Ok(
        import_runs::start_run(db, organisation_id, kind.as_str(), file_name, actor.user_id)
            .await?,
    )
}

/// Reads, checks and, when every row is good, imports a file in one transaction, as a
/// recorded run. Asks nobody's permission: the pages and the API check it first, and
/// the command line is run by whoever runs the server.
pub async fn run(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    kind: RegisterKind,
    file: ImportFile,
) -> Result<ImportOutcome, AppError> {
    let run = open_run(db, organisation_id, actor, kind, &file.name).await?;
    execute_recorded(db, actor, &run, kind, file.bytes).await
}

/// Only administrators and coordinators of the whole organisation import.
pub fn require_importer(principal: &Principal) -> Result<(), AppError> {
    principal.require_everywhere(Action::ImportRegisters)
}

/// Imports a file and waits for the outcome (the API).
pub async fn import_now(
    state: &AppState,
    principal: &Principal,
    kind: RegisterKind,
    file: ImportFile,
) -> Result<ImportOutcome, AppError> {
    require_importer(principal)?;
    run(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        kind,
        file,
    )
    .await
}

/// A run as it stands now: one that stopped moving long ago was interrupted (its
/// server stopped and rolled its transaction back), and is shown as failed.
pub fn as_of_now(mut run: ImportRun) -> ImportRun {
    let recorded = run.recorded_state();
    if effective_state(recorded, run.updated_at, tillit_store::now()) != recorded {
        run.state = RunState::Failed.as_str().to_owned();
        run.failure = Some(INTERRUPTED.to_owned());
    }
    run
}

/// Whether the run is still checking or writing.
pub fn is_running(run: &ImportRun) -> bool {
    !run.recorded_state().is_finished()
}

/// Records a run and starts the import in the background; its progress and outcome
/// are then read with [`latest_run`]. One import per user at a time.
pub async fn start(
    state: &AppState,
    principal: &Principal,
    kind: RegisterKind,
    file: ImportFile,
) -> Result<(), AppError> {
    require_importer(principal)?;
    if latest_run(state, principal)
        .await?
        .is_some_and(|run| is_running(&run))
    {
        return Err(AppError::invalid("file", "import-running"));
    }
    let actor = principal.actor();
    let run = open_run(
        &state.db,
        principal.organisation_id,
        &actor,
        kind,
        &file.name,
    )
    .await?;
    let db = state.db.clone();
    tokio::spawn(async move {
        // The outcome is recorded with the run, where the status page reads it.
        let _ = execute_recorded(&db, &actor, &run, kind, file.bytes).await;
    });
    Ok(())
}

/// The principal's latest import, as it stands now.
pub async fn latest_run(
    state: &AppState,
    principal: &Principal,
) -> Result<Option<ImportRun>, AppError> {
    require_importer(principal)?;
    let run =
        import_runs::latest_run(&state.db, principal.organisation_id, principal.user_id).await?;
    Ok(run.map(as_of_now))
}

/// An import of the principal's organisation, as it stands now.
pub async fn get_run(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<ImportRun, AppError> {
    require_importer(principal)?;
    let run = import_runs::get_run(&state.db, principal.organisation_id, id).await?;
    Ok(as_of_now(run))
}

/// A register's import template, explained in `language`. Everyone who reads the
/// registers may have it.
pub fn template(
    state: &AppState,
    principal: &Principal,
    kind: RegisterKind,
    format: Format,
    language: Language,
) -> Result<Vec<u8>, AppError> {
    principal.require(Action::ViewRegisters)?;
    tillit_reports::template(kind, format, &|id| state.i18n.text(language, id))
        .map_err(AppError::internal)
}
