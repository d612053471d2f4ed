use tillit_domain::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The row changed since the caller read it (optimistic concurrency).
    #[error("stale version")]
    Conflict,
    /// A unique constraint refused the row; `field` names the offending input.
    #[error("duplicate value for {field}")]
    Duplicate { field: &'static str },
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("audit trail: {0}")]
    Audit(String),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Maps a unique-constraint violation on `constraint` to a duplicate error for `field`.
    pub fn on_unique(self, constraint: &str, field: &'static str) -> Self {
        match &self {
            StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                let matches = db.constraint().map(|c| c == constraint).unwrap_or(true);
                if matches {
                    StoreError::Duplicate { field }
                } else {
                    self
                }
            }
            _ => self,
        }
    }
}
