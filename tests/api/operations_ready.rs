//! `/readyz` tells a balancer whether an instance may take traffic; `/healthz` only that it
//! is alive.

use awc::http::StatusCode;
use diesel::prelude::*;

use crate::helpers::{Backend, spawn_app};

async fn ready_once_migrated_and_not_while_a_migration_is_missing(backend: Backend) {
    let app = spawn_app(backend).await;

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body.trim(), "ready");

    // As if another instance of a newer release were still migrating: the schema lacks a
    // migration this binary embeds.
    let newest: String = {
        let mut connection = app.connection();
        let newest = diesel::sql_query(
            "SELECT version FROM __diesel_schema_migrations ORDER BY version DESC LIMIT 1",
        )
        .load::<Version>(&mut *connection)
        .expect("read applied migrations")
        .pop()
        .expect("at least one migration applied")
        .version;
        diesel::sql_query(format!(
            "DELETE FROM __diesel_schema_migrations WHERE version = '{newest}'"
        ))
        .execute(&mut *connection)
        .expect("forget the newest migration");
        newest
    };

    let not_ready = app.get("/readyz").await;
    assert_eq!(not_ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(not_ready.body.trim(), "migrations pending");
    let alive = app.get("/healthz").await;
    assert_eq!(
        alive.status,
        StatusCode::OK,
        "alive though not ready: a restart would not help"
    );

    diesel::sql_query(format!(
        "INSERT INTO __diesel_schema_migrations (version) VALUES ('{newest}')"
    ))
    .execute(&mut *app.connection())
    .expect("restore the migration record");
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

crate::on_both_backends!(ready_once_migrated_and_not_while_a_migration_is_missing);

/// PostgreSQL refusing connections: the instance stays alive (no restart would help) but is
/// taken out of rotation.
#[actix_web::test]
#[ignore = "needs PostgreSQL (UNDERSIGNED_TEST_POSTGRES_URL); `bash .ci/test` runs it"]
async fn not_ready_while_postgres_refuses_connections_but_still_alive() {
    let admin_url = crate::helpers::postgres_url();
    let app = spawn_app(Backend::Postgres).await;
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    let database = app
        .database_url
        .rsplit('/')
        .next()
        .expect("a database name")
        .to_owned();
    let mut admin = diesel::PgConnection::establish(&admin_url).expect("connect as admin");
    diesel::sql_query(format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false"
    ))
    .execute(&mut admin)
    .expect("refuse new connections");
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    ))
    .execute(&mut admin)
    .expect("drop the app's connections");

    let not_ready = app.get("/readyz").await;
    assert_eq!(not_ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(not_ready.body.trim(), "database unavailable");
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);

    diesel::sql_query(format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true"
    ))
    .execute(&mut admin)
    .expect("accept connections again");
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
}
