//! Where a link in a body leads: an article's file (resolved against the
//! file the link is written in), or somewhere outside the site; and which
//! URL schemes a body may link to.

/// Where an internal link points: language, path under `content/<lang>/`, anchor.
pub type LinkTarget = (String, String, Option<String>);

/// Resolves a link destination written in `content/<lang>/<rel_path>` to the
/// language, path under `content/<lang>/` and anchor of the article it names.
/// `None` for links that are not to an article (external, `/…`, `#…`, other
/// files); an error when the path leaves `content/` or names no language.
pub fn resolve_internal_link(
    dest: &str,
    lang: &str,
    rel_path: &str,
) -> Option<Result<LinkTarget, String>> {
    if dest.is_empty()
        || dest.starts_with('/')
        || dest.starts_with('#')
        || dest.starts_with('?')
        || has_scheme(dest)
    {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if !path.ends_with(".md") {
        return None;
    }
    let path = crate::base::text::percent_decode(path);
    let mut segs: Vec<String> = vec![lang.to_string()];
    if let Some((dir, _)) = rel_path.rsplit_once('/') {
        segs.extend(dir.split('/').map(str::to_string));
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if segs.pop().is_none() {
                    return Some(Err(format!("link `{dest}` leads outside content/")));
                }
            }
            p => segs.push(p.to_string()),
        }
    }
    if segs.len() < 2 {
        return Some(Err(format!(
            "link `{dest}` does not point at an article under content/<lang>/"
        )));
    }
    let lang = segs.remove(0);
    Some(Ok((lang, segs.join("/"), anchor.filter(|a| !a.is_empty()))))
}

pub(crate) fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) => {
            let scheme = &s[..i];
            !scheme.is_empty()
                && !scheme.contains('/')
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

pub(crate) fn is_safe_scheme(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    ["http:", "https:", "mailto:", "tel:"]
        .iter()
        .any(|p| lower.starts_with(p))
}
