//! The `tillit` binary: server, migrations, demo data, administration, audit checks.

mod bench;
mod config;
mod demo;
mod keys;
mod mail;
mod register_files;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::org::{parse_org_number, OrganisationKind};
use tillit_domain::users::NewUserInput;
use tillit_store::audit::VerifyOutcome;
use tillit_store::{org, users, Actor, Db};

use crate::config::Config;

#[derive(Parser)]
#[command(
    name = "tillit",
    version,
    about = "Information security management for Swedish health and social care"
)]
struct Cli {
    /// Configuration file (default: ./tillit.toml when it exists).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        /// Address to listen on (overrides the configuration).
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
        /// Load the demo organisation into an empty database.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load demo data.
    Demo {
        #[arg(long, value_enum, default_value = "normal")]
        scale: Scale,
    },
    /// Administration from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Measure startup, memory, throughput and audit verification on a fresh database.
    Bench(bench::BenchArgs),
    /// Add entries to a register from a CSV or XLSX file (all rows or none).
    Import {
        #[arg(value_enum)]
        register: register_files::Register,
        file: PathBuf,
        /// Organisation id or organisation number (default: the first organisation).
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Write a register to a CSV or XLSX file with the columns of the import template.
    Export {
        #[arg(value_enum)]
        register: register_files::Register,
        #[arg(long, value_enum, default_value = "xlsx")]
        format: register_files::FileFormat,
        file: PathBuf,
        /// Organisation id or organisation number (default: the first organisation).
        #[arg(long)]
        organisation: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Scale {
    Normal,
    Large,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an organisation (a region, municipality or care provider).
    CreateOrganisation {
        #[arg(long)]
        name: String,
        #[arg(long)]
        org_number: String,
        /// region, municipality, care_provider or social_care_provider.
        #[arg(long, default_value = "region")]
        kind: String,
    },
    /// Create a user, optionally with a role for the whole organisation.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The password; read from TILLIT_NEW_PASSWORD when not given.
        #[arg(long, env = "TILLIT_NEW_PASSWORD", hide_env_values = true)]
        password: String,
        /// e.g. administrator, coordinator, auditor.
        #[arg(long)]
        role: Option<String>,
        /// Organisation id (default: the first organisation).
        #[arg(long)]
        organisation: Option<i64>,
    },
    /// Print a new API token for a user.
    Token {
        email: String,
        #[arg(long, default_value = "command line")]
        name: String,
    },
    /// Create an operator, who runs the deployment for its organisations but sees none
    /// of their content. Without a password one is generated and printed once.
    CreateOperator {
        email: String,
        /// The password; read from TILLIT_NEW_PASSWORD when not given.
        #[arg(long, env = "TILLIT_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Print a new API token for an operator (for `/api/v1/operator/…` only).
    OperatorToken {
        email: String,
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain and check the signed checkpoints. Exits non-zero and
    /// names the first bad sequence number when anything was changed or removed.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn open(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url();
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("opening the database ({})", redact(&url)))?;
    db.migrate().await.context("applying migrations")?;
    Ok(db)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { bind, demo } => serve(config, bind, demo).await,
        Command::Migrate => {
            open(&config).await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { scale } => {
            let db = open(&config).await?;
            let hash = tillit_web::auth::password::hash(demo::DEMO_PASSWORD)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            match scale {
                Scale::Normal => {
                    demo::load_demo(&db, &hash).await?;
                    print_demo_logins();
                }
                Scale::Large => {
                    let summary = demo::load_large(&db, &hash).await?;
                    println!(
                        "large dataset loaded: {} units, {} users, {} systems, {} assets, {} risk analyses \
                         with {} risks and {} measures, {} incidents",
                        summary.units,
                        summary.users,
                        summary.systems,
                        summary.assets,
                        summary.risk_analyses,
                        summary.risks,
                        summary.measures,
                        summary.incidents
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { command } => admin(&config, command).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => verify(&config).await,
        Command::Bench(args) => bench::run(args).await,
        Command::Import {
            register,
            file,
            organisation,
        } => {
            let db = open(&config).await?;
            register_files::import(&db, register, &file, organisation.as_deref()).await
        }
        Command::Export {
            register,
            format,
            file,
            organisation,
        } => {
            let db = open(&config).await?;
            register_files::export(&db, register, format, &file, organisation.as_deref()).await
        }
    }
}

fn print_demo_logins() {
    println!(
        "demo organisation loaded; every demo user has the password: {}",
        demo::DEMO_PASSWORD
    );
    for login in demo::demo_logins() {
        println!("  {:<36} {}", login.email, login.role_label_sv);
    }
    println!(
        "  {:<36} driftansvarig, loggar in på /operator/login och måste slå på tvåfaktorsinloggning",
        demo::DEMO_OPERATOR
    );
}

async fn serve(
    config: Config,
    bind: Option<std::net::SocketAddr>,
    load_demo: bool,
) -> anyhow::Result<ExitCode> {
    let db = open(&config).await?;
    if load_demo && org::first_organisation_id(&db).await?.is_none() {
        let hash = tillit_web::auth::password::hash(demo::DEMO_PASSWORD)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        demo::load_demo(&db, &hash).await?;
    }
    let key = keys::load_or_create(&config.audit_key_path())?;
    let mail = mail::MailSettings::from_config(&config)?;
    let state = tillit_web::AppState::new(db.clone(), config.web(), key.clone());
    let address = bind.unwrap_or(config.bind);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("listening on {address}"))?;
    let local = listener.local_addr()?;
    println!("tillit is running at http://{local}/");
    if load_demo && org::any_demo(&db).await? {
        println!(
            "sign in as admin@region.example (or another demo user) with the password {}",
            demo::DEMO_PASSWORD
        );
        print_demo_logins();
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(worker::run(db.clone(), key, mail, stopped));
    let app = tillit_web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum_serve(listener, app).await?;
    let _ = stop.send(true);
    let _ = worker.await;
    db.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn axum_serve(
    listener: tokio::net::TcpListener,
    app: axum::extract::connect_info::IntoMakeServiceWithConnectInfo<
        axum::Router,
        std::net::SocketAddr,
    >,
) -> anyhow::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")
}

/// Resolves on SIGINT or SIGTERM, so in-flight requests finish before exit.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn admin(config: &Config, command: AdminCommand) -> anyhow::Result<ExitCode> {
    let db = open(config).await?;
    let actor = Actor::system("command line");
    match command {
        AdminCommand::CreateOrganisation {
            name,
            org_number,
            kind,
        } => {
            let kind = OrganisationKind::parse(&kind).context(
                "kind must be region, municipality, care_provider or social_care_provider",
            )?;
            let org_number = parse_org_number(&org_number)
                .context("org number must be ten digits with a valid check digit")?;
            let mut tx = db.begin().await?;
            let created = org::create_organisation(
                &mut tx,
                &actor,
                &org::NewOrganisation {
                    name: &name,
                    kind,
                    org_number: &org_number,
                    demo: false,
                },
            )
            .await?;
            tx.commit().await?;
            println!(
                "organisation {} created with id {}",
                created.name, created.id
            );
        }
        AdminCommand::CreateUser {
            email,
            name,
            password,
            role,
            organisation,
        } => {
            let organisation = match organisation {
                Some(id) => id,
                None => org::first_organisation_id(&db).await?.context(
                    "no organisation exists; run `tillit admin create-organisation` first",
                )?,
            };
            let input = NewUserInput {
                email,
                display_name: name,
                title: String::new(),
                password,
                role: role.unwrap_or_default(),
                unit_id: None,
            };
            let draft = input.validate().map_err(|errors| {
                let fields: Vec<String> = errors
                    .0
                    .iter()
                    .map(|e| format!("{} ({})", e.field, e.code))
                    .collect();
                anyhow::anyhow!("invalid input: {}", fields.join(", "))
            })?;
            let hash = tillit_web::auth::password::hash(&draft.password)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut tx = db.begin().await?;
            let user = users::create_user_in(
                &mut tx,
                organisation,
                &actor,
                &users::NewUser {
                    email: &draft.email,
                    display_name: &draft.display_name,
                    title: "",
                    password_hash: &hash,
                },
            )
            .await?;
            if let Some(role) = draft.role {
                users::assign_role_in(
                    &mut tx,
                    organisation,
                    &actor,
                    user.id,
                    Assignment {
                        role,
                        unit_id: None,
                    },
                )
                .await?;
            }
            tx.commit().await?;
            println!("user {} created with id {}", user.email, user.id);
            if draft.role.is_some_and(Role::requires_two_factor) {
                println!("this role requires two-factor sign-in; it is set up at the first login");
            }
        }
        AdminCommand::Token { email, name } => {
            let user = users::find_user_by_email(&db, &email.trim().to_lowercase())
                .await?
                .with_context(|| format!("no user {email}"))?;
            let token = tillit_web::auth::secrets::new_api_token();
            let hash = tillit_web::auth::secrets::token_hash(&token);
            tillit_store::tokens::create(&db, user.organisation_id, &actor, user.id, &name, &hash)
                .await?;
            println!("{token}");
        }
        AdminCommand::CreateOperator { email, password } => {
            create_operator(&db, &actor, &email, password).await?;
        }
        AdminCommand::OperatorToken { email, name } => {
            let operator =
                tillit_store::operators::find_by_email(&db, &email.trim().to_lowercase())
                    .await?
                    .with_context(|| format!("no operator {email}"))?;
            let token = tillit_web::auth::secrets::new_operator_token();
            let hash = tillit_web::auth::secrets::token_hash(&token);
            tillit_store::operators::create_token(&db, &actor, operator.id, &name, &hash).await?;
            println!("{token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn create_operator(
    db: &Db,
    actor: &Actor,
    email: &str,
    password: Option<String>,
) -> anyhow::Result<()> {
    let email = tillit_domain::users::normalise_email(email)
        .with_context(|| format!("{email} is not a valid e-mail address"))?;
    let generated = password.is_none();
    let password = password.unwrap_or_else(tillit_web::auth::secrets::one_time_password);
    let mut errors = tillit_domain::ValidationErrors::new();
    tillit_domain::users::check_password(&mut errors, "password", &password);
    if let Some(error) = errors.0.first() {
        anyhow::bail!("invalid input: {} ({})", error.field, error.code);
    }
    let hash = tillit_web::auth::password::hash(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let operator = tillit_store::operators::create_operator(db, actor, &email, &hash).await?;
    println!(
        "operator {} created with id {}",
        operator.email, operator.id
    );
    if generated {
        println!("password (shown once): {password}");
    }
    println!("sign in at /operator/login; two-factor sign-in is set up at the first login");
    Ok(())
}

async fn verify(config: &Config) -> anyhow::Result<ExitCode> {
    let db = open(config).await?;
    let key = keys::load_or_create(&config.audit_key_path())?;
    let started = std::time::Instant::now();
    match tillit_store::audit::verify(&db, &key.verifying_key()).await? {
        VerifyOutcome::Intact(report) => {
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "audit trail intact: {} events and {} signed checkpoints verified in {:.2} s",
                report.verified_up_to, report.checkpoints_checked, seconds
            );
            Ok(ExitCode::SUCCESS)
        }
        VerifyOutcome::Broken {
            defect,
            verified_up_to,
        } => {
            eprintln!(
                "audit trail BROKEN at sequence number {}: {defect} (events up to {verified_up_to} are intact)",
                defect.first_bad_seq()
            );
            Ok(ExitCode::from(3))
        }
    }
}
