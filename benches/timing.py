#!/usr/bin/env python3
"""No oracle (issue 22, item 3): can a stranger tell from how long an answer takes whether an
address has signed? For each endpoint that takes an address, REQUESTS requests alternate a
known address (one that signed and confirmed) and an unknown one, one at a time over one
keep-alive connection, as a patient prober would. Each is timed from sending to the last
byte of the answer. Then the median-split rule guesses "known" for every answer slower than
the median of all of them; its accuracy (or that of the opposite guess, whichever is
higher) is printed. 50% is a coin; the issue asks for under 60%.

Endpoints, and what "known" and "unknown" mean for each:
  resend         POST /letters/{slug}/resend: a confirmed signer's address / a new one
  sign           POST /letters/{slug}/sign (the form): a confirmed signer signing again / a
                 new address signing
  api            POST /api/v1/letters/{slug}/signatures: the same through the JSON API
  withdraw       POST /withdraw/{token}: a signer who also asked for updates and signed a
                 second letter (more held on the address) / one who holds nothing else
  my-signatures  POST /my-signatures, when this build has the page: a signer's address / a
                 new one

Usage: timing.py BINARY [REQUESTS]
  e.g. python3 benches/timing.py target/release/undersigned 500

With BENCH_POSTGRES_URL (a server where the role may create databases) it runs on a new
PostgreSQL database (dropped at the end) instead of a SQLite file. Other UNDERSIGNED_*
variables pass through to the service, e.g. UNDERSIGNED_LIMITS__ANSWER_STEP_MS=0 to measure
without the answer steps. BENCH_ENDPOINTS=resend,sign limits the run to some endpoints.
"""
import concurrent.futures
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SLUG = "dear-president"
SECOND = "second-letter"
ENDPOINTS = ["resend", "sign", "api", "withdraw", "my-signatures"]


def main() -> None:
    binary = os.path.abspath(sys.argv[1])
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    with tempfile.TemporaryDirectory(prefix="timing-bench-") as directory:
        run(binary, directory, requests)


