//! Aliases: the earlier addresses of an article (front-matter `aliases:`),
//! each of which gets a redirect page and a line of `_redirects`.
//!
//! An alias is a slug of the article's language (`old-slug` is
//! `/<lang>/old-slug/`) or a site path under `base_url` (`/en/older/path/`,
//! `/en/old.html`). It must stay inside the output folder, may not take the
//! address of a page, of a route's folder (`/en/topics/…`) or of another
//! alias, and links written to the old file name (`old-slug.md`) lead to the
//! article it now belongs to. Addresses are compared case-folded, as a
//! case-insensitive host or file system would merge them.

use std::collections::HashMap;
use std::sync::Arc;

use crate::base::diag::{Diagnostic, Pos};
use crate::base::route::{reserved_root_names, reserved_segments, Route};
use crate::input::config::Config;
use crate::link::ArticleId;
use crate::parse::article::Article;

/// An earlier address that leads to an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// Site path of the earlier address: `ja/old-slug/`, `en/older/path/`
    /// or `en/old.html` (see [`Route::Alias`]).
    pub path: String,
    /// The article it leads to.
    pub to: ArticleId,
}

/// What two output files must not share.
fn file_key(site_path: &str) -> String {
    Route::Alias { path: site_path }.file().to_lowercase()
}

/// The longest segment an alias may have (as a slug).
const MAX_SEGMENT: usize = 200;

/// The site path an alias of an article in `lang` names, or what is wrong
/// with it (message, help).
pub fn alias_path(alias: &str, lang: &str) -> Result<String, (String, String)> {
    let site_path_help = || {
        "write the earlier slug (`old-briefing`) or a site path starting with one / (`/en/old/briefing/`)"
            .to_string()
    };
    if alias.trim().is_empty() {
        return Err((
            "an alias is empty".into(),
            "remove it, or write the earlier slug or site path".into(),
        ));
    }
    let Some(rest) = alias.strip_prefix('/') else {
        if alias.contains(['/', '\\', ':']) {
            return Err((
                format!("alias `{alias}` is neither a slug nor a site path"),
                site_path_help(),
            ));
        }
        if !crate::base::text::is_safe_slug(alias) {
            let slug = crate::base::text::slugify(alias);
            return Err((
                format!("alias `{alias}` is not a slug"),
                if slug.is_empty() {
                    site_path_help()
                } else {
                    format!("write it as the slug `{slug}`, or as a site path starting with /")
                },
            ));
        }
        return Ok(format!("{lang}/{alias}/"));
    };
    if rest.starts_with('/') {
        return Err((
            format!(
                "alias `{alias}` starts with //, which names another host or an absolute file path"
            ),
            site_path_help(),
        ));
    }
    if rest.is_empty() {
        return Err(("alias `/` is the site's root page".into(), site_path_help()));
    }
    let folder = rest.ends_with('/');
    let body = rest.strip_suffix('/').unwrap_or(rest);
    let segments: Vec<&str> = body.split('/').collect();
    for seg in &segments {
        if seg.is_empty() {
            return Err((
                format!("alias `{alias}` has an empty path segment (//)"),
                "write each folder of the path once, separated by a single /".into(),
            ));
        }
        if *seg == "." || *seg == ".." {
            return Err((
                format!("alias `{alias}` has a `{seg}` segment, which could lead outside the output folder"),
                "write the path from the site root, without . or ..".into(),
            ));
        }
        if seg.starts_with('.') {
            return Err((
                format!("alias `{alias}` has a hidden segment `{seg}`"),
                "start every folder of the path with a letter or digit".into(),
            ));
        }
        if let Some(c) = seg
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err((
                format!(
                    "alias `{alias}` contains `{}`, which a site path may not hold",
                    c.escape_debug()
                ),
                "use letters, digits, -, _ and . in each folder; write non-ASCII letters as they are, not percent-encoded".into(),
            ));
        }
        let stem = seg.split('.').next().unwrap_or(seg).to_lowercase();
        if crate::base::text::is_windows_device_name(&stem) {
            return Err((
                format!(
                    "alias `{alias}` has the segment `{seg}`, a name Windows reserves for a device"
                ),
                "rename that folder of the path".into(),
            ));
        }
        if seg.len() > MAX_SEGMENT {
            return Err((
                format!("alias `{alias}` has a segment longer than {MAX_SEGMENT} bytes"),
                "shorten it".into(),
            ));
        }
    }
    let n = segments.len();
    if let Some(seg) = segments[..n - 1].iter().find(|s| {
        let s = s.to_lowercase();
        s.ends_with(".html") || s.ends_with(".htm")
    }) {
        return Err((
            format!("alias `{alias}` has a folder `{seg}` named like a page file"),
            "only the last part of the path may end in .html".into(),
        ));
    }
    let last = segments.last().copied().unwrap_or_default().to_lowercase();
    if folder || !last.contains('.') {
        return Ok(format!("{body}/"));
    }
    if last.ends_with(".html") || last.ends_with(".htm") {
        return Ok(body.to_string());
    }
    Err((
        format!("alias `{alias}` names a file that is not an HTML page"),
        "end the path with / (a folder) or .html; a redirect page can only stand in for a page"
            .into(),
    ))
}

/// Who holds an output file.
enum Owner {
    Article(ArticleId),
    /// A page of the site (the root, a language's home).
    Page,
    /// An alias of an article, at its place in the front-matter.
    Alias(ArticleId, Pos),
}

