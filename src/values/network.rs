//! Network addresses and prefixes as staff write them (`192.0.2.0/24`, `2001:db8::1`).

use std::net::IpAddr;

use ipnet::IpNet;

/// A network prefix, or one address as its own prefix.
pub fn parse_network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}
