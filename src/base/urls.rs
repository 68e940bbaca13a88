//! Every URL `brief` writes goes through [`Urls`], so that a `base_url` with a
//! sub-path (`https://example.org/briefings`) is honoured everywhere.

/// URLs of the built site. Internal links are written root-relative *including*
/// the base path (`/briefings/ja/slug/`); feeds and sitemaps use absolute URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    /// `https://example.org` (scheme and host, no trailing slash).
    origin: String,
    /// `/briefings/` or `/`: always starts and ends with `/`.
    base_path: String,
}

impl Urls {
    /// The origin and folder of `base_url` (`http(s)://host[:port]/path`),
    /// kept as written. The url crate checks the host (domain, IP address,
    /// port); the text itself must start with the scheme and hold no query,
    /// fragment or character that must be percent-encoded, and its host is
    /// taken to the first `/` as written (the parser would forgive
    /// `https:///x` and tabs).
    pub fn new(base_url: &str) -> Result<Urls, String> {
        let trimmed = base_url.trim();
        let Some(scheme) = ["https://", "http://"]
            .into_iter()
            .find(|p| trimmed.starts_with(p))
        else {
            return Err(format!(
                "base_url `{base_url}` must start with http:// or https://"
            ));
        };
        let rest = &trimmed[scheme.len()..];
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let origin = format!("{scheme}{host}");
        let host_ok = !host.contains(char::is_whitespace)
            && url::Url::parse(&origin).is_ok_and(|u| {
                u.host().is_some()
                    && u.path() == "/"
                    && u.query().is_none()
                    && u.fragment().is_none()
            });
        if host.is_empty() || !host_ok {
            return Err(format!("base_url `{base_url}` has no valid host"));
        }
        if path.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
            return Err(format!(
                "base_url `{base_url}` has a path that is not a plain folder"
            ));
        }
        let mut base_path = path.trim_end_matches('/').to_string();
        base_path.push('/');
        Ok(Urls { origin, base_path })
    }

    /// Replaces the origin and path, as `--base-url` does.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Root-relative URL of a site path such as `ja/slug/` or `static/style.css`.
    pub fn path(&self, site_path: &str) -> String {
        let mut s = String::with_capacity(self.base_path.len() + site_path.len());
        s.push_str(&self.base_path);
        s.push_str(site_path.trim_start_matches('/'));
        s
    }

    /// Absolute URL of a site path.
    pub fn absolute(&self, site_path: &str) -> String {
        let mut s = self.origin.clone();
        s.push_str(&self.path(site_path));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_path() {
        let u = Urls::new("https://example.org/briefings").unwrap();
        assert_eq!(u.path("ja/x/"), "/briefings/ja/x/");
        assert_eq!(u.absolute("ja/x/"), "https://example.org/briefings/ja/x/");
        assert_eq!(u.path(""), "/briefings/");
        let u = Urls::new("https://example.org/").unwrap();
        assert_eq!(u.path("en/"), "/en/");
        assert!(Urls::new("ftp://x").is_err());
        assert!(Urls::new("javascript:alert(1)").is_err());
    }

    #[test]
    fn base_url_kept_as_written() {
        let u = Urls::new(" https://Example.org:8080/Briefings/ ").unwrap();
        assert_eq!(u.absolute("ja/"), "https://Example.org:8080/Briefings/ja/");
        let u = Urls::new("http://user@例え.jp/ブリーフ").unwrap();
        assert_eq!(u.absolute(""), "http://user@例え.jp/ブリーフ/");
        let u = Urls::new("https://[::1]:443").unwrap();
        assert_eq!(u.absolute("x"), "https://[::1]:443/x");
    }

    #[test]
    fn base_url_refused() {
        let err = |s: &str| Urls::new(s).unwrap_err();
        for s in [
            "javascript:alert(1)",
            "data:text/html,x",
            "HTTPS://x",
            "https:x",
            "//x/y",
        ] {
            assert_eq!(
                err(s),
                format!("base_url `{s}` must start with http:// or https://")
            );
        }
        for s in [
            "https://",
            "https:///x",
            "https://exa mple.org",
            "https://exa\tmple.org/",
            "https://x?y",
            "https://x#y",
            "https://x:99999/",
            "https://x:port/",
            "https://[::1/",
            "https://exa%mple.org",
            "https://user@/x",
        ] {
            assert_eq!(err(s), format!("base_url `{s}` has no valid host"), "{s}");
        }
        for s in [
            "https://x/a?b",
            "https://x/a#b",
            "https://x/a b",
            "https://x/a\\b",
        ] {
            assert_eq!(
                err(s),
                format!("base_url `{s}` has a path that is not a plain folder")
            );
        }
    }
}

/// Checks an image reference (`image:` in the front-matter, `[site] image`):
/// an `http(s)` URL with a host, or a path of a file under the site's
/// `static/` folder (`images/card.png`; a leading `/` is dropped) that cannot
/// leave it. Returns the reference as kept, or what is wrong.
pub fn check_image(s: &str) -> Result<String, String> {
    let t = s.trim();
    let unsafe_char = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>');
    if t.contains(':') {
        let lower = t.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            return Err(format!(
                "image `{s}` must be an http(s) URL or a path under static/ (other schemes such as javascript: or data: are refused)"
            ));
        }
        let rest = &t[t.find("://").map_or(0, |i| i + 3)..];
        if rest.is_empty() || rest.starts_with('/') {
            return Err(format!("image `{s}` has no host"));
        }
        if t.chars().any(unsafe_char) {
            return Err(format!(
                "image `{s}` contains spaces or characters that must be percent-encoded"
            ));
        }
        return match url::Url::parse(t) {
            Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => Ok(t.to_string()),
            Ok(_) => Err(format!("image `{s}` has no host")),
            Err(e) => Err(format!("image `{s}` is not a valid URL: {e}")),
        };
    }
    let path = t.trim_start_matches('/');
    let bad = path.is_empty()
        || path.contains('\\')
        || path
            .chars()
            .any(|c| c.is_control() || matches!(c, '"' | '<' | '>' | '?' | '#' | '%'))
        || path
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..");
    if bad {
        return Err(format!(
            "image `{s}` must be an http(s) URL or a path under the site's static/ folder, such as images/card.png (no `..`, `\\`, `?`, `#` or `%`)"
        ));
    }
    Ok(path.to_string())
}

#[cfg(test)]
mod image_tests {
    use super::check_image;

    #[test]
    fn images() {
        assert_eq!(check_image("/images/a.png").unwrap(), "images/a.png");
        assert!(check_image("https://example.org/a.png").is_ok());
        assert!(check_image("javascript:alert(1)").is_err());
        assert!(check_image("data:image/png;base64,AAAA").is_err());
        assert!(check_image("../secret.png").is_err());
        assert!(check_image("a/../../b.png").is_err());
        assert!(check_image("https:///x.png").is_err());
    }
}
