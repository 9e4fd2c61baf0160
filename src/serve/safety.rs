//! Safe by default: which requests the server answers at all, the headers that keep its page
//! from loading anything from elsewhere, and the names a scenario may be saved under.
//!
//! * **Host**: a request must name this server in its `Host` header: the address the client
//!   connected to (`127.0.0.1:8080`), `localhost:PORT` on loopback, or the `--host` name as
//!   given. This defeats DNS rebinding (a foreign site whose name resolves to 127.0.0.1).
//! * **Origin**: when a browser sends one, it must be `http://` + one of those: a page of
//!   another site open in the same browser cannot drive the server (run models, save files).
//!   `Sec-Fetch-Site: cross-site`/`same-site` is refused likewise, except for a plain page
//!   navigation (a link to a view is fine; the page then talks to its own origin).
//! * **Content-Security-Policy** on every answer: scripts, styles and requests only from the
//!   server itself, no frames, no forms elsewhere.

use std::net::SocketAddr;

use axum::http::{HeaderMap, HeaderValue, header};

/// The largest request body accepted (the overrides of every parameter fit in a tenth of it).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The longest save name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// The `Host` values this server answers to, for a connection that arrived at `local`.
pub fn allowed_hosts(local: SocketAddr, host_arg: Option<&str>) -> Vec<String> {
    // A connection to 127.0.0.1 on a socket bound to `::` arrives at ::ffff:127.0.0.1: the
    // address the client named is 127.0.0.1 (so `--host ::` answers the address it prints).
    let local = SocketAddr::new(local.ip().to_canonical(), local.port());
    let port = local.port();
    let mut v = vec![local.to_string().to_ascii_lowercase()];
    if local.ip().is_loopback() {
        for h in ["localhost", "127.0.0.1", "[::1]"] {
            v.push(format!("{h}:{port}"));
        }
    }
    if let Some(h) = host_arg {
        let h = h.trim().to_ascii_lowercase();
        let h = if h.contains(':') && !h.starts_with('[') {
            format!("[{h}]")
        } else {
            h
        };
        if !h.is_empty() && h != "0.0.0.0" && h != "[::]" {
            v.push(format!("{h}:{port}"));
        }
    }
    if port == 80 {
        let bare: Vec<String> = v
            .iter()
            .filter_map(|h| h.strip_suffix(":80").map(str::to_string))
            .collect();
        v.extend(bare);
    }
    v.dedup();
    v
}

/// Refuse (with the reason) a request that does not come from this server's own pages or
/// from a client that names this server.
pub fn check_request(allowed: &[String], headers: &HeaderMap) -> Result<(), String> {
    let own = allowed.first().map_or("", String::as_str);
    let text = |name: header::HeaderName| -> Option<Result<&str, String>> {
        headers.get(&name).map(|v| {
            v.to_str()
                .map_err(|_| format!("refused: the {name} header is not plain text"))
        })
    };
    let host = match text(header::HOST) {
        None => {
            return Err("refused: expected a Host header naming this server, found none".into());
        }
        Some(h) => h?,
    };
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(host.trim())) {
        return Err(format!(
            "refused: Host \"{host}\" is not this server (expected {own}; a request for another name may be DNS rebinding)"
        ));
    }
    if let Some(origin) = text(header::ORIGIN) {
        let origin = origin?;
        let ok = allowed.iter().any(|a| {
            origin
                .strip_prefix("http://")
                .is_some_and(|o| o.eq_ignore_ascii_case(a))
        });
        if !ok {
            return Err(format!(
                "refused: Origin \"{origin}\" is not this server's (http://{own}): a page of another site cannot drive it"
            ));
        }
    }
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let navigate = headers.get("sec-fetch-mode").and_then(|v| v.to_str().ok()) == Some("navigate");
    if matches!(site, Some("cross-site") | Some("same-site")) && !navigate {
        return Err(format!(
            "refused: a request from another site (Sec-Fetch-Site: {}) cannot drive this server",
            site.unwrap_or("")
        ));
    }
    Ok(())
}

/// Headers on every answer: the page may load and call only this server.
pub fn harden(headers: &mut HeaderMap) {
    let set = |h: &mut HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        headers,
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "no-referrer");
    set(headers, "cross-origin-resource-policy", "same-origin");
    set(headers, "x-frame-options", "DENY");
}