/// Checks every alias of `articles`; returns the redirects, by site path,
/// and each folder-style alias path (case-folded) with its article, for the
/// links written to an article's old file name.
pub(super) fn aliases(
    articles: &[Arc<Article>],
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Redirect>, HashMap<String, ArticleId>) {
    let mut redirects = Vec::new();
    let mut by_path = HashMap::new();
    if articles.iter().all(|a| a.fm.aliases.is_empty()) {
        return (redirects, by_path);
    }
    let reserved = reserved_segments(&config.site.taxonomies);
    let root_names = reserved_root_names();
    let languages: Vec<String> = config.languages.keys().map(|l| l.to_lowercase()).collect();
    let mut taken: HashMap<String, Owner> = HashMap::new();
    taken.insert(file_key(&Route::Root.path()), Owner::Page);
    for lang in config.languages.keys() {
        taken.insert(file_key(&Route::Home { lang, page: 1 }.path()), Owner::Page);
    }
    for (i, a) in articles.iter().enumerate() {
        taken.insert(file_key(&a.path), Owner::Article(i));
    }
    for (i, a) in articles.iter().enumerate() {
        for (j, alias) in a.fm.aliases.iter().enumerate() {
            let pos = a.fm.alias_pos.get(j).copied().unwrap_or(Pos::START);
            let error = |code, message: String, help: String| {
                Diagnostic::error(code, message).at(&a.file, pos).help(help)
            };
            let path = match alias_path(alias, &a.lang) {
                Ok(p) => p,
                Err((message, help)) => {
                    diags.push(error("bad-alias", message, help));
                    continue;
                }
            };
            let segs: Vec<String> = path.split('/').map(str::to_lowercase).collect();
            let reserved_seg = if languages.contains(&segs[0]) {
                segs.get(1).filter(|s| reserved.contains(s))
            } else {
                Some(&segs[0]).filter(|s| root_names.contains(s))
            };
            if let Some(seg) = reserved_seg {
                diags.push(error(
                    "reserved-alias",
                    format!("alias `{alias}` is under `{seg}`, which belongs to the site's own pages"),
                    "choose an address outside the site's own folders (page, sources, search, taxonomies, static)".into(),
                ));
                continue;
            }
            // Inside an article's folder, beside its page and its exports.
            let dirs = segs.len() - if path.ends_with('/') { 2 } else { 1 };
            let folders: Vec<String> = (1..=dirs)
                .map(|k| format!("{}/", segs[..k].join("/")))
                .collect();
            if let Some(t) = folders.iter().find_map(|f| match taken.get(&file_key(f)) {
                Some(Owner::Article(t)) => Some(*t),
                _ => None,
            }) {
                diags.push(error(
                    "alias-collision",
                    format!(
                        "alias `{alias}` is inside the folder of {}",
                        articles[t].file.display()
                    ),
                    "choose an address outside the folder of another page".into(),
                ));
                continue;
            }
            let key = file_key(&path);
            match taken.get(&key) {
                Some(Owner::Article(t)) if *t == i => diags.push(error(
                    "alias-collision",
                    format!("alias `{alias}` is this article's own address"),
                    "remove the alias; an article needs no redirect to itself".into(),
                )),
                Some(Owner::Article(t)) => diags.push(error(
                    "alias-collision",
                    format!(
                        "alias `{alias}` is the address of {}",
                        articles[*t].file.display()
                    ),
                    "remove the alias, or give that article another slug".into(),
                )),
                Some(Owner::Page) => diags.push(error(
                    "reserved-alias",
                    format!("alias `{alias}` is the address of a site page"),
                    "choose another address".into(),
                )),
                Some(Owner::Alias(t, at)) => diags.push(error(
                    "alias-collision",
                    format!(
                        "alias `{alias}` is also an alias of {} (line {}, column {})",
                        articles[*t].file.display(),
                        at.line,
                        at.column
                    ),
                    "an address can lead to one article only: remove one of the two".into(),
                )),
                None => {
                    taken.insert(key, Owner::Alias(i, pos));
                    if path.ends_with('/') {
                        by_path.insert(path.to_lowercase(), i);
                    }
                    redirects.push(Redirect { path, to: i });
                }
            }
        }
    }
    redirects.sort_by(|a, b| a.path.cmp(&b.path).then(a.to.cmp(&b.to)));
    (redirects, by_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        let ok = |a: &str| alias_path(a, "ja").unwrap();
        assert_eq!(ok("old-slug"), "ja/old-slug/");
        assert_eq!(ok("旧記事"), "ja/旧記事/");
        assert_eq!(ok("/en/older/path/"), "en/older/path/");
        assert_eq!(ok("/en/older/path"), "en/older/path/");
        assert_eq!(ok("/en/Old.HTML"), "en/Old.HTML");
        assert_eq!(ok("/en/v1.2/"), "en/v1.2/");
        assert_eq!(ok("/old/"), "old/");
        for bad in [
            "",
            " ",
            "Old",
            "a/b",
            "..",
            "c:\\x",
            "/",
            "//host/x",
            "/en/../x/",
            "/en/./x/",
            "/en//x/",
            "/en/.git/",
            "/en/a b/",
            "/en/%E6%97%A7/",
            "/en/x?y/",
            "/en/x#y/",
            "/en/a\\b/",
            "/en/con/",
            "/en/file.pdf",
            "/en/index.html/x/",
            "/en/x\u{7}/",
        ] {
            assert!(alias_path(bad, "ja").is_err(), "{bad:?}");
        }
    }
}
