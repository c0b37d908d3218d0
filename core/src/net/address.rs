//! Which IP addresses a fetch of a URL chosen by an unauthenticated caller may connect to
//! (SSRF): a client id metadata document's URL is such a URL.
//!
//! The check is made on the addresses a name resolves to, in [`super::UreqFetch`]'s resolver
//! (so the connection goes to an address that was checked, and a second DNS answer cannot
//! swap it), and on literal IP hosts and `localhost` before any request is built.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Deserialize;
use url::{Host, Url};

/// Which addresses a fetch may connect to. Public unicast addresses always; loopback and
/// private ones only when the host opts in; link-local (169.254.0.0/16, where cloud metadata
/// services answer, and fe80::/10), unspecified, multicast, broadcast, documentation and
/// other reserved ranges never. An IPv6 address that embeds an IPv4 one (IPv4-mapped
/// `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`)
/// is judged by the IPv4 address. As data ([`AddressPolicy::from_json`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AddressPolicy {
    /// Allow loopback addresses (127.0.0.0/8, `::1`) and the name `localhost`: for tests and
    /// development, where the client's document is served on the same machine.
    /// Defaults to `false`.
    pub dangerous_allow_loopback: bool,
    /// Allow private and shared addresses (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,
    /// 100.64.0.0/10, fc00::/7, fec0::/10): for a deployment whose clients publish their
    /// documents on an internal network. Defaults to `false`.
    pub dangerous_allow_private: bool,
}

crate::config::from_config_data!(AddressPolicy);

/// What an address is, for the policy and the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressClass {
    Public,
    Loopback,
    Private,
    LinkLocal,
    Unspecified,
    Multicast,
    Broadcast,
    Reserved,
}

impl AddressClass {
    fn name(self) -> &'static str {
        match self {
            AddressClass::Public => "public",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::LinkLocal => "link-local",
            AddressClass::Unspecified => "unspecified",
            AddressClass::Multicast => "multicast",
            AddressClass::Broadcast => "broadcast",
            AddressClass::Reserved => "reserved",
        }
    }
}

/// The class of an IPv4 address.
fn class_v4(ip: Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, _, _) => AddressClass::Unspecified,
        (127, _, _) => AddressClass::Loopback,
        (10, _, _) | (192, 168, _) => AddressClass::Private,
        (172, 16..=31, _) => AddressClass::Private,
        // Shared address space (RFC 6598): carrier-grade NAT, often internal.
        (100, 64..=127, _) => AddressClass::Private,
        (169, 254, _) => AddressClass::LinkLocal,
        (224..=239, _, _) => AddressClass::Multicast,
        (255, 255, 255) if ip == Ipv4Addr::BROADCAST => AddressClass::Broadcast,
        // 240.0.0.0/4 (the rest of it), IETF protocol assignments, benchmarking,
        // documentation.
        (240..=255, _, _)
        | (192, 0, 0)
        | (198, 18..=19, _)
        | (192, 0, 2)
        | (198, 51, 100)
        | (203, 0, 113) => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

/// The IPv4 address an IPv6 address carries, for the forms that route to it.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match s {
        // IPv4-mapped ::ffff:a.b.c.d
        [0, 0, 0, 0, 0, 0xffff, hi, lo] => Some(v4(hi, lo)),
        // IPv4-compatible ::a.b.c.d (deprecated; `::` and `::1` are not this form)
        [0, 0, 0, 0, 0, 0, hi, lo] if (hi, lo) != (0, 0) && (hi, lo) != (0, 1) => Some(v4(hi, lo)),
        // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052)
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(v4(hi, lo)),
        // 6to4 2002:a.b.c.d::/48 (RFC 3056)
        [0x2002, hi, lo, ..] => Some(v4(hi, lo)),
        _ => None,
    }
}