def run(binary: str, directory: str, requests: int) -> None:
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    database_url = (new_postgres_database(postgres) if postgres
                    else f"sqlite://{os.path.join(directory, 'undersigned.db')}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    mail_dir = os.path.join(directory, "mail")
    env = dict(os.environ)
    # Out of the prober's way, so that every request does its whole work: no rate limits, no
    # minimum form age, and no mailbox limit (over it, a known address would do less).
    for key, value in {
        "DATABASE_URL": database_url,
        "UNDERSIGNED_SERVER__BIND": f"127.0.0.1:{port}",
        "UNDERSIGNED_SERVER__PUBLIC_URL": base,
        "UNDERSIGNED_SERVER__SECRET": "timing-bench",
        "UNDERSIGNED_LOG__LEVEL": "error",
        "UNDERSIGNED_MAIL__TRANSPORT": "file",
        "UNDERSIGNED_MAIL__FILE_DIR": mail_dir,
        "UNDERSIGNED_LIMITS__MIN_FORM_SECONDS": "0",
        "UNDERSIGNED_LIMITS__SIGN_PER_MINUTE": "100000000",
        "UNDERSIGNED_LIMITS__SIGN_BURST": "100000000",
        "UNDERSIGNED_LIMITS__VERIFY_PER_MINUTE": "100000000",
        "UNDERSIGNED_LIMITS__VERIFY_BURST": "100000000",
        "UNDERSIGNED_LIMITS__EMAILS_PER_ADDRESS_PER_HOUR": "100000000",
        "UNDERSIGNED_LIMITS__EMAILS_PER_MINUTE": "100000000",
    }.items():
        env.setdefault(key, value)
    check = lambda *args: subprocess.run([binary, *args], env=env, check=True,
                                         capture_output=True, text=True).stdout
    check("migrate")
    letter = os.path.join(HERE, "..", "examples", "letter.md")
    check("letters", "import", letter)
    with open(letter, encoding="utf-8") as source:
        second = source.read().replace(f'slug = "{SLUG}"', f'slug = "{SECOND}"', 1)
    second_path = os.path.join(directory, "second.md")
    with open(second_path, "w", encoding="utf-8") as target:
        target.write(second)
    check("letters", "import", second_path)

    wanted = os.environ.get("BENCH_ENDPOINTS", ",".join(ENDPOINTS)).split(",")
    server = subprocess.Popen([binary, "serve"], env=env)
    results = []
    try:
        wait_ready(port)
        client = Client(port)
        if "my-signatures" in wanted and client.request("GET", "/my-signatures")[0] == 404:
            print("my-signatures: not in this build, skipped")
            wanted.remove("my-signatures")
        half = requests // 2
        # Known addresses: confirmed signers, half of them holding their address for updates.
        known = [f"known-{n}@example.org" for n in range(50)]
        seed(port, mail_dir, SLUG, known, updates=lambda n: n % 2 == 0)
        for endpoint in [name for name in ENDPOINTS if name in wanted]:
            if endpoint == "withdraw":
                busy = [f"busy-{n}@example.org" for n in range(half)]
                quiet = [f"quiet{n}@example.org" for n in range(half)]
                busy_links = seed(port, mail_dir, SLUG, busy, updates=lambda n: True)
                seed(port, mail_dir, SECOND, busy, updates=lambda n: True)
                quiet_links = seed(port, mail_dir, SLUG, quiet, updates=lambda n: False)
                probes = [(("withdraw", busy_links[address]), True) for address in busy]
                probes = interleave(probes, [(("withdraw", quiet_links[address]), False)
                                             for address in quiet])
            else:
                unknown = [f"new-{endpoint}-{n}@example.org" for n in range(half)]
                probes = interleave([((endpoint, known[n % len(known)]), True)
                                     for n in range(half)],
                                    [((endpoint, address), False) for address in unknown])
            results.append((endpoint, measure(client, probes)))
    finally:
        server.terminate()
        server.wait()
        if postgres:
            subprocess.run(["psql", "-q", "-c",
                            f"DROP DATABASE IF EXISTS {database_url.rsplit('/', 1)[1]}",
                            postgres], check=False)
    backend = "PostgreSQL" if postgres else "SQLite"
    step = env.get("UNDERSIGNED_LIMITS__ANSWER_STEP_MS", "default (20)")
    print(f"{backend}, answer_step_ms {step}, {requests} requests per endpoint")
    print(f"{'endpoint':<14} {'known median':>13} {'unknown median':>15} {'known p90':>10} "
          f"{'unknown p90':>12} {'accuracy':>9}")
    for endpoint, (known_times, unknown_times, accuracy) in results:
        print(f"{endpoint:<14} {ms(statistics.median(known_times)):>13} "
              f"{ms(statistics.median(unknown_times)):>15} {ms(p90(known_times)):>10} "
              f"{ms(p90(unknown_times)):>12} {accuracy:>8.1%}")
    cells = " | ".join(f"{endpoint} {ms(statistics.median(k))}/{ms(statistics.median(u))}, "
                       f"**{accuracy:.1%}**" for endpoint, (k, u, accuracy) in results)
    print(f"markdown: | {backend} | {step} | {cells} |")
    if any(accuracy >= 0.6 for _, (_, _, accuracy) in results):
        sys.exit("a median-split classifier tells known from unknown addresses 60% of the time or more")


class Client:
    """One keep-alive connection, as a prober would hold."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                answer = self.connection.getresponse()
                return answer.status, answer.read()
            except (http.client.HTTPException, OSError):
                if attempt:
                    raise
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        raise AssertionError("unreachable")


def form_stamp(client: Client, slug: str) -> str:
    return stamp_on(client, f"/letters/{slug}")


def stamp_on(client: Client, path: str) -> str:
    """The signed time stamp of the form on the page at `path`."""
    page = client.request("GET", path)[1].decode()
    return re.search(r'name="t" value="([^"]+)"', page).group(1)


def seed(port: int, mail_dir: str, slug: str, addresses: list, updates) -> dict:
    """Signs and confirms each address on `slug`; returns each one's withdraw link path."""
    stamp = form_stamp(Client(port), slug)
    before = set(os.listdir(mail_dir)) if os.path.isdir(mail_dir) else set()

    def sign(numbered):
        number, address = numbered
        fields = {"name": f"Signer {number:04}", "email": address, "city": "Lyon",
                  "public": "on", "t": stamp}
        if updates(number):
            fields["updates"] = "on"
        status, body = Client(port).request(
            "POST", f"/letters/{slug}/sign", urllib.parse.urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 303, (status, body[:300])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(sign, enumerate(addresses)))
    links = {}
    wanted = set(addresses)
    deadline = time.monotonic() + 120
    while len(links) < len(addresses):
        assert time.monotonic() < deadline, f"{len(links)} of {len(addresses)} confirmations arrived"
        for name in set(os.listdir(mail_dir)) - before:
            with open(os.path.join(mail_dir, name), encoding="utf-8", errors="replace") as mail:
                text = mail.read()
            if "</html>" not in text:
                continue
            before.add(name)
            to = re.search(r"^To: *<?([^>\r\n]+)>?", text, re.M)
            verify = re.search(r"/verify/([A-Za-z0-9._~-]+)", text)
            withdraw = re.search(r"/withdraw/([A-Za-z0-9._~-]+)", text)
            # Mail to others (an earlier endpoint's, sent late) is not this seed's.
            if to and verify and withdraw and to.group(1).strip() in wanted:
                links[to.group(1).strip()] = (verify.group(1), withdraw.group(1))
        time.sleep(0.05)

    def confirm(address):
        status, body = Client(port).request("POST", f"/verify/{links[address][0]}", b"",
                                            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, (status, body[:300])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(confirm, addresses))
    return {address: f"/withdraw/{links[address][1]}" for address in addresses}


def interleave(known: list, unknown: list) -> list:
    return [probe for pair in zip(known, unknown) for probe in pair]


def measure(client: Client, probes: list) -> tuple[list, list, float]:
    stamp = form_stamp(client, SLUG)
    api_token = json.loads(client.request("GET", f"/api/v1/letters/{SLUG}")[1])["form_token"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    if any(endpoint == "my-signatures" for (endpoint, _), _ in probes):
        mine_stamp = stamp_on(client, "/my-signatures")
    timed = []
    for (endpoint, target), known in probes:
        if endpoint == "resend":
            request = ("POST", f"/letters/{SLUG}/resend",
                       urllib.parse.urlencode({"email": target, "t": stamp}).encode(), form)
        elif endpoint == "sign":
            request = ("POST", f"/letters/{SLUG}/sign", urllib.parse.urlencode(
                {"name": "Same Name", "email": target, "city": "Lyon", "public": "on",
                 "t": stamp}).encode(), form)
        elif endpoint == "api":
            request = ("POST", f"/api/v1/letters/{SLUG}/signatures", json.dumps(
                {"name": "Same Name", "email": target, "city": "Lyon",
                 "form_token": api_token}).encode(), {"Content-Type": "application/json"})
        elif endpoint == "withdraw":
            request = ("POST", target, b"", form)
        else:
            request = ("POST", "/my-signatures",
                       urllib.parse.urlencode({"email": target, "t": mine_stamp}).encode(), form)
        began = time.perf_counter_ns()
        status, body = client.request(*request)
        took = time.perf_counter_ns() - began
        assert status in (200, 202, 303), (endpoint, status, body[:300])
        timed.append((took, known))
    threshold = statistics.median(took for took, _ in timed)
    right = sum((took > threshold) == known for took, known in timed) / len(timed)
    known_times = [took for took, known in timed if known]
    unknown_times = [took for took, known in timed if not known]
    return known_times, unknown_times, max(right, 1 - right)


def p90(values: list) -> float:
    return sorted(values)[int(len(values) * 0.9)]


def ms(nanoseconds: float) -> str:
    return f"{nanoseconds / 1e6:.2f} ms"


def new_postgres_database(server_url: str) -> str:
    name = f"undersigned_timing_{os.getpid()}_{int(time.time())}"
    subprocess.run(["psql", "-q", "-c", f"CREATE DATABASE {name}", server_url], check=True)
    base = server_url.split("?")[0].rsplit("/", 1)[0]
    return f"{base}/{name}"


def wait_ready(port: int) -> None:
    for _ in range(600):
        try:
            if Client(port).request("GET", "/readyz")[0] == 200:
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
