use super::*;

#[test]
fn citation_urls_kept_as_written() {
    for s in [
        "https://example.org/a/b?q=1#f",
        "HTTP://Example.org",
        "https://例え.jp/パス",
        "https://xn--r8jz45g.jp/",
        "https://example.org:8080/a",
        "https://user:secret@example.org/",
        "https://192.0.2.1/x",
        "https://[2001:db8::1]:8443/x",
    ] {
        assert_eq!(HttpUrl::check(s), Ok(HttpUrl(s.to_string())), "{s}");
    }
}

#[test]
fn citation_urls_refused() {
    let err = |s: &str| HttpUrl::check(s).unwrap_err();
    for s in [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://example.org/",
        "//example.org/x",
        "https:example.org",
        " https://example.org/",
        "example.org",
    ] {
        assert_eq!(
            err(s),
            format!("citation url `{s}` must start with http:// or https:// (other schemes such as javascript: or data: are refused)")
        );
    }
    for s in [
        "https://",
        "https:///x",
        "http://?q",
        "https://user@/x",
        "https://:80/",
    ] {
        assert_eq!(err(s), format!("citation url `{s}` has no host"), "{s}");
    }
    for s in [
        "https://example.org/a b",
        "https://exa mple.org/",
        "https://example.org/\t",
        "https://example.org/\"x\"",
        "https://example.org/<x>",
        "https://example.org/\u{3000}",
    ] {
        assert_eq!(
            err(s),
            format!(
                "citation url `{s}` contains spaces or characters that must be percent-encoded"
            ),
            "{s}"
        );
    }
    for s in [
        "https://example.org:99999/",
        "https://example.org:x/",
        "https://[::1/",
        "https://exa%mple.org/",
    ] {
        assert!(
            err(s).starts_with(&format!("citation url `{s}` is not a valid URL: ")),
            "{s}"
        );
    }
}
