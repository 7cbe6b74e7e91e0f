//! Stopping an instance without losing a request. One instance draining on SIGTERM (both
//! backends): `/readyz` fails at once while pages and signatures are still served until
//! `server.drain_seconds` ends; then, in the hand-off, reads are answered 503 with
//! `Retry-After` (what makes nginx move on) while signatures are still stored; then it exits
//! cleanly.
//! And the rolling restart DEPLOYMENT.md describes (PostgreSQL, the shape with several
//! instances): Debian's nginx runs deploy/nginx-debian.conf and deploy/nginx-proxy.conf as
//! written (only addresses, ports and certificate paths replaced) in front of two real
//! instances; clients sign and read pages over TLS without pause while each instance in turn
//! gets SIGTERM and is started again. No client sees a 5xx or a broken connection, and every
//! acknowledged signature is stored.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;
use undersigned::letters::import;

use crate::harness::{Config, Server, free_port, wait_until};
use crate::helpers::{
    Backend, encode, form_time_in, form_time_signed, fresh_database_url, letter_document,
    postgres_url, unix_now,
};
use crate::on_both_backends;

on_both_backends!(sigterm_fails_readyz_at_once_and_serves_until_the_drain_ends);

const SLUG: &str = "rolling-restart";
/// People signing at the same time through nginx.
const CLIENTS: usize = 8;
const SECRET: &str = "rolling-restart-secret";
/// The name the TLS certificate and the site are for, as in deploy/nginx-debian.conf.
const SITE: &str = "letters.example.org";

fn instance(database_url: &str, mail_dir: &Path, drain_seconds: u64) -> Config {
    Config::new(database_url)
        .mail_files(mail_dir)
        .unlimited()
        .set("server.secret", SECRET)
        .set("server.workers", 2)
        .set("database.pool_size", 4)
        .set("server.drain_seconds", drain_seconds)
}

fn port_of(server: &Server) -> u16 {
    server
        .address()
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .expect("the server's port")
}

fn publish_letter(database_url: &str) {
    let pool = undersigned::db::connect(database_url, 1).expect("open the database");
    let document =
        import::parse_document(&letter_document(SLUG, "open", "")).expect("a valid letter");
    import::store(&mut pool.get().expect("a connection"), &document).expect("letter stored");
}

fn stored_emails(database_url: &str) -> Vec<String> {
    let pool = undersigned::db::connect(database_url, 1).expect("open the database");
    signatures::table
        .select(signatures::email)
        .load(&mut *pool.get().expect("a connection") as &mut DbConnection)
        .expect("read signatures")
}

/// One HTTP/1.1 request on a fresh socket, asking to keep the connection; the status line
/// and headers of the answer, lower-cased.
fn raw_head(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !answer.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).expect("read the answer");
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&answer).to_lowercase();
    text.split("\r\n\r\n").next().unwrap_or_default().to_owned()
}

fn get_head(port: u16, path: &str) -> String {
    raw_head(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"),
    )
}

