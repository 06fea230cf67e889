//! `kopir import` on both databases: a file with one bad row writes nothing and names the line;
//! a second import changes nothing; a changed row updates; through the real binary, the exit
//! status and the report.

use std::{path::Path, process::Command};

use kopir::domain::import::{self, Counts, Line, Refusal, Summary};
use serde_json::{Value, json};

use crate::helpers::TestApp;

const ORGS: &str = "orgs.jsonl";
const ITEMS: &str = "portfolio.jsonl";

fn lines<T: serde::de::DeserializeOwned>(file: &str, rows: &[Value]) -> Vec<Line<T>> {
    rows.iter()
        .enumerate()
        .map(|(i, row)| Line {
            file: file.into(),
            line: i + 1,
            record: serde_json::from_value(row.clone()).expect("a record"),
        })
        .collect()
}

fn organizations() -> Vec<Value> {
    vec![
        json!({ "source": "cordis", "externalId": "999", "kind": "UNIVERSITY", "name": { "en": "Technical University" }, "country": "DE" }),
        json!({ "source": "cordis", "externalId": "998", "kind": "ENTERPRISE", "name": { "en": "Catalyst GmbH" }, "country": "DE" }),
        json!({ "source": "cordis", "externalId": "997", "kind": "RESEARCH_INSTITUTE", "name": { "en": "Institute of Catalysis" }, "country": "KZ", "bin": "940140000385", "regionCode": "KZ-75" }),
    ]
}

fn items() -> Vec<Value> {
    vec![
        json!({ "source": "cordis", "externalId": "H2020-1", "title": { "en": "Hydrocracking catalysts" }, "abstract": { "en": "Pilot-scale tests." }, "startDate": "2016-01-01", "year": 2016,
                "participants": [{ "externalId": "998", "role": "COORDINATOR" }, { "externalId": "999" }] }),
        json!({ "source": "cordis", "externalId": "H2020-2", "kind": "PUBLICATION", "title": { "ru": "Катализ" }, "year": 2017,
                "participants": [{ "externalId": "997" }, { "externalId": "999" }] }),
    ]
}

async fn import(app: &TestApp, orgs: &[Value], portfolio: &[Value]) -> Result<Summary, Refusal> {
    import::run(
        &app.db,
        lines(ORGS, orgs),
        lines(ITEMS, portfolio),
        &|_, _, _| {},
    )
    .await
}

async fn counts(app: &TestApp) -> [i64; 3] {
    [
        app.count("SELECT COUNT(*) FROM organization").await,
        app.count("SELECT COUNT(*) FROM portfolio_item").await,
        app.count("SELECT COUNT(*) FROM portfolio_participant")
            .await,
    ]
}

async fn one_bad_row_writes_nothing_and_is_named(app: TestApp) {
    let mut orgs = organizations();
    orgs[1]["kind"] = json!("SPACESHIP");
    let mut portfolio = items();
    portfolio[1]["participants"][0]["externalId"] = json!("404");
    portfolio[0]["year"] = json!(1800);
    let Err(Refusal::Rows(problems)) = import(&app, &orgs, &portfolio).await else {
        panic!("bad rows must be refused");
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "orgs.jsonl:2: kind: unknown value `SPACESHIP`",
            "portfolio.jsonl:1: year: a year between 1900 and 2027",
            "portfolio.jsonl:2: participants: no organisation cordis:404 in this import or before",
        ]
        .map(|s| s.replace(
            "2027",
            &(chrono::Utc::now()
                .format("%Y")
                .to_string()
                .parse::<i32>()
                .expect("year")
                + 1)
            .to_string()
        )),
        "{shown:#?}"
    );
    assert_eq!(counts(&app).await, [0, 0, 0]);
}

