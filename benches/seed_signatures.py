#!/usr/bin/env python3
"""Fills an undersigned SQLite database with N confirmed signatures for export and page
benchmarks (see BENCHMARKS.md). Usage: seed_signatures.py DB_PATH SLUG N

The letter must exist (`undersigned letters import`). Signers read the letter in its original
language and, when it has translations, in each of them in turn (column `lang`). Rows are written directly, in large
transactions, because going through the sign form would measure signing, not exporting.
"""
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta


def main() -> None:
    path, slug, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    db = sqlite3.connect(path)
    row = db.execute("SELECT id, content_hash FROM letters WHERE slug = ?", (slug,)).fetchone()
    if row is None:
        sys.exit(f"no letter with slug {slug!r}")
    letter_id, content_hash = row
    # (language, hash of the text in it): the original (NULL) first, then each translation.
    texts = [(None, content_hash)] + db.execute(
        "SELECT lang, content_hash FROM letter_translations WHERE letter_id = ? ORDER BY lang",
        (letter_id,),
    ).fetchall()
    start = datetime(2026, 11, 1)
    batch = []
    for n in range(count):
        created = start + timedelta(seconds=n)
        stamp = created.strftime("%Y-%m-%d %H:%M:%S.%f")
        email = f"signer{n}@example.org"
        kind = "organization" if n % 1000 == 0 else "individual"
        state = "approved" if kind == "organization" else "verified"
        batch.append((
            str(uuid.UUID(int=(int(created.timestamp() * 1000) << 80) | n)), letter_id, kind, state,
            f"Signer Number {n}", email, email,
            f"Organization {n}" if kind == "organization" else None,
            f"organization {n}" if kind == "organization" else None,
            "Volunteer", "Lyon", "France", "=SUM(A1)" if n % 97 == 0 else None, None, 1,
            texts[n % len(texts)][1], stamp, stamp, stamp if state == "approved" else None,
            texts[n % len(texts)][0],
        ))
        if len(batch) == 50_000:
            insert(db, batch)
            batch.clear()
    insert(db, batch)
    db.close()


def insert(db: sqlite3.Connection, rows: list) -> None:
    db.executemany(
        "INSERT INTO signatures (id, letter_id, kind, state, name, email, email_normalized,"
        " organization, organization_normalized, title, city, country, comment, website, public,"
        " content_hash, created_at, verified_at, approved_at, lang)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.commit()


if __name__ == "__main__":
    main()
