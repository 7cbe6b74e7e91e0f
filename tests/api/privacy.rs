//! Withdrawal keeps nothing personal: every column of `signatures` that is not declared as
//! saying nothing about the person (`signatures::details::NOT_PERSONAL`) is erased, including
//! columns added after this test was written.

use awc::http::StatusCode;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;
use undersigned::signatures::details::NOT_PERSONAL;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(withdrawal_erases_every_personal_column);

const MARKER: &str = "PERSONAL-MARKER";

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Every column of `signatures` as the database has it (not as the code thinks it is), with
/// its declared type in lower case.
fn columns(app: &TestApp) -> Vec<(String, String)> {
    let mut connection = app.connection();
    let found: Vec<Column> = match &mut *connection {
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "SELECT name, type AS kind FROM pragma_table_info('signatures') ORDER BY cid",
        )
        .load(sqlite),
        DbConnection::Postgresql(postgres) => diesel::sql_query(
            "SELECT column_name::text AS name, data_type::text AS kind \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = 'signatures' \
             ORDER BY ordinal_position",
        )
        .load(postgres),
    }
    .expect("read the columns of signatures");
    found
        .into_iter()
        .map(|column| (column.name, column.kind.to_lowercase()))
        .collect()
}

/// The marker as an SQL literal of the column's type.
fn marker_for(kind: &str, postgres: bool) -> String {
    if kind.contains("bool") {
        if postgres { "TRUE" } else { "1" }.to_owned()
    } else if kind.contains("int") {
        "424242".to_owned()
    } else if kind.contains("timestamp") || kind.contains("date") {
        "'1999-09-09 09:09:09'".to_owned()
    } else {
        format!("'{MARKER}'")
    }
}

fn execute(app: &TestApp, sql: &str) {
    let mut connection = app.connection();
    match &mut *connection {
        DbConnection::Sqlite(sqlite) => diesel::sql_query(sql).execute(sqlite),
        DbConnection::Postgresql(postgres) => diesel::sql_query(sql).execute(postgres),
    }
    .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

fn holds(app: &TestApp, id: &str, column: &str, marker: &str) -> bool {
    let sql =
        format!("SELECT COUNT(*) AS n FROM signatures WHERE id = '{id}' AND {column} = {marker}");
    let mut connection = app.connection();
    let counted: Count = match &mut *connection {
        DbConnection::Sqlite(sqlite) => diesel::sql_query(&sql).get_result(sqlite),
        DbConnection::Postgresql(postgres) => diesel::sql_query(&sql).get_result(postgres),
    }
    .unwrap_or_else(|error| panic!("{sql}: {error}"));
    counted.n > 0
}

/// Signs as `email`, writes the marker into every personal column, withdraws through the
/// emailed link, and returns the personal columns that still hold the marker.
async fn columns_kept_after_withdrawal(app: &TestApp, email: &str) -> Vec<String> {
    let signed = app
        .sign(
            "dear-president",
            &[
                ("name", "Ada Lovelace"),
                ("email", email),
                ("city", "London"),
                ("country", "UK"),
                ("comment", "For my daughter"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mails = app.wait_for_mails_to(email, 1).await;
    let withdraw = mails[0].link("/withdraw/");
    let id: String = signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature");

    let postgres = matches!(&*app.connection(), DbConnection::Postgresql(_));
    let personal: Vec<(String, String)> = columns(app)
        .into_iter()
        .filter(|(name, _)| !NOT_PERSONAL.contains(&name.as_str()))
        .map(|(name, kind)| {
            let marker = marker_for(&kind, postgres);
            (name, marker)
        })
        .collect();
    for (column, marker) in &personal {
        execute(
            app,
            &format!("UPDATE signatures SET {column} = {marker} WHERE id = '{id}'"),
        );
        assert!(holds(app, &id, column, marker), "{column} holds the marker");
    }

    let withdrawn = app.post_form(&withdraw, "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    let state: String = signatures::table
        .find(&id)
        .select(signatures::state)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature");
    assert_eq!(state, "withdrawn");
    personal
        .iter()
        .filter(|(column, marker)| holds(app, &id, column, marker))
        .map(|(column, _)| column.clone())
        .collect()
}

async fn withdrawal_erases_every_personal_column(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let all = columns(&app);
    for expected in [
        "name",
        "email",
        "email_normalized",
        "city",
        "comment",
        "public",
    ] {
        assert!(
            all.iter().any(|(name, _)| name == expected),
            "the schema is read: {expected} in {all:?}"
        );
    }
    let kept = columns_kept_after_withdrawal(&app, "ada@example.org").await;
    assert!(
        kept.is_empty(),
        "withdrawal kept personal columns: {kept:?}"
    );

    // The check has teeth: a personal column added to the table and forgotten in
    // `SignerDetails` is caught.
    execute(&app, "ALTER TABLE signatures ADD COLUMN nickname TEXT");
    let kept = columns_kept_after_withdrawal(&app, "grace@example.org").await;
    assert_eq!(kept, vec!["nickname".to_owned()]);
}
