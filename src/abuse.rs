//! Defenses of the public forms: rate limits, signed form timestamps (too-fast bots), a
//! honeypot field, blocked domains and networks, and the client address behind proxies.
//! Every defense leaves a real signer untouched.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use hmac::{Hmac, Mac};
use ipnet::IpNet;
use sha2::Sha256;

use crate::config::LimitSettings;

/// The hidden field a person never fills in; bots that fill every field give themselves away.
pub const HONEYPOT_FIELD: &str = "nickname";
/// The hidden field carrying the signed time the form was shown.
pub const FORM_TIME_FIELD: &str = "t";

pub use crate::values::network::parse_network;

/// One X-Forwarded-For hop: a bare address, or one with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`) as some proxies write it.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>().ok().or_else(|| {
        hop.parse::<std::net::SocketAddr>()
            .ok()
            .map(|socket| socket.ip())
    })
}

/// The key a per-address limit counts under. One IPv6 subscriber usually holds a whole /64
/// and can pick any address in it, so IPv6 is keyed by its /64; IPv4 stays per address
/// (an IPv4-mapped IPv6 peer counts as the IPv4 address it carries).
pub fn rate_limit_key(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", std::net::Ipv6Addr::from(network))
        }
    }
}

/// A per-key limiter: `per_minute` sustained with `burst` at once.
pub struct KeyedLimit {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl KeyedLimit {
    pub fn per_minute(per_minute: u32, burst: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        KeyedLimit {
            limiter: DefaultKeyedRateLimiter::keyed(quota),
        }
    }

    /// `Ok` to go ahead, or how long to wait.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Forgets keys that are back to a full allowance, so memory does not grow with visitors.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }
}

/// Everything the public routes consult before doing work.
pub struct Defenses {
    pub sign: KeyedLimit,
    pub verify: KeyedLimit,
    pub login: KeyedLimit,
    /// Emails one mailbox may be sent in an hour. Counted in the outbox (see
    /// `Admission::mailbox_allows`), not here, so that every instance counts the same mail.
    pub emails_per_mailbox_per_hour: u32,
    trusted_proxies: Vec<IpNet>,
    blocked_networks: Vec<IpNet>,
    blocked_domains: Vec<String>,
    min_form_age: Duration,
    form_lifetime: Duration,
    secret: Vec<u8>,
    /// `limits.answer_step_ms`: see `Defenses::in_steps`.
    answer_step: Duration,
}

#[derive(Debug, PartialEq, Eq)]
pub enum FormCheck {
    Human,
    /// Filled the honeypot: answered like a success, nothing stored.
    Bot,
    /// No, a forged, an expired or another letter's time stamp, or a submit faster than
    /// `min_form_seconds`: a person may have done that (autofill and a quick tap, a form left
    /// open over a deploy), so the form is shown again with what was typed.
    Retry,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default()
}

impl Defenses {
    /// `secret` signs form time stamps: `server.secret`, or the one kept in the database.
    pub fn new(settings: &LimitSettings, secret: &str, form_lifetime: Duration) -> Defenses {
        let secret = secret.as_bytes().to_vec();
        Defenses {
            sign: KeyedLimit::per_minute(settings.sign_per_minute, settings.sign_burst),
            verify: KeyedLimit::per_minute(settings.verify_per_minute, settings.verify_burst),
            login: KeyedLimit::per_minute(settings.login_per_minute, settings.login_burst),
            emails_per_mailbox_per_hour: settings.emails_per_address_per_hour.max(1),
            trusted_proxies: settings
                .trusted_proxies
                .iter()
                .filter_map(|net| parse_network(net))
                .collect(),
            blocked_networks: settings
                .blocked_networks
                .iter()
                .filter_map(|net| parse_network(net))
                .collect(),
            blocked_domains: settings
                .blocked_email_domains
                .iter()
                .map(|domain| domain.trim().trim_start_matches('@').to_lowercase())
                .filter(|domain| !domain.is_empty())
                .collect(),
            min_form_age: Duration::from_secs(settings.min_form_seconds),
            form_lifetime,
            secret,
            answer_step: Duration::from_millis(settings.answer_step_ms),
        }
    }

