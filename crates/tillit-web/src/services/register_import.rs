//! Bulk import of the registers from a CSV or XLSX file, and the import templates.
//!
//! A file is read and every row checked before anything is written; a file with any
//! bad row imports nothing, and the answer lists every problem. Only administrators and
//! coordinators of the whole organisation import. From the pages an import runs as a
//! task in the server process while the browser polls its progress; the API and the
//! command line wait for the outcome.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tillit_domain::auth::Action;
use tillit_domain::register_import::{
    validate_assets, validate_systems, AssetRow, ImportErrors, RegisterKind, SystemRow,
};
use tillit_domain::users::Language;
use tillit_reports::Format;
use tillit_store::registers::import::{self, ImportSummary};
use tillit_store::{Actor, Db};

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

/// The largest file accepted. A 10,000-row XLSX is well under a megabyte.
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;
/// How long a finished import's outcome stays available to its page.
const KEEP_FINISHED: Duration = Duration::from_secs(3600);

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

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading the file and checking every row.
    Checking,
    /// Writing the rows.
    Writing,
    Finished,
}

/// Progress of one import, updated by the import and read by the page polling it.
#[derive(Debug, Default)]
pub struct ImportProgress {
    phase: AtomicU8,
    written: AtomicUsize,
    total: AtomicUsize,
}

impl ImportProgress {
    fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::Release);
    }

    pub fn phase(&self) -> Phase {
        match self.phase.load(Ordering::Acquire) {
            0 => Phase::Checking,
            1 => Phase::Writing,
            _ => Phase::Finished,
        }
    }

    /// Rows written so far.
    pub fn written(&self) -> usize {
        self.written.load(Ordering::Acquire)
    }

    /// Rows to write, once the file has been checked.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::Acquire)
    }
}

/// A file's rows, checked.
enum Checked {
    Systems(Vec<SystemRow>),
    Assets(Vec<AssetRow>),
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

/// Reads, checks and, when every row is good, imports a file in one transaction. Asks
/// nobody's permission: the pages and the API check it first, and the command line is
/// run by whoever runs the server.
pub async fn run(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    kind: RegisterKind,
    file: ImportFile,
    progress: &ImportProgress,
) -> Result<ImportOutcome, AppError> {
    progress.set_phase(Phase::Checking);
    let references = import::import_references(db, organisation_id).await?;
    let bytes = file.bytes;
    // Parsing a large spreadsheet is CPU work: keep it off the threads serving requests.
    let checked = tokio::task::spawn_blocking(move || check(kind, &bytes, &references))
        .await
        .map_err(AppError::internal)?;
    let checked = match checked {
        Ok(checked) => checked,
        Err(errors) => {
            progress.set_phase(Phase::Finished);
            return Ok(ImportOutcome::Rejected(errors));
        }
    };
    let report = |written: usize| progress.written.store(written, Ordering::Release);
    progress.set_phase(Phase::Writing);
    let summary = match checked {
        Checked::Systems(rows) => {
            progress.total.store(rows.len(), Ordering::Release);
            import::import_systems(db, organisation_id, actor, &file.name, &rows, &report).await
        }
        Checked::Assets(rows) => {
            progress.total.store(rows.len(), Ordering::Release);
            import::import_assets(db, organisation_id, actor, &file.name, &rows, &report).await
        }
    };
    progress.set_phase(Phase::Finished);
    Ok(ImportOutcome::Imported(summary?))
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
        &ImportProgress::default(),
    )
    .await
}

/// An import started from the pages, kept until its owner starts another or it has
/// been finished for an hour.
#[derive(Debug)]
pub struct ImportTask {
    pub kind: RegisterKind,
    pub file_name: String,
    pub progress: ImportProgress,
    /// The outcome, or the code of the error that stopped it.
    outcome: Mutex<Option<Arc<Result<ImportOutcome, &'static str>>>>,
    finished_at: Mutex<Option<Instant>>,
}

impl ImportTask {
    /// The outcome once finished, or the code of the error that stopped the import.
    pub fn outcome(&self) -> Option<Arc<Result<ImportOutcome, &'static str>>> {
        lock(&self.outcome).clone()
    }

    fn finish(&self, outcome: Result<ImportOutcome, AppError>) {
        let outcome = outcome.map_err(|error| {
            if let AppError::Internal(message) = &error {
                tracing::error!(%message, "import failed");
            }
            error.code()
        });
        *lock(&self.outcome) = Some(Arc::new(outcome));
        *lock(&self.finished_at) = Some(Instant::now());
    }

    fn finished_long_ago(&self) -> bool {
        lock(&self.finished_at).is_some_and(|at| at.elapsed() > KEEP_FINISHED)
    }

    fn running(&self) -> bool {
        lock(&self.finished_at).is_none()
    }
}

/// The imports started from the pages, one per user. They live in this server
/// process: the page that polls one must reach the process that runs it (a load
/// balancer in front of several servers keeps a browser on one; see
/// docs/adr/0005-import-progress-in-process.md).
#[derive(Debug, Default)]
pub struct ImportTasks {
    tasks: Mutex<HashMap<(i64, i64), Arc<ImportTask>>>,
}

/// A poisoned lock only means another thread panicked while holding it; the data (a
/// progress record) is still sound.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts an import in the background; its progress and outcome are then read with
/// [`current_task`]. One import per user at a time.
pub fn start(
    state: &AppState,
    principal: &Principal,
    kind: RegisterKind,
    file: ImportFile,
) -> Result<(), AppError> {
    require_importer(principal)?;
    let key = (principal.organisation_id, principal.user_id);
    let task = Arc::new(ImportTask {
        kind,
        file_name: file.name.clone(),
        progress: ImportProgress::default(),
        outcome: Mutex::new(None),
        finished_at: Mutex::new(None),
    });
    {
        let mut tasks = lock(&state.imports.tasks);
        if tasks.get(&key).is_some_and(|t| t.running()) {
            return Err(AppError::invalid("file", "import-running"));
        }
        tasks.retain(|_, t| !t.finished_long_ago());
        tasks.insert(key, Arc::clone(&task));
    }
    let db = state.db.clone();
    let actor = principal.actor();
    let organisation_id = principal.organisation_id;
    tokio::spawn(async move {
        let outcome = run(&db, organisation_id, &actor, kind, file, &task.progress).await;
        task.finish(outcome);
    });
    Ok(())
}

/// The principal's latest import started from the pages, if any.
pub fn current_task(
    state: &AppState,
    principal: &Principal,
) -> Result<Option<Arc<ImportTask>>, AppError> {
    require_importer(principal)?;
    let key = (principal.organisation_id, principal.user_id);
    Ok(lock(&state.imports.tasks)
        .get(&key)
        .filter(|t| !t.finished_long_ago())
        .cloned())
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
