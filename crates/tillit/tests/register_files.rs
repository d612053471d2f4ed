//! `tillit import` and `tillit export` end to end on a SQLite data directory.

use std::path::Path;
use std::process::{Command, Output};

fn tillit(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args(args)
        .env("TILLIT_DATA_DIR", data_dir)
        .env_remove("TILLIT_DATABASE_URL")
        .env("TILLIT_LOG", "warn")
        .output()
        .expect("run tillit")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn registers_are_imported_from_and_exported_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let demo = tillit(dir.path(), &["demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));

    let bad = dir.path().join("fel.csv");
    std::fs::write(
        &bad,
        "Namn;Typ;Kritikalitet;Driftmiljö;Objektägare (e-post)\nLabb;network;low;cloud;ingen@region.example\n;mainframe;low;cloud;\n",
    )
    .unwrap();
    let refused = tillit(dir.path(), &["import", "systems", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    let problems = stderr(&refused);
    assert!(
        problems.contains("nothing imported: 3 problem(s)"),
        "{problems}"
    );
    assert!(
        problems.contains("row 2, column Objektägare (e-post)"),
        "{problems}"
    );
    assert!(problems.contains("[unknown-user]"), "{problems}");
    assert!(problems.contains("row 3, column Typ"), "{problems}");

    let good = dir.path().join("nya.csv");
    std::fs::write(
        &good,
        "Beteckning;Namn;Typ;Kritikalitet;Driftmiljö\nIMP-1;Importerat system;it_service;low;cloud\n",
    )
    .unwrap();
    let imported = tillit(
        dir.path(),
        &[
            "import",
            "systems",
            good.to_str().unwrap(),
            "--organisation",
            "1",
        ],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(stdout(&imported).contains("1 systems imported"));
    let again = tillit(dir.path(), &["import", "systems", good.to_str().unwrap()]);
    assert!(!again.status.success(), "a designation is never reused");
    assert!(stderr(&again).contains("[duplicate]"), "{}", stderr(&again));

    let out = dir.path().join("system.csv");
    let exported = tillit(
        dir.path(),
        &[
            "export",
            "systems",
            "--format",
            "csv",
            out.to_str().unwrap(),
        ],
    );
    assert!(exported.status.success(), "{}", stderr(&exported));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("\u{feff}Beteckning;Namn;Typ"), "{text}");
    assert!(
        text.contains("IMP-1;Importerat system;it_service"),
        "{text}"
    );

    let xlsx = dir.path().join("tillgangar.xlsx");
    let exported = tillit(dir.path(), &["export", "assets", xlsx.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK\x03\x04"));

    let unknown = tillit(
        dir.path(),
        &[
            "import",
            "assets",
            good.to_str().unwrap(),
            "--organisation",
            "999",
        ],
    );
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no organisation with id 999"));
}
