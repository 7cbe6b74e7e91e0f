//! A TCP proxy the test controls, put between the service and its database to play the ways
//! a database goes away: it passes bytes through, goes silent (accepts connections and
//! answers nothing, as a hung server or a pooler without a backend does), refuses
//! connections (a server that is down), or delays every piece (a slow network). Plain
//! threads: the service under test runs in its own process.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Pass,
    /// Accepts connections and forwards nothing either way, on new and open connections.
    Silent,
    /// Refuses connections (the port is closed) and drops the open ones.
    Closed,
    /// Passes each piece after this delay.
    Slow(Duration),
}

struct Shared {
    mode: Mutex<Mode>,
    /// Every socket of every connection, to cut them all at once.
    sockets: Mutex<Vec<TcpStream>>,
    /// Counts the cuts: a connection held through one is over.
    cuts: AtomicU64,
    stopped: AtomicBool,
}

pub struct TcpProxy {
    address: SocketAddr,
    shared: Arc<Shared>,
}

/// How often a waiting thread looks at the mode again.
const TICK: Duration = Duration::from_millis(10);

impl TcpProxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub fn start(upstream: SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let address = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared {
            mode: Mutex::new(Mode::Pass),
            sockets: Mutex::new(Vec::new()),
            cuts: AtomicU64::new(0),
            stopped: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        std::thread::spawn(move || accept(Some(listener), address, upstream, &accepting));
        TcpProxy { address, shared }
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    fn mode(&self) -> Mode {
        mode(&self.shared)
    }

    /// Switches mode. Leaving silence or a closed port for service cuts every connection
    /// of before, as a restarted server would have forgotten them; closing the port cuts
    /// them at once.
    pub fn set(&self, mode: Mode) {
        let before = self.mode();
        *self.shared.mode.lock().expect("the proxy's mode") = mode;
        let was_out = matches!(before, Mode::Silent | Mode::Closed);
        let is_out = matches!(mode, Mode::Silent | Mode::Closed);
        if mode == Mode::Closed || (was_out && !is_out) {
            self.cut();
        }
    }

    /// Ends a silence as a hung server that wakes up does: what was held goes through, and
    /// the connections of before carry on.
    pub fn resume(&self) {
        *self.shared.mode.lock().expect("the proxy's mode") = Mode::Pass;
    }

    fn cut(&self) {
        self.shared.cuts.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut sockets) = self.shared.sockets.lock() {
            for socket in sockets.drain(..) {
                let _ = socket.shutdown(Shutdown::Both);
            }
        }
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        self.cut();
    }
}

fn mode(shared: &Shared) -> Mode {
    // A poisoned lock means a proxy thread panicked: the test fails rather than pass traffic.
    *shared.mode.lock().expect("the proxy's mode")
}