/// The file name a scenario is saved under: `NAME.toml` in the save folder, where NAME is
/// also the saved scenario's id: 1 to [`MAX_NAME_CHARS`] ASCII letters, digits, `-` and `_`,
/// not starting with `-` (so no path separator, no dot, no `..`).
pub fn save_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    let bad = |why: &str| {
        Err(format!(
            "name: expected 1 to {MAX_NAME_CHARS} ASCII letters, digits, '-' and '_' ({why}), found \"{}\"",
            raw.chars().take(80).collect::<String>()
        ))
    };
    if stem.is_empty() || stem.len() > MAX_NAME_CHARS {
        return bad("the name is also the scenario's id");
    }
    if stem.contains(['/', '\\']) {
        return bad("no path separators: scenarios are saved only into the save folder");
    }
    if stem.starts_with('-') || stem.contains('.') {
        return bad("no dots, not starting with '-'");
    }
    if !stem
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    {
        return bad(
            "no spaces, colons or other signs; a display name in any language goes in display_name",
        );
    }
    Ok(format!("{stem}.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn own_host_and_origin_pass_foreign_ones_are_refused() {
        let a = allowed_hosts("127.0.0.1:8080".parse().unwrap(), None);
        assert!(check_request(&a, &headers(&[("host", "127.0.0.1:8080")])).is_ok());
        assert!(
            check_request(
                &a,
                &headers(&[
                    ("host", "localhost:8080"),
                    ("origin", "http://localhost:8080")
                ])
            )
            .is_ok()
        );
        let e = check_request(&a, &headers(&[("host", "evil.example:8080")])).unwrap_err();
        assert!(e.contains("Host \"evil.example:8080\""), "{e}");
        assert!(check_request(&a, &headers(&[("host", "127.0.0.1:8081")])).is_err());
        let e = check_request(
            &a,
            &headers(&[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://evil.example"),
            ]),
        )
        .unwrap_err();
        assert!(e.contains("Origin \"http://evil.example\""), "{e}");
        assert!(
            check_request(
                &a,
                &headers(&[("host", "127.0.0.1:8080"), ("origin", "null")])
            )
            .is_err()
        );
        assert!(
            check_request(
                &a,
                &headers(&[
                    ("host", "127.0.0.1:8080"),
                    ("origin", "https://127.0.0.1:8080")
                ])
            )
            .is_err()
        );
        assert!(check_request(&a, &HeaderMap::new()).is_err());
        // A link from elsewhere opens the page; a cross-site fetch is refused.
        let nav = [
            ("host", "127.0.0.1:8080"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "navigate"),
        ];
        assert!(check_request(&a, &headers(&nav)).is_ok());
        let fetch = [
            ("host", "127.0.0.1:8080"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "no-cors"),
        ];
        assert!(check_request(&a, &headers(&fetch)).is_err());
    }

    #[test]
    fn a_host_name_given_on_the_command_line_is_the_servers_own() {
        let a = allowed_hosts("192.168.1.5:9000".parse().unwrap(), Some("planbox.lan"));
        assert!(a.contains(&"192.168.1.5:9000".to_string()));
        assert!(a.contains(&"planbox.lan:9000".to_string()));
        assert!(!a.iter().any(|h| h.starts_with("localhost")));
        let a = allowed_hosts("[::1]:9000".parse().unwrap(), Some("::1"));
        assert!(a.contains(&"[::1]:9000".to_string()));
    }

    #[test]
    fn save_names() {
        assert_eq!(save_name("pv600").unwrap(), "pv600.toml");
        assert_eq!(save_name("pv_800-fast.toml").unwrap(), "pv_800-fast.toml");
        for bad in [
            "",
            "../x",
            "a/b",
            "a\\b",
            ".hidden",
            "a..b",
            "a b",
            "c:x",
            "x\ny",
            "v2.1",
            "-x",
            "光伏",
            &"n".repeat(65),
        ] {
            assert!(save_name(bad).is_err(), "{bad:?}");
        }
        assert!(save_name("a/b").unwrap_err().contains("no path separators"));
    }
}