fn sign_head(port: u16, email: &str, form_time: &str) -> String {
    let body = encode(&[("name", "Dana Drain"), ("email", email), ("t", form_time)]);
    raw_head(
        port,
        &format!(
            "POST /letters/{SLUG}/sign HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

async fn sigterm_fails_readyz_at_once_and_serves_until_the_drain_ends(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    // Long enough to look at it; a second SIGTERM would end it early, so none is sent.
    let mut server = instance(&database_url, &directory.path().join("mail"), 4)
        .start()
        .await;
    publish_letter(&database_url);
    let port = port_of(&server);
    let before = get_head(port, &format!("/letters/{SLUG}"));
    assert!(before.starts_with("http/1.1 200"), "{before}");
    assert!(!before.contains("connection: close"), "{before}");
    let form_time = form_time_signed(SECRET, &letter_id(&database_url), unix_now() - 5);

    server.send_sigterm();
    wait_until(
        "/readyz fails after SIGTERM",
        Duration::from_secs(5),
        || get_head(port, "/readyz").starts_with("http/1.1 503"),
    )
    .await;
    // Draining: everything is still served.
    let page = get_head(port, &format!("/letters/{SLUG}"));
    assert!(
        page.starts_with("http/1.1 200"),
        "a page during the drain: {page}"
    );
    let signed = sign_head(port, "during-the-drain@example.org", &form_time);
    assert!(
        signed.starts_with("http/1.1 303"),
        "a signature during the drain: {signed}"
    );
    // The hand-off: a read is turned away, to be sent again (by nginx, to another instance;
    // by a person, in a moment); a signature is still taken; the process is still alive.
    let mut turned_away = String::new();
    wait_until("the drain ends", Duration::from_secs(20), || {
        turned_away = get_head(port, &format!("/letters/{SLUG}"));
        !turned_away.starts_with("http/1.1 200")
    })
    .await;
    assert!(
        turned_away.starts_with("http/1.1 503")
            && turned_away.contains("retry-after: 1")
            && turned_away.contains("content-type: text/html"),
        "a read in the hand-off: {turned_away}"
    );
    let signed = sign_head(port, "during-the-hand-off@example.org", &form_time);
    assert!(
        signed.starts_with("http/1.1 303"),
        "a signature in the hand-off: {signed}"
    );
    let alive = get_head(port, "/healthz");
    assert!(
        alive.starts_with("http/1.1 200"),
        "alive while stopping: {alive}"
    );

    let status = server.exited().await;
    assert!(status.success(), "a drained stop exits cleanly: {status}");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the listener is closed after the drain"
    );
    let mut stored = stored_emails(&database_url);
    stored.sort();
    assert_eq!(
        stored,
        [
            "during-the-drain@example.org",
            "during-the-hand-off@example.org"
        ],
        "the signatures acknowledged while stopping are stored"
    );
}

fn letter_id(database_url: &str) -> String {
    use undersigned::db::schema::letters;
    let pool = undersigned::db::connect(database_url, 1).expect("open the database");
    letters::table
        .filter(letters::slug.eq(SLUG))
        .select(letters::id)
        .first(&mut *pool.get().expect("a connection") as &mut DbConnection)
        .expect("the letter exists")
}

/// Debian's nginx, run by this test as a user-level process (never as root: under root it
/// is started as `nobody` through util-linux's setpriv) with its own prefix, logs and temp
/// directories, on free loopback ports. Stopped (SIGTERM, a fast shutdown of the master and
/// its worker) when the test ends.
struct Nginx {
    child: Child,
    directory: PathBuf,
    http_port: u16,
    https_port: u16,
    /// The test's certificate authority, which signed the site's certificate.
    ca: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

const NGINX: &str = "/usr/sbin/nginx";

fn deploy_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

/// deploy/nginx-debian.conf with the addresses and paths of this test put where an operator
/// puts theirs; every replaced text must still be in the file, so that the test follows it.
fn render_site(instances: [u16; 2], directory: &Path, http_port: u16, https_port: u16) -> String {
    let [a, b] = instances;
    let directory = directory.display();
    let replacements = [
        ("127.0.0.1:8081", format!("127.0.0.1:{a}")),
        ("127.0.0.1:8082", format!("127.0.0.1:{b}")),
        ("listen 80;", format!("listen 127.0.0.1:{http_port};")),
        (
            "listen 443 ssl http2;",
            format!("listen 127.0.0.1:{https_port} ssl http2;"),
        ),
        (
            "/etc/letsencrypt/live/letters.example.org/fullchain.pem",
            format!("{directory}/site.pem"),
        ),
        (
            "/etc/letsencrypt/live/letters.example.org/privkey.pem",
            format!("{directory}/site.key"),
        ),
        (
            "/etc/nginx/snippets/undersigned-proxy.conf",
            format!("{directory}/undersigned-proxy.conf"),
        ),
        ("/var/www/html", format!("{directory}/www")),
    ];
    let mut site = deploy_file("nginx-debian.conf");
    for (from, to) in replacements {
        assert!(
            site.contains(from),
            "deploy/nginx-debian.conf no longer says {from:?}; tell this test what replaced it"
        );
        site = site.replace(from, &to);
    }
    // The test listens on IPv4 loopback only.
    site.lines()
        .filter(|line| !line.contains("listen [::]"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn run(command: &mut Command) {
    let output = command.output().expect("run a command");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A certificate authority and a certificate for `SITE` signed by it (webpki, under rustls,
/// refuses a self-signed certificate that is its own authority).
fn make_certificates(directory: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(Command::new("openssl")
        .current_dir(directory)
        .args(["req", "-x509", "-new"])
        .args(ec)
        .args(["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"])
        .args(["-subj", "/CN=undersigned test authority"]));
    run(Command::new("openssl")
        .current_dir(directory)
        .args(["req", "-new"])
        .args(ec)
        .args(["-keyout", "site.key", "-out", "site.csr"])
        .args(["-subj", &format!("/CN={SITE}")]));
    std::fs::write(
        directory.join("site.ext"),
        format!(
            "subjectAltName=DNS:{SITE}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        ),
    )
    .expect("write the extensions");
    run(Command::new("openssl")
        .current_dir(directory)
        .args([
            "x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        ])
        .args([
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "site.pem",
            "-extfile",
            "site.ext",
        ]));
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|metadata| metadata.uid() == 0)
}

impl Nginx {
    /// Starts nginx in front of the instances on ports `a` and `b`; fails the test, naming
    /// what is missing, when nginx or openssl is not installed.
    fn start(instances: [u16; 2], parent: &Path) -> Nginx {
        let installed =
            Path::new(NGINX).exists() && Command::new("openssl").arg("version").output().is_ok();
        crate::harness::needs(
            "nginx and openssl",
            installed.then_some(()).ok_or_else(|| {
                format!("{NGINX} or openssl is missing (`bash .ci/run` installs them)")
            }),
        );
        let directory = parent.join("nginx");
        std::fs::create_dir_all(directory.join("www")).expect("nginx's directory");
        make_certificates(&directory);
        let (http_port, https_port) = (free_port(), free_port());
        std::fs::write(
            directory.join("site.conf"),
            render_site(instances, &directory, http_port, https_port),
        )
        .expect("site");
        std::fs::write(
            directory.join("undersigned-proxy.conf"),
            deploy_file("nginx-proxy.conf"),
        )
        .expect("proxy settings");
        // What Debian's /etc/nginx/nginx.conf does around the site, with this test's paths;
        // the access log names the instance (or instances, after a retry) of each request.
        let d = directory.display();
        std::fs::write(
            directory.join("nginx.conf"),
            format!(
                "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log notice;\n\
                 events {{ worker_connections 512; }}\n\
                 http {{\n  log_format upstreams '$request_method $status \"$upstream_addr\" \"$upstream_status\"';\n  \
                 access_log {d}/access.log upstreams;\n  client_body_temp_path {d}/body;\n  \
                 proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  \
                 uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  include {d}/site.conf;\n}}\n"
            ),
        )
        .expect("nginx.conf");
        let as_nobody = running_as_root();
        if as_nobody {
            use std::os::unix::fs::PermissionsExt;
            for path in [parent, directory.as_path()] {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777))
                    .expect("let nginx's user in");
            }
            for file in std::fs::read_dir(&directory).expect("nginx's files") {
                let path = file.expect("a file").path();
                if path.is_file() {
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
                        .expect("let nginx's user read it");
                }
            }
        }
        let nginx_command = |arguments: &[&str]| {
            let mut command = if as_nobody {
                let mut command = Command::new("setpriv");
                command.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", NGINX]);
                command
            } else {
                Command::new(NGINX)
            };
            command
                .args(arguments)
                .arg("-e")
                .arg(directory.join("error.log"))
                .arg("-p")
                .arg(&directory)
                .arg("-c")
                .arg(directory.join("nginx.conf"));
            command
        };
        // As an operator does before a reload: nginx -t.
        run(&mut nginx_command(&["-t", "-q"]));
        let child = nginx_command(&[]).spawn().expect("start nginx");
        let mut nginx = Nginx {
            child,
            ca: directory.join("ca.pem"),
            directory,
            http_port,
            https_port,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", nginx.https_port)).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                panic!("nginx exited: {status}: {}", nginx.error_log());
            }
            assert!(
                Instant::now() < deadline,
                "nginx did not listen: {}",
                nginx.error_log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        nginx
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.directory.join("error.log")).unwrap_or_default()
    }

    /// The access log: one line per request, with the instance(s) nginx passed it to.
    fn access_log(&self) -> Vec<String> {
        std::fs::read_to_string(self.directory.join("access.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// A client that trusts the test's authority and speaks HTTP/1.1 over TLS to nginx.
    fn client(&self) -> awc::Client {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_file(&self.ca).expect("the test's authority"))
            .expect("a trusted authority");
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        awc::Client::builder()
            .connector(awc::Connector::new().rustls_0_23(Arc::new(config)))
            .disable_redirects()
            .timeout(Duration::from_secs(30))
            .finish()
    }

    fn url(&self, path: &str) -> String {
        format!("https://{SITE}:{}{path}", self.https_port)
    }

    fn address(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.https_port))
    }
}

/// What the clients saw through nginx.
#[derive(Default)]
struct Tally {
    requests: usize,
    /// The addresses whose signature was acknowledged (303 to the "check your email" page).
    acknowledged: Vec<String>,
    /// Every answer a person would call a failure: a 5xx, a broken or refused connection, a
    /// sign that was not acknowledged.
    failures: Vec<String>,
}

type Shared<T> = Rc<std::cell::RefCell<T>>;

/// One person after another: open the letter, sign with its form, now and then read the
/// JSON a member site reads; until `stop`.
async fn clients_sign(
    client: awc::Client,
    nginx: (SocketAddr, String),
    worker: usize,
    stop: Rc<std::cell::Cell<bool>>,
    tally: Shared<Tally>,
) {
    let (address, base) = nginx;
    let mut person = 0;
    while !stop.get() {
        person += 1;
        let page = client
            .get(format!("{base}/letters/{SLUG}"))
            .address(address)
            .send()
            .await;
        let body = match page {
            Ok(mut response) => {
                let body = response.body().limit(1 << 20).await.unwrap_or_default();
                note(&tally, "GET page", response.status(), &body)
            }
            Err(error) => fail(&tally, format!("GET page: {error}")),
        };
        let email = format!("signer-{worker}-{person}@example.org");
        let form = encode(&[
            ("name", "Sam Signer"),
            ("email", &email),
            ("t", &form_time_in(&body)),
        ]);
        let signed = client
            .post(format!("{base}/letters/{SLUG}/sign"))
            .address(address)
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .send_body(form)
            .await;
        match signed {
            Ok(mut response) if response.status() == StatusCode::SEE_OTHER => {
                let _ = response.body().await;
                let mut tally = tally.borrow_mut();
                tally.requests += 1;
                tally.acknowledged.push(email);
            }
            Ok(mut response) => {
                let body = response.body().limit(1 << 20).await.unwrap_or_default();
                let excerpt: String = String::from_utf8_lossy(&body).chars().take(200).collect();
                fail(
                    &tally,
                    format!(
                        "POST sign not acknowledged: {}: {excerpt}",
                        response.status()
                    ),
                );
            }
            Err(error) => {
                fail(&tally, format!("POST sign: {error}"));
            }
        }
        if person % 4 == 0 {
            match client
                .get(format!("{base}/api/v1/letters/{SLUG}"))
                .address(address)
                .send()
                .await
            {
                Ok(mut response) => {
                    let body = response.body().limit(1 << 20).await.unwrap_or_default();
                    note(&tally, "GET json", response.status(), &body);
                }
                Err(error) => {
                    fail(&tally, format!("GET json: {error}"));
                }
            }
        }
    }
}

/// Counts an answer; a 5xx is a failure. The body, as text.
fn note(tally: &Shared<Tally>, what: &str, status: StatusCode, body: &[u8]) -> String {
    let body = String::from_utf8_lossy(body).into_owned();
    let mut tally = tally.borrow_mut();
    tally.requests += 1;
    if status.is_server_error() {
        let excerpt: String = body.chars().take(200).collect();
        tally.failures.push(format!("{what}: {status}: {excerpt}"));
    }
    body
}

fn fail(tally: &Shared<Tally>, failure: String) -> String {
    let mut tally = tally.borrow_mut();
    tally.requests += 1;
    tally.failures.push(failure);
    String::new()
}

#[actix_web::test]
#[ignore = "needs PostgreSQL (UNDERSIGNED_TEST_POSTGRES_URL), nginx and openssl; `bash .ci/test` runs it"]
async fn a_rolling_restart_behind_nginx_answers_every_request_and_stores_every_signature() {
    postgres_url();
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(Backend::Postgres, directory.path());
    // A short drain keeps the test quick: nginx does not ask /readyz, so what keeps its
    // requests safe is the hand-off after the drain, whatever the drain's length.
    let config = instance(&database_url, &directory.path().join("mail"), 2);
    let mut servers = [config.spawn(), config.spawn()];
    for server in &mut servers {
        server.ready().await;
    }
    publish_letter(&database_url);
    let nginx = Nginx::start(
        [port_of(&servers[0]), port_of(&servers[1])],
        directory.path(),
    );
    let redirect = get_head(nginx.http_port, &format!("/letters/{SLUG}"));
    assert!(
        redirect.starts_with("http/1.1 301")
            && redirect.contains(&format!("location: https://127.0.0.1/letters/{SLUG}")),
        "plain HTTP is sent to https: {redirect}"
    );

    let stop = Rc::new(std::cell::Cell::new(false));
    let tally: Shared<Tally> = Rc::default();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|worker| {
            actix_web::rt::spawn(clients_sign(
                nginx.client(),
                (nginx.address(), nginx.url("")),
                worker,
                Rc::clone(&stop),
                Rc::clone(&tally),
            ))
        })
        .collect();
    let acknowledged = |at_least: usize| {
        let tally = Rc::clone(&tally);
        move || tally.borrow().acknowledged.len() >= at_least
    };
    wait_until(
        "clients sign through nginx",
        Duration::from_secs(30),
        acknowledged(20),
    )
    .await;

    // DEPLOYMENT.md's rolling restart: stop one, start it again, wait until it takes traffic
    // again, then the other.
    for server in &mut servers {
        let status = server.sigterm().await;
        assert!(status.success(), "a drained stop exits cleanly: {status}");
        let logged = nginx.access_log().len();
        server.restart().await;
        let instance = format!("127.0.0.1:{}", port_of(server));
        wait_until(
            "nginx sends requests to the restarted instance again",
            Duration::from_secs(30),
            || {
                nginx.access_log()[logged..]
                    .iter()
                    .any(|line| line.contains(&instance))
            },
        )
        .await;
    }
    let so_far = tally.borrow().acknowledged.len();
    wait_until(
        "clients sign after the restarts",
        Duration::from_secs(30),
        acknowledged(so_far + 20),
    )
    .await;
    stop.set(true);
    for client in clients {
        client.await.expect("a client task ends");
    }

    let tally = tally.borrow();
    let log = nginx.access_log();
    let retried = log.iter().filter(|line| line.contains(", ")).count();
    let stored: std::collections::HashSet<String> =
        stored_emails(&database_url).into_iter().collect();
    let missing: Vec<&String> = tally
        .acknowledged
        .iter()
        .filter(|email| !stored.contains(*email))
        .collect();
    // The figures DEPLOYMENT.md and the issue quote (`cargo test ... -- --nocapture`).
    eprintln!(
        "rolling restart through nginx: {} requests, {} signatures acknowledged, {} failed, \
         {retried} passed on to the other instance by nginx, {} acknowledged and not stored",
        tally.requests,
        tally.acknowledged.len(),
        tally.failures.len(),
        missing.len()
    );
    assert!(
        tally.failures.is_empty(),
        "clients saw failures through nginx: {:?}\nnginx: {}",
        tally.failures,
        nginx.error_log()
    );
    assert!(
        missing.is_empty(),
        "acknowledged and not stored: {missing:?}"
    );
}