/// The class of an IP address; an IPv6 address carrying an IPv4 one takes its class.
pub(crate) fn classify(ip: IpAddr) -> AddressClass {
    let ip = match ip {
        IpAddr::V4(v4) => return class_v4(v4),
        IpAddr::V6(v6) => v6,
    };
    if let Some(v4) = embedded_v4(ip) {
        return class_v4(v4);
    }
    let s = ip.segments();
    if ip.is_unspecified() {
        AddressClass::Unspecified
    } else if ip.is_loopback() {
        AddressClass::Loopback
    } else if s[0] & 0xff00 == 0xff00 {
        AddressClass::Multicast
    } else if s[0] & 0xffc0 == 0xfe80 {
        AddressClass::LinkLocal
    } else if s[0] & 0xfe00 == 0xfc00 || s[0] & 0xffc0 == 0xfec0 || (s[0], s[1]) == (0x64, 0xff9b) {
        // Unique local, the old site-local, and local-use NAT64 (64:ff9b:1::/48).
        AddressClass::Private
    } else if (s[0], s[1]) == (0x2001, 0x0db8)
        || (s[0], s[1]) == (0x2001, 0)
        || s[0..4] == [0x100, 0, 0, 0]
    {
        // Documentation, Teredo (its client address is obfuscated), discard-only.
        AddressClass::Reserved
    } else if s[0] & 0xe000 == 0x2000 {
        AddressClass::Public
    } else {
        // Outside 2000::/3 nothing is allocated for global unicast.
        AddressClass::Reserved
    }
}