fn accept(
    mut listener: Option<TcpListener>,
    address: SocketAddr,
    upstream: SocketAddr,
    shared: &Arc<Shared>,
) {
    while !shared.stopped.load(Ordering::SeqCst) {
        if mode(shared) == Mode::Closed {
            // Dropping the listener closes the port: connecting is refused.
            listener = None;
            std::thread::sleep(TICK);
            continue;
        }
        let Some(open) = listener.as_ref() else {
            // Open the same port again (std sets SO_REUSEADDR).
            listener = TcpListener::bind(address).ok();
            if let Some(open) = &listener {
                let _ = open.set_nonblocking(true);
            } else {
                std::thread::sleep(TICK);
            }
            continue;
        };
        let _ = open.set_nonblocking(true);
        match open.accept() {
            Ok((client, _)) => {
                let _ = client.set_nonblocking(false);
                let shared = Arc::clone(shared);
                std::thread::spawn(move || connect(client, upstream, &shared));
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => std::thread::sleep(TICK),
            Err(_) => std::thread::sleep(TICK),
        }
    }
}

/// One client connection: held unanswered while silent, else joined to the upstream.
fn connect(client: TcpStream, upstream: SocketAddr, shared: &Arc<Shared>) {
    let cuts = shared.cuts.load(Ordering::SeqCst);
    keep(shared, &client);
    while mode(shared) == Mode::Silent {
        if shared.stopped.load(Ordering::SeqCst) {
            return;
        }
        std::thread::sleep(TICK);
    }
    // Silence ended by a cut (the client's socket is shut down already).
    if shared.cuts.load(Ordering::SeqCst) != cuts {
        return;
    }
    let Ok(server) = TcpStream::connect(upstream) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    keep(shared, &server);
    let (Ok(client_reader), Ok(server_reader)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let forward = Arc::clone(shared);
    std::thread::spawn(move || pump(client_reader, server, &forward));
    pump(server_reader, client, shared);
}

fn keep(shared: &Shared, socket: &TcpStream) {
    if let (Ok(mut sockets), Ok(clone)) = (shared.sockets.lock(), socket.try_clone()) {
        sockets.push(clone);
    }
}

/// Copies `from` to `to` until either closes, reading nothing while silent.
fn pump(mut from: TcpStream, mut to: TcpStream, shared: &Shared) {
    let _ = from.set_read_timeout(Some(Duration::from_millis(50)));
    let mut buffer = [0_u8; 16 * 1024];
    loop {
        if shared.stopped.load(Ordering::SeqCst) {
            break;
        }
        match mode(shared) {
            Mode::Silent => {
                std::thread::sleep(TICK);
                continue;
            }
            Mode::Closed => break,
            Mode::Pass | Mode::Slow(_) => {}
        }
        match from.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => {
                // Read just as the proxy went silent: held, and dropped if the silence ends
                // with a cut.
                let cuts = shared.cuts.load(Ordering::SeqCst);
                while mode(shared) == Mode::Silent && !shared.stopped.load(Ordering::SeqCst) {
                    std::thread::sleep(TICK);
                }
                if shared.cuts.load(Ordering::SeqCst) != cuts {
                    break;
                }
                if let Mode::Slow(delay) = mode(shared) {
                    std::thread::sleep(delay);
                }
                if to.write_all(&buffer[..read]).is_err() {
                    break;
                }
            }
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

/// The proxy is what the outage tests stand on: if a mode did not do what it says, they would
/// test a different outage (or none). Each mode is checked here against an echo server.
#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A server that sends back every byte it reads, on a free loopback port.
    fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the echo server");
        let address = listener.local_addr().expect("echo address");
        std::thread::spawn(move || {
            for connection in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let Ok(mut reader) = connection.try_clone() else {
                        return;
                    };
                    let mut writer = connection;
                    let _ = std::io::copy(&mut reader, &mut writer);
                });
            }
        });
        address
    }

    fn client(proxy: &TcpProxy) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", proxy.port())).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(400)))
            .expect("read timeout");
        stream
    }

    /// What comes back within the read timeout: the bytes, or None when nothing came.
    fn answer(stream: &mut TcpStream, message: &[u8]) -> Option<Vec<u8>> {
        stream.write_all(message).expect("send");
        read_back(stream, message.len())
    }

    fn read_back(stream: &mut TcpStream, length: usize) -> Option<Vec<u8>> {
        let mut buffer = vec![0_u8; length];
        let mut read = 0;
        while read < length {
            match stream.read(&mut buffer[read..]) {
                Ok(0) | Err(_) => return None,
                Ok(more) => read += more,
            }
        }
        Some(buffer)
    }

    #[test]
    fn passing_forwards_both_ways() {
        let proxy = TcpProxy::start(echo_server());
        let mut stream = client(&proxy);
        assert_eq!(answer(&mut stream, b"ping").as_deref(), Some(&b"ping"[..]));
    }

    #[test]
    fn silence_holds_new_and_open_connections_and_waking_up_delivers_what_was_held() {
        let proxy = TcpProxy::start(echo_server());
        let mut open = client(&proxy);
        assert_eq!(
            answer(&mut open, b"before").as_deref(),
            Some(&b"before"[..])
        );
        proxy.set(Mode::Silent);
        assert_eq!(
            answer(&mut open, b"held"),
            None,
            "an open connection is answered"
        );
        let mut new = client(&proxy);
        assert_eq!(
            answer(&mut new, b"new"),
            None,
            "a new connection is answered"
        );
        proxy.resume();
        assert_eq!(read_back(&mut open, 4).as_deref(), Some(&b"held"[..]));
        assert_eq!(read_back(&mut new, 3).as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn silence_ended_by_a_restart_cuts_the_old_connections_and_serves_new_ones() {
        let proxy = TcpProxy::start(echo_server());
        let mut open = client(&proxy);
        assert!(answer(&mut open, b"before").is_some());
        proxy.set(Mode::Silent);
        proxy.set(Mode::Pass);
        assert_eq!(
            answer(&mut open, b"after"),
            None,
            "a cut connection still answers"
        );
        let mut new = client(&proxy);
        assert_eq!(answer(&mut new, b"after").as_deref(), Some(&b"after"[..]));
    }

    #[test]
    fn a_closed_port_refuses_connections_until_it_opens_again() {
        let proxy = TcpProxy::start(echo_server());
        let mut open = client(&proxy);
        assert!(answer(&mut open, b"before").is_some());
        proxy.set(Mode::Closed);
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", proxy.port())).is_ok() {
            assert!(Instant::now() < deadline, "the closed port still accepts");
            std::thread::sleep(TICK);
        }
        assert_eq!(
            answer(&mut open, b"x"),
            None,
            "an open connection survived closing"
        );
        proxy.set(Mode::Pass);
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut reopened = loop {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", proxy.port())) {
                break stream;
            }
            assert!(Instant::now() < deadline, "the port never opened again");
            std::thread::sleep(TICK);
        };
        reopened
            .set_read_timeout(Some(Duration::from_millis(400)))
            .expect("read timeout");
        assert_eq!(
            answer(&mut reopened, b"back").as_deref(),
            Some(&b"back"[..])
        );
    }

    #[test]
    fn slow_delays_every_piece() {
        let proxy = TcpProxy::start(echo_server());
        let mut stream = client(&proxy);
        assert!(answer(&mut stream, b"warm").is_some());
        proxy.set(Mode::Slow(Duration::from_millis(150)));
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .expect("read timeout");
        let started = Instant::now();
        assert_eq!(answer(&mut stream, b"slow").as_deref(), Some(&b"slow"[..]));
        // One delay on the way there and one on the way back.
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{:?}",
            started.elapsed()
        );
    }
}
