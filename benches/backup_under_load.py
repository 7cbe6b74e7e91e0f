#!/usr/bin/env python3
"""Times `undersigned backup` on SQLite while the service signs, as in issue 19 (item 5): a
database seeded with N signatures, the service signing from SIGNERS threads for WARMUP
seconds with its mail server unreachable (so the outbox grows, as it did when `sqlite3
.backup` never finished), then the backup, signing on. Then the copy is checked as an
operator restores it: every signature acknowledged before the backup began is in it, its
waiting emails are held, and none is left for the worker to send again.

Usage: backup_under_load.py BINARY [N] [WARMUP] [SIGNERS]
  e.g. python3 benches/backup_under_load.py target/release/undersigned 100000 30 8

With BENCH_POSTGRES_URL (a server where the role may create databases) it runs on a new
PostgreSQL database instead (not seeded: N is ignored), backs up with `pg_dump` through the
same command, and checks the copy restored with `pg_restore` into another new database.
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    binary = os.path.abspath(sys.argv[1])
    seeded = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    warmup = float(sys.argv[3]) if len(sys.argv) > 3 else 30
    signers = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    with tempfile.TemporaryDirectory(prefix="backup-bench-") as directory:
        run(binary, directory, seeded, warmup, signers)


def run(binary: str, directory: str, seeded: int, warmup: float, signers: int) -> None:
    database = os.path.join(directory, "undersigned.db")
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    if postgres:
        seeded = 0
        database_url = new_postgres_database(postgres, "bench")
    else:
        database_url = f"sqlite://{database}"
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        UNDERSIGNED_SERVER__BIND=f"127.0.0.1:{port}",
        UNDERSIGNED_SERVER__SECRET="bench",
        UNDERSIGNED_LOG__LEVEL="error",
        UNDERSIGNED_MAIL__TRANSPORT="smtp",
        UNDERSIGNED_MAIL__SMTP_URL=f"smtp://127.0.0.1:{free_port()}",
        UNDERSIGNED_MAIL__RETRY_BASE_SECONDS="3600",
        UNDERSIGNED_LIMITS__MIN_FORM_SECONDS="0",
        UNDERSIGNED_LIMITS__SIGN_PER_MINUTE="100000000",
        UNDERSIGNED_LIMITS__SIGN_BURST="100000000",
        UNDERSIGNED_LIMITS__EMAILS_PER_ADDRESS_PER_HOUR="1000",
    )
    check = lambda *args: subprocess.run([binary, *args], env=env, check=True,
                                         capture_output=True, text=True).stdout
    check("migrate")
    check("letters", "import", os.path.join(HERE, "..", "examples", "letter.md"))
    if not postgres:
        subprocess.run([sys.executable, os.path.join(HERE, "seed_signatures.py"), database,
                        "dear-president", str(seeded)], check=True, capture_output=True)
    server = subprocess.Popen([binary, "serve"], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base)
        acknowledged: list[tuple[float, str]] = []
        stop = threading.Event()
        threads = [threading.Thread(target=sign_until, args=(base, n, stop, acknowledged))
                   for n in range(signers)]
        for thread in threads:
            thread.start()
        time.sleep(warmup)
        size_before = 0 if postgres else os.path.getsize(database)
        began = time.monotonic()
        before = {email for _, email in list(acknowledged)}
        backup = os.path.join(directory, "backup.db")
        said = check("backup", backup)
        took = time.monotonic() - began
        during = sum(1 for at, _ in list(acknowledged) if began <= at <= began + took)
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait()
    if postgres:
        # Restored as DEPLOYMENT.md says; the first start (here `outbox status`) holds its mail.
        restored = new_postgres_database(postgres, "restored")
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored,
                        backup], check=True)
        subprocess.run([binary, "outbox", "status"], env=dict(env, DATABASE_URL=restored),
                       check=True, capture_output=True)
        query = lambda sql: subprocess.run(["psql", "-At", "-F", "|", "-c", sql, restored],
                                           check=True, capture_output=True,
                                           text=True).stdout.split()
        in_copy = set(query("SELECT email FROM signatures"))
        states = {state: int(count) for state, count in
                  (row.split("|") for row in query("SELECT state, COUNT(*) FROM outbox GROUP BY state"))}
    else:
        copy = sqlite3.connect(backup)
        in_copy = {row[0] for row in copy.execute("SELECT email FROM signatures")}
        states = dict(copy.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
    missing = before - in_copy
    print(said.strip())
    print(f"database {size_before / 1e6:.0f} MB (0: PostgreSQL, not measured) before the backup; {seeded} seeded signatures, "
          f"{len(acknowledged)} signed in the run by {signers} threads")
    print(f"backup under load: {took:.2f} s (command wall time); {during} signatures "
          f"acknowledged while it ran ({during / took:.0f}/s)")
    print(f"acknowledged before the backup and missing from it: {len(missing)}")
    print(f"outbox in the copy: {states}; left for the worker to send again: "
          f"{states.get('waiting', 0) + states.get('sending', 0)}")
    if postgres:
        for url in (database_url, restored):
            subprocess.run(["psql", "-q", "-c", f"DROP DATABASE {url.rsplit('/', 1)[1]}",
                            postgres], check=True)


def new_postgres_database(server_url: str, purpose: str) -> str:
    name = f"undersigned_{purpose}_{os.getpid()}_{int(time.time())}"
    subprocess.run(["psql", "-q", "-c", f"CREATE DATABASE {name}", server_url], check=True)
    base = server_url.split("?")[0].rsplit("/", 1)[0]
    return f"{base}/{name}"


def sign_until(base: str, thread: int, stop: threading.Event, acknowledged: list) -> None:
    page = urllib.request.urlopen(f"{base}/letters/dear-president").read().decode()
    stamp = re.search(r'name="t" value="([^"]+)"', page).group(1)
    opener = urllib.request.build_opener(NoRedirect)
    number = 0
    while not stop.is_set():
        number += 1
        email = f"bench-{thread}-{number}@example.org"
        body = urllib.parse.urlencode({"name": f"Bench {number}", "email": email, "t": stamp})
        try:
            opener.open(f"{base}/letters/dear-president/sign", body.encode())
        except urllib.error.HTTPError as answer:
            if answer.code != 303:
                raise
            acknowledged.append((time.monotonic(), email))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_ready(base: str) -> None:
    for _ in range(600):
        try:
            if urllib.request.urlopen(f"{base}/readyz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("the service did not become ready")


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