async fn a_second_import_changes_nothing_and_a_changed_row_updates(app: TestApp) {
    let first = import(&app, &organizations(), &items())
        .await
        .expect("imported");
    assert_eq!(
        first,
        Summary {
            organizations: Counts {
                created: 3,
                updated: 0,
                unchanged: 0
            },
            portfolio: Counts {
                created: 2,
                updated: 0,
                unchanged: 0
            },
            participations: 4,
        }
    );
    assert_eq!(counts(&app).await, [3, 2, 4]);
    let stamp = "SELECT COUNT(*) FROM portfolio_item WHERE updated_at = created_at";
    assert_eq!(app.count(stamp).await, 2);

    let revision = "SELECT MAX(value) FROM matching_revision";
    let before = app.count(revision).await;
    let again = import(&app, &organizations(), &items())
        .await
        .expect("imported");
    assert_eq!(
        again,
        Summary {
            organizations: Counts {
                created: 0,
                updated: 0,
                unchanged: 3
            },
            portfolio: Counts {
                created: 0,
                updated: 0,
                unchanged: 2
            },
            participations: 0,
        }
    );
    assert_eq!(counts(&app).await, [3, 2, 4]);
    assert_eq!(app.count(stamp).await, 2, "nothing was rewritten");
    assert_eq!(
        app.count(revision).await,
        before,
        "the matching index has nothing to reload"
    );

    // One organisation renamed, one item with a partner fewer.
    let mut orgs = organizations();
    orgs[0]["name"] = json!({ "en": "Technical University of Munich" });
    let mut portfolio = items();
    portfolio[1]["participants"] = json!([{ "externalId": "997", "role": "COORDINATOR" }]);
    let changed = import(&app, &orgs, &portfolio).await.expect("imported");
    assert_eq!(
        changed,
        Summary {
            organizations: Counts {
                created: 0,
                updated: 1,
                unchanged: 2
            },
            portfolio: Counts {
                created: 0,
                updated: 1,
                unchanged: 1
            },
            participations: 1,
        }
    );
    assert_eq!(counts(&app).await, [3, 2, 3]);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM organization WHERE name_en = 'Technical University of Munich'"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM portfolio_participant WHERE role = 'COORDINATOR'")
            .await,
        2
    );
}

/// The same records as CSV: imported after the JSON Lines files, they change nothing; a bad
/// row is named by the line it starts on, quoted line breaks counted.
async fn csv_rows_say_what_json_lines_say(app: TestApp) {
    import(&app, &organizations(), &items())
        .await
        .expect("imported");
    let dir = tempfile::tempdir().expect("tempdir");
    let (orgs, items_file) = (dir.path().join("orgs.csv"), dir.path().join("items.csv"));
    std::fs::write(
        &orgs,
        "source,externalId,kind,name_en,country,bin,regionCode\n\
         cordis,999,UNIVERSITY,Technical University,DE,,\n\
         cordis,998,ENTERPRISE,Catalyst GmbH,DE,,\n\
         cordis,997,RESEARCH_INSTITUTE,Institute of Catalysis,KZ,940140000385,KZ-75\n",
    )
    .expect("write");
    std::fs::write(
        &items_file,
        "source,externalId,kind,title_ru,title_en,abstract_en,year,startDate,participants\n\
         cordis,H2020-1,,,Hydrocracking catalysts,Pilot-scale tests.,2016,2016-01-01,998|COORDINATOR; cordis:999\n\
         cordis,H2020-2,PUBLICATION,Катализ,,,2017,,997;999\n",
    )
    .expect("write");
    let mut problems = Vec::new();
    let orgs = import::files::read(&orgs, &mut problems).expect("read");
    let portfolio = import::files::read(&items_file, &mut problems).expect("read");
    assert!(problems.is_empty(), "{problems:?}");
    let again = import::run(&app.db, orgs, portfolio, &|_, _, _| {})
        .await
        .expect("imported");
    assert_eq!(
        (again.organizations.unchanged, again.portfolio.unchanged),
        (3, 2),
        "{again:?}"
    );
    assert_eq!(again.organizations.created + again.portfolio.created, 0);

    std::fs::write(
        &items_file,
        "source,externalId,title_en,year,participants\n\
         cordis,X-1,\"Two\nlines\",2016,999\n\
         cordis,X-2,Bad year,20x6,999\n",
    )
    .expect("write");
    let read =
        import::files::read::<import::PortfolioRecord>(&items_file, &mut problems).expect("read");
    assert_eq!(read.len(), 1);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, 4);
    assert!(problems[0].file.ends_with("items.csv"));
}

crate::db_tests!(
    csv_rows_say_what_json_lines_say,
    one_bad_row_writes_nothing_and_is_named,
    a_second_import_changes_nothing_and_a_changed_row_updates,
);

fn write_jsonl(path: &Path, rows: &[Value]) {
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, text).expect("write");
}

/// The binary: a broken line is reported with its file and line and the status is a failure;
/// the good files import and say what they did.
#[test]
fn the_import_command_reports_and_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (orgs, items_file) = (dir.path().join(ORGS), dir.path().join(ITEMS));
    write_jsonl(&orgs, &organizations());
    std::fs::write(&items_file, "{ not json\n").expect("write");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_kopir"))
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("KOPIR_DATABASE_URL")
            .args(["import", "--organizations", ORGS, "--portfolio", ITEMS])
            .output()
            .expect("kopir runs")
    };
    let refused = run();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("portfolio.jsonl:1: not a record"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 bad row(s); nothing was imported"),
        "{stderr}"
    );

    write_jsonl(&items_file, &items());
    let done = run();
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        stdout.contains("organisations 3 created, 0 updated, 0 unchanged; portfolio items 2 created, 0 updated, 0 unchanged; 4 participations written"),
        "{stdout}"
    );
}