impl AddressPolicy {
    /// Why `ip` may not be connected to: the name of its range (`loopback`, `private`,
    /// `link-local`, `unspecified`, `multicast`, `broadcast`, `reserved`), or `None` when the
    /// policy allows it.
    pub fn refuses(&self, ip: IpAddr) -> Option<&'static str> {
        let class = classify(ip);
        let allowed = match class {
            AddressClass::Public => true,
            AddressClass::Loopback => self.dangerous_allow_loopback,
            AddressClass::Private => self.dangerous_allow_private,
            _ => false,
        };
        (!allowed).then(|| class.name())
    }

    /// Checks a URL's host before anything is resolved: a literal IP address by its range,
    /// and `localhost` (and names under `.localhost`, RFC 6761) as loopback. Other names are
    /// checked on the addresses they resolve to, by the fetch.
    ///
    /// # Errors
    /// The message for the refusal (the host is the caller's: quoted).
    pub(crate) fn check_host(&self, url: &Url) -> std::result::Result<(), String> {
        let refused = match url.host() {
            Some(Host::Ipv4(ip)) => self.refuses(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.refuses(IpAddr::V6(ip)),
            Some(Host::Domain(d)) => {
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                let local = d == "localhost" || d.ends_with(".localhost");
                (local && !self.dangerous_allow_loopback).then_some("loopback")
            }
            None => Some("missing"),
        };
        match refused {
            None => Ok(()),
            Some(class) => Err(self.refusal_text(
                &format!(
                    "the host {} is a",
                    crate::untrusted::quote(url.host_str().unwrap_or_default())
                ),
                class,
            )),
        }
    }

    /// The sentence for a refused host or address; `subject` ends where the class goes
    /// (`the host "10.0.0.1" is a`).
    pub(crate) fn refusal_text(&self, subject: &str, class: &str) -> String {
        let hint = match class {
            "loopback" => "; set dangerous_allow_loopback to allow it (tests, development)",
            "private" => "; set dangerous_allow_private to allow private networks",
            _ => "; no option allows it",
        };
        format!("{subject} {class} address, which this fetch may not connect to{hint}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn class(text: &str) -> &'static str {
        classify(text.parse().unwrap()).name()
    }

    #[test]
    fn every_range_is_classified() {
        let cases = [
            ("93.184.215.14", "public"),
            ("8.8.8.8", "public"),
            ("172.32.0.1", "public"),
            ("100.128.0.1", "public"),
            ("127.0.0.1", "loopback"),
            ("127.255.1.2", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "private"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("240.0.0.1", "reserved"),
            ("192.0.2.1", "reserved"),
            ("198.18.0.1", "reserved"),
            // IPv6
            ("2606:4700::6810:84e5", "public"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fd00::1", "private"),
            ("fc12:3456::1", "private"),
            ("fec0::1", "private"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("2001:db8::1", "reserved"),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"),
            ("64:ff9b:1::1", "private"),
            // IPv6 forms carrying an IPv4 address take its class.
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::ffff:0.0.0.0", "unspecified"),
            ("::ffff:224.0.0.1", "multicast"),
            ("::ffff:8.8.8.8", "public"),
            ("::127.0.0.1", "loopback"),
            ("::10.0.0.1", "private"),
            ("::169.254.1.1", "link-local"),
            ("64:ff9b::7f00:1", "loopback"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("2002:7f00:1::", "loopback"),
            ("2002:c0a8:101::1", "private"),
            ("2002:0808:0808::1", "public"),
        ];
        for (ip, expected) in cases {
            assert_eq!(class(ip), expected, "{ip}");
        }
    }

    #[test]
    fn opt_ins_open_only_their_own_ranges() {
        let strict = AddressPolicy::default();
        let loopback = AddressPolicy {
            dangerous_allow_loopback: true,
            ..AddressPolicy::default()
        };
        let private = AddressPolicy {
            dangerous_allow_private: true,
            ..AddressPolicy::default()
        };
        let both = AddressPolicy {
            dangerous_allow_loopback: true,
            dangerous_allow_private: true,
        };
        let ip = |t: &str| -> IpAddr { t.parse().unwrap() };
        assert_eq!(strict.refuses(ip("8.8.8.8")), None);
        assert_eq!(strict.refuses(ip("127.0.0.1")), Some("loopback"));
        assert_eq!(strict.refuses(ip("::ffff:127.0.0.1")), Some("loopback"));
        assert_eq!(strict.refuses(ip("10.0.0.1")), Some("private"));
        assert_eq!(loopback.refuses(ip("127.0.0.1")), None);
        assert_eq!(loopback.refuses(ip("::1")), None);
        assert_eq!(loopback.refuses(ip("10.0.0.1")), Some("private"));
        assert_eq!(private.refuses(ip("10.0.0.1")), None);
        assert_eq!(private.refuses(ip("fd00::1")), None);
        assert_eq!(private.refuses(ip("127.0.0.1")), Some("loopback"));
        // Never, whatever the opt-ins.
        for never in [
            "169.254.169.254",
            "fe80::1",
            "::ffff:169.254.169.254",
            "0.0.0.0",
            "::",
            "224.0.0.1",
            "ff02::1",
            "255.255.255.255",
            "192.0.2.1",
        ] {
            assert!(both.refuses(ip(never)).is_some(), "{never}");
        }
    }

    #[test]
    fn literal_hosts_and_localhost_checked_before_resolving() {
        let strict = AddressPolicy::default();
        let url = |t: &str| Url::parse(t).unwrap();
        assert!(
            strict
                .check_host(&url("https://client.example/doc"))
                .is_ok()
        );
        for (bad, class) in [
            ("https://127.0.0.1/doc", "loopback"),
            ("https://[::1]/doc", "loopback"),
            ("https://[::ffff:7f00:1]/doc", "loopback"),
            ("https://localhost/doc", "loopback"),
            ("https://LOCALHOST./doc", "loopback"),
            ("https://app.localhost/doc", "loopback"),
            ("https://10.0.0.1/doc", "private"),
            ("https://169.254.169.254/latest/meta-data", "link-local"),
            ("https://[fe80::1]/doc", "link-local"),
            ("https://0.0.0.0/doc", "unspecified"),
            // The URL parser reads these IPv4 spellings as the address they stand for.
            ("https://2130706433/doc", "loopback"),
            ("https://0x7f.1/doc", "loopback"),
        ] {
            let err = strict.check_host(&url(bad)).unwrap_err();
            assert!(err.contains(&format!("a {class} address")), "{bad}: {err}");
        }
        let err = strict
            .check_host(&url("https://127.0.0.1/doc"))
            .unwrap_err();
        assert!(err.contains("dangerous_allow_loopback"), "{err}");
        let loopback = AddressPolicy {
            dangerous_allow_loopback: true,
            ..AddressPolicy::default()
        };
        assert!(
            loopback
                .check_host(&url("http://127.0.0.1:8080/doc"))
                .is_ok()
        );
        assert!(
            loopback
                .check_host(&url("http://localhost:8080/doc"))
                .is_ok()
        );
        assert!(
            loopback
                .check_host(&url("https://169.254.169.254/"))
                .is_err()
        );
    }

    #[test]
    fn policy_reads_from_json() {
        let p = AddressPolicy::from_json(r#"{"dangerous_allow_loopback": true}"#).unwrap();
        assert!(p.dangerous_allow_loopback && !p.dangerous_allow_private);
        assert!(AddressPolicy::from_json(r#"{"allow_everything": true}"#).is_err());
    }
}