    /// The client: the socket peer, unless that peer is a trusted proxy, in which case the
    /// right-most X-Forwarded-For hop that is not itself a trusted proxy.
    ///
    /// `forwarded_for` holds every X-Forwarded-For header line in the order received: a proxy
    /// such as haproxy appends its own line instead of extending the client's, so the lines
    /// and the comma lists inside them form one chain, oldest hop first. Everything left of
    /// the first untrusted hop (counting from the right) was written by the client and is
    /// ignored.
    pub fn client_address<'a>(
        &self,
        peer: Option<IpAddr>,
        forwarded_for: impl IntoIterator<Item = &'a str>,
    ) -> Option<IpAddr> {
        let peer = peer?;
        if !self.is_trusted_proxy(peer) {
            return Some(peer);
        }
        let chain: Vec<&str> = forwarded_for
            .into_iter()
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|hop| !hop.is_empty())
            .collect();
        let mut client = peer;
        for hop in chain.iter().rev() {
            match parse_hop(hop) {
                Some(address) => {
                    client = address;
                    if !self.is_trusted_proxy(address) {
                        break;
                    }
                }
                // A hop we cannot read ends the part of the chain we can trust.
                None => break,
            }
        }
        Some(client)
    }

    /// Whether `address` is one of `limits.trusted_proxies`, whose forwarded headers are believed.
    pub fn is_trusted_proxy(&self, address: IpAddr) -> bool {
        self.trusted_proxies
            .iter()
            .any(|network| network.contains(&address))
    }

    pub fn is_blocked_network(&self, address: Option<IpAddr>) -> bool {
        address.is_some_and(|address| {
            self.blocked_networks
                .iter()
                .any(|network| network.contains(&address))
        })
    }

    /// Whether the address's domain, or a parent domain, is blocked.
    pub fn is_blocked_domain(&self, normalized_email: &str) -> bool {
        let Some((_, domain)) = normalized_email.rsplit_once('@') else {
            return false;
        };
        self.blocked_domains
            .iter()
            .any(|blocked| domain == blocked || domain.ends_with(&format!(".{blocked}")))
    }

    fn signature_of(&self, letter_id: &str, timestamp: u64) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => return String::new(),
        };
        // Bound to the letter: a form shown for one letter does not sign another.
        mac.update(letter_id.as_bytes());
        mac.update(b"\n");
        mac.update(timestamp.to_string().as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// A 256-bit key for `purpose`, derived from the service's secret (HMAC-SHA256 of the
    /// purpose): each use of the secret gets its own key.
    pub fn derived_key(&self, purpose: &str) -> [u8; 32] {
        let mut key = [0u8; 32];
        if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.secret) {
            mac.update(b"undersigned key\n");
            mac.update(purpose.as_bytes());
            key.copy_from_slice(&mac.finalize().into_bytes());
        }
        key
    }

    /// The value for the hidden time field of a form for `letter_id` shown now.
    pub fn form_time_token(&self, letter_id: &str) -> String {
        let now = unix_now();
        format!("{now}.{}", self.signature_of(letter_id, now))
    }

    /// Judges a submitted form by its honeypot and its signed time stamp.
    pub fn check_form(&self, letter_id: &str, honeypot: &str, time_token: &str) -> FormCheck {
        if !honeypot.trim().is_empty() {
            return FormCheck::Bot;
        }
        let Some((timestamp, signature)) = time_token.trim().split_once('.') else {
            return FormCheck::Retry;
        };
        let Ok(timestamp) = timestamp.parse::<u64>() else {
            return FormCheck::Retry;
        };
        let expected = self.signature_of(letter_id, timestamp);
        if expected.is_empty() || !crate::staff::sessions::tokens_match(&expected, signature) {
            return FormCheck::Retry;
        }
        let now = unix_now();
        let age = Duration::from_secs(now.saturating_sub(timestamp));
        if timestamp > now + 60 || age < self.min_form_age || age > self.form_lifetime {
            return FormCheck::Retry;
        }
        FormCheck::Human
    }

    /// Runs `work` and returns only at the first whole step (`limits.answer_step_ms`) after
    /// it began that it has finished by: the time a stranger measures then says how many
    /// steps the work took, which is one for every address on an idle instance, instead of
    /// the microseconds a lookup, a lock or a rendered email add for an address that signed.
    /// Steps rather than one fixed delay, so that a slow moment (a busy database) costs a
    /// step more instead of showing its exact length. Sleeping holds no thread.
    pub async fn in_steps<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        let began = tokio::time::Instant::now();
        let result = work.await;
        if let Some(until) = step_end(began, began.elapsed(), self.answer_step) {
            tokio::time::sleep_until(until).await;
        }
        result
    }

    pub fn forget_idle(&self) {
        for limit in [&self.sign, &self.verify, &self.login] {
            limit.forget_idle();
        }
    }
}

