//! How long a letter page's snapshot reload takes on an existing database: as
//! `undersigned::read::snapshot::load` does it now (counts read from `signature_tallies`, listings by
//! index seeks) and, for comparison, as it did before (counts grouped from the signature rows,
//! listings filtered by `counted_sql`), then each part alone.
//!
//! ```sh
//! python3 benches/seed_signatures.py /tmp/tally/db dear-president 1000000
//! BENCH_DATABASE=/tmp/tally/db BENCH_SLUG=dear-president cargo bench --bench snapshot
//! ```
//!
//! Knobs (environment): BENCH_DATABASE (required; a SQLite path or a PostgreSQL URL),
//! BENCH_SLUG (dear-president), BENCH_ROUNDS (20). Without `--bench` on the command line
//! (`cargo test --benches`) it only says how to run it.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;
use undersigned::letters::{self, Letter};
use undersigned::signatures::PublicSignatory;
use undersigned::signatures::lists::{self, SignatureCounts};
use undersigned::signatures::state::{self, SignatureKind, SignatureState};

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("snapshot bench: run with BENCH_DATABASE=... cargo bench --bench snapshot");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("snapshot bench failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let url = std::env::var("BENCH_DATABASE")
        .map_err(|_| anyhow::anyhow!("set BENCH_DATABASE to a seeded database"))?;
    let slug = std::env::var("BENCH_SLUG").unwrap_or_else(|_| "dear-president".to_owned());
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(20);
    let pool = undersigned::db::connect(&url, 1)?;
    undersigned::db::migrate(&pool)?;
    let mut connection = pool.get()?;
    let connection: &mut DbConnection = &mut connection;
    let letter = letters::find_by_slug(connection, &slug)?
        .ok_or_else(|| anyhow::anyhow!("no letter {slug}"))?;
    let rows: i64 = signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .count()
        .get_result(connection)?;
    println!("letter {slug}: {rows} signature rows, {rounds} rounds each");

    let mut tallied = None;
    let after = time(rounds, || {
        let snapshot = undersigned::read::snapshot::load(connection, &slug, &[])?
            .ok_or_else(|| anyhow::anyhow!("letter vanished"))?;
        tallied = Some(snapshot.counts);
        Ok(())
    })?;
    let mut grouped = None;
    let before = time(rounds, || {
        let (counts, _) = grouped_counts(connection, &letter)?;
        previous_listing(connection, &letter, SignatureKind::Organization)?;
        previous_listing(connection, &letter, SignatureKind::Individual)?;
        grouped = Some(counts);
        Ok(())
    })?;
    let counts_only = time(rounds, || {
        lists::counted_and_listed(connection, &letter)?;
        Ok(())
    })?;
    let grouped_only = time(rounds, || {
        grouped_counts(connection, &letter)?;
        Ok(())
    })?;
    let organizations = time(rounds, || {
        lists::listed_organizations(
            connection,
            &letter,
            0,
            undersigned::read::snapshot::ORGANIZATIONS_ON_PAGE,
        )?;
        Ok(())
    })?;
    let recent = time(rounds, || {
        lists::listed_individuals(
            connection,
            &letter,
            0,
            undersigned::read::snapshot::RECENT_ON_PAGE,
        )?;
        Ok(())
    })?;
    anyhow::ensure!(
        tallied == grouped,
        "tallies {tallied:?} differ from the row count {grouped:?}"
    );
    println!("counts: {tallied:?}");
    report("reload now (tallies, index-seek listings)", &after);
    report(
        "reload as before (grouped counts, counted_sql listings)",
        &before,
    );
    report("  counts from tallies alone", &counts_only);
    report("  counts grouped from rows alone", &grouped_only);
    report("  listed organizations (first 200, now)", &organizations);
    report("  recent individuals (12, now)", &recent);
    Ok(())
}

/// The previous `counted_and_listed`: one pass over the letter's confirmed rows.
fn grouped_counts(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<(SignatureCounts, SignatureCounts), diesel::result::Error> {
    let groups: Vec<(SignatureState, SignatureKind, bool, i64)> = signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .filter(signatures::state.eq_any(SignatureState::CONFIRMED))
        .group_by((signatures::state, signatures::kind, signatures::public))
        .select((
            signatures::state,
            signatures::kind,
            signatures::public,
            diesel::dsl::count_star(),
        ))
        .load(connection)?;
    let mut counted = SignatureCounts::default();
    let mut listed = SignatureCounts::default();
    for (state, kind, public, count) in groups {
        if !state::is_counted(kind, state, letter.organizations_need_approval) {
            continue;
        }
        let (all, shown) = match kind {
            SignatureKind::Individual => (&mut counted.individuals, &mut listed.individuals),
            SignatureKind::Organization => (&mut counted.organizations, &mut listed.organizations),
        };
        *all += count;
        if public {
            *shown += count;
        }
    }
    Ok((counted, listed))
}

/// The previous listings' filter, kept here only to measure against: an OR over kinds, which
/// makes the database walk every row of the letter before it can sort.
fn counted_sql(
    organizations_need_approval: bool,
) -> Box<
    dyn diesel::expression::BoxableExpression<
            signatures::table,
            undersigned::db::SqlBackend,
            SqlType = diesel::sql_types::Bool,
        >,
> {
    let individual = signatures::kind
        .eq(SignatureKind::Individual)
        .and(signatures::state.eq(SignatureState::Verified));
    let organization_states: Vec<SignatureState> = if organizations_need_approval {
        vec![SignatureState::Approved]
    } else {
        SignatureState::CONFIRMED.to_vec()
    };
    let organization = signatures::kind
        .eq(SignatureKind::Organization)
        .and(signatures::state.eq_any(organization_states));
    Box::new(individual.or(organization))
}

/// The previous listings, filtered by `counted_sql`.
fn previous_listing(
    connection: &mut DbConnection,
    letter: &Letter,
    kind: SignatureKind,
) -> Result<Vec<PublicSignatory>, diesel::result::Error> {
    let query = signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .filter(counted_sql(letter.organizations_need_approval))
        .filter(signatures::kind.eq(kind))
        .filter(signatures::public.eq(true))
        .select(PublicSignatory::as_select());
    match kind {
        SignatureKind::Organization => query
            .order((
                signatures::list_position.is_null().asc(),
                signatures::list_position.asc(),
                signatures::organization_normalized.asc(),
                signatures::id.asc(),
            ))
            .limit(undersigned::read::snapshot::ORGANIZATIONS_ON_PAGE)
            .load(connection),
        SignatureKind::Individual => query
            .order((signatures::verified_at.desc(), signatures::id.desc()))
            .limit(undersigned::read::snapshot::RECENT_ON_PAGE)
            .load(connection),
    }
}

fn time(
    rounds: usize,
    mut work: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        work()?;
        times.push(start.elapsed());
    }
    Ok(times)
}

fn report(label: &str, times: &[Duration]) {
    let first = times.first().copied().unwrap_or_default();
    let mut sorted = times.to_vec();
    sorted.sort();
    let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
    println!(
        "{label}: first {:.3} ms, median {:.3} ms, min {:.3} ms, max {:.3} ms",
        ms(first),
        ms(sorted[sorted.len() / 2]),
        ms(sorted[0]),
        ms(sorted[sorted.len() - 1]),
    );
}