/// The end of the step in which work that began at `began` and took `took` finished; `None`
/// with steps turned off.
fn step_end(
    began: tokio::time::Instant,
    took: Duration,
    step: Duration,
) -> Option<tokio::time::Instant> {
    let step_nanos = step.as_nanos();
    if step_nanos == 0 {
        return None;
    }
    let steps = took.as_nanos().div_ceil(step_nanos).max(1);
    let nanos = u64::try_from(steps.saturating_mul(step_nanos)).unwrap_or(u64::MAX);
    Some(began + Duration::from_nanos(nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> LimitSettings {
        LimitSettings {
            sign_per_minute: 2,
            sign_burst: 2,
            verify_per_minute: 60,
            verify_burst: 20,
            login_per_minute: 10,
            login_burst: 5,
            emails_per_address_per_hour: 3,
            emails_per_minute: 100,
            trusted_proxies: vec!["10.0.0.0/8".into()],
            blocked_email_domains: vec!["spam.example".into()],
            blocked_networks: vec!["192.0.2.0/24".into()],
            min_form_seconds: 0,
            answer_step_ms: 20,
        }
    }

    #[test]
    fn limits_allow_the_burst_then_refuse_per_key() {
        let defenses = Defenses::new(&settings(), "secret", DAY);
        assert!(defenses.sign.check("a").is_ok());
        assert!(defenses.sign.check("a").is_ok());
        assert!(defenses.sign.check("a").is_err());
        assert!(
            defenses.sign.check("b").is_ok(),
            "another client is unaffected"
        );
    }

    #[test]
    fn forwarded_for_counts_only_behind_trusted_proxies() {
        let defenses = Defenses::new(&settings(), "secret", DAY);
        let proxy: IpAddr = "10.1.2.3".parse().expect("ip");
        let stranger: IpAddr = "203.0.113.9".parse().expect("ip");
        assert_eq!(
            defenses.client_address(Some(proxy), ["198.51.100.7, 10.0.0.5"]),
            Some("198.51.100.7".parse().expect("ip"))
        );
        assert_eq!(
            defenses.client_address(Some(stranger), ["198.51.100.7"]),
            Some(stranger),
            "a client cannot pick its own address"
        );
    }

    #[test]
    fn forwarded_for_reads_every_header_line_as_one_chain() {
        let defenses = Defenses::new(&settings(), "secret", DAY);
        let proxy: IpAddr = "10.1.2.3".parse().expect("ip");
        let ip = |text: &str| text.parse::<IpAddr>().expect("ip");
        // The client wrote the first line; haproxy appended the second with the real peer.
        assert_eq!(
            defenses.client_address(Some(proxy), ["1.2.3.4", "198.51.100.7"]),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            defenses.client_address(Some(proxy), ["1.2.3.4, 5.6.7.8", "198.51.100.7, 10.0.0.9"]),
            Some(ip("198.51.100.7")),
            "trusted hops on the right are skipped, forged ones on the left ignored"
        );
        assert_eq!(
            defenses.client_address(Some(proxy), ["10.0.0.1", "10.0.0.2"]),
            Some(ip("10.0.0.1")),
            "a chain of proxies only: the left-most proxy is the client"
        );
        assert_eq!(
            defenses.client_address(Some(proxy), ["1.2.3.4", "garbage, 10.0.0.2"]),
            Some(ip("10.0.0.2")),
            "nothing left of an unreadable hop is believed"
        );
        assert_eq!(
            defenses.client_address(Some(proxy), ["[2001:db8::1]:4711", "198.51.100.7:80"]),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            defenses.client_address(Some(proxy), std::iter::empty()),
            Some(proxy)
        );
        let stranger = ip("203.0.113.9");
        assert_eq!(
            defenses.client_address(Some(stranger), ["198.51.100.7", "10.0.0.2"]),
            Some(stranger),
            "an untrusted peer's header counts for nothing"
        );
    }

    #[test]
    fn ipv6_limits_key_the_slash_64() {
        let ip = |text: &str| text.parse::<IpAddr>().expect("ip");
        assert_eq!(
            rate_limit_key(ip("2001:db8:1:2:aaaa::1")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            rate_limit_key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            rate_limit_key(ip("2001:db8:1:2::9"))
        );
        assert_ne!(
            rate_limit_key(ip("2001:db8:1:3::1")),
            rate_limit_key(ip("2001:db8:1:2::1"))
        );
        assert_eq!(rate_limit_key(ip("198.51.100.7")), "198.51.100.7");
        assert_ne!(
            rate_limit_key(ip("198.51.100.7")),
            rate_limit_key(ip("198.51.100.8"))
        );
        assert_eq!(rate_limit_key(ip("::ffff:198.51.100.7")), "198.51.100.7");
    }

    #[test]
    fn blocked_domains_and_networks() {
        let defenses = Defenses::new(&settings(), "secret", DAY);
        assert!(defenses.is_blocked_domain("bot@spam.example"));
        assert!(defenses.is_blocked_domain("bot@mx.spam.example"));
        assert!(!defenses.is_blocked_domain("ada@example.org"));
        assert!(defenses.is_blocked_network(Some("192.0.2.55".parse().expect("ip"))));
        assert!(!defenses.is_blocked_network(Some("198.51.100.1".parse().expect("ip"))));
    }

    const DAY: Duration = Duration::from_secs(86_400);

    #[test]
    fn form_timestamps_are_signed_bound_to_the_letter_and_expire() {
        let defenses = Defenses::new(&settings(), "secret", DAY);
        let token = defenses.form_time_token("letter-a");
        assert_eq!(
            defenses.check_form("letter-a", "", &token),
            FormCheck::Human
        );
        assert_eq!(
            defenses.check_form("letter-a", "I am a bot", &token),
            FormCheck::Bot,
            "the honeypot stays silent"
        );
        assert_eq!(defenses.check_form("letter-a", "", ""), FormCheck::Retry);
        assert_eq!(
            defenses.check_form("letter-a", "", "123.abc"),
            FormCheck::Retry
        );
        assert_eq!(
            defenses.check_form("letter-b", "", &token),
            FormCheck::Retry,
            "another letter's form"
        );
        let other = Defenses::new(&settings(), "another secret", DAY);
        assert_eq!(
            other.check_form("letter-a", "", &token),
            FormCheck::Retry,
            "signed by another secret"
        );
        let mut slow = settings();
        slow.min_form_seconds = 60;
        let patient = Defenses::new(&slow, "secret", DAY);
        assert_eq!(
            patient.check_form("letter-a", "", &patient.form_time_token("letter-a")),
            FormCheck::Retry,
            "too fast"
        );
        let old = unix_now() - 2 * 86_400;
        let stale = format!("{old}.{}", defenses.signature_of("letter-a", old));
        assert_eq!(
            defenses.check_form("letter-a", "", &stale),
            FormCheck::Retry,
            "expired"
        );
    }

    #[test]
    fn an_answer_leaves_at_the_end_of_the_step_its_work_finished_in() {
        let began = tokio::time::Instant::now();
        let step = Duration::from_millis(20);
        let end = |took_ms| step_end(began, Duration::from_millis(took_ms), step);
        // Quick and slower work on an idle instance: the same moment.
        assert_eq!(end(0), Some(began + step));
        assert_eq!(end(3), Some(began + step));
        assert_eq!(end(19), Some(began + step));
        assert_eq!(end(20), Some(began + step));
        // A busy moment costs a whole step more, never its exact length.
        assert_eq!(end(21), Some(began + step * 2));
        assert_eq!(
            step_end(began, Duration::from_millis(5), Duration::ZERO),
            None
        );
    }
}
