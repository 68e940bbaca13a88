//! Internal links: each link of an article (or of an unbuilt file) to
//! another article's file, resolved to that article's URL, or reported with
//! a "did you mean" hint; same-page anchors; the backlinks links make. A
//! link to a file that no longer exists but whose address is now an alias
//! of an article (see [`super::aliases`]) leads to that article.

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::diag::Diagnostic;
use crate::link::ArticleId;
use crate::parse::article::{Article, Unbuilt};
use crate::parse::markdown::InternalLink;

/// The file a link is in: an article, or an [`Unbuilt`] file.
pub(super) struct LinkFrom<'a> {
    file: &'a Path,
    lang: &'a str,
    rel_path: &'a str,
}

/// What internal links may point to.
pub(super) struct Targets<'a> {
    articles: &'a [Arc<Article>],
    by_path: FxHashMap<(&'a str, &'a str), ArticleId>,
    /// Drafts left out of this build.
    drafts: FxHashSet<(&'a str, &'a str)>,
    unparsed: &'a HashSet<PathBuf>,
    urls: &'a crate::base::urls::Urls,
    /// Folder-style alias paths (case-folded) → the article they lead to.
    aliases: &'a HashMap<String, ArticleId>,
}

impl<'a> Targets<'a> {
    pub(super) fn new(
        articles: &'a [Arc<Article>],
        drafts: &'a [Arc<Article>],
        unparsed: &'a HashSet<PathBuf>,
        urls: &'a crate::base::urls::Urls,
        aliases: &'a HashMap<String, ArticleId>,
    ) -> Self {
        Targets {
            articles,
            by_path: articles
                .iter()
                .enumerate()
                .map(|(i, a)| ((a.lang.as_str(), a.rel_path.as_str()), i))
                .collect(),
            drafts: drafts
                .iter()
                .map(|a| (a.lang.as_str(), a.rel_path.as_str()))
                .collect(),
            unparsed,
            urls,
            aliases,
        }
    }

    /// The article whose alias is the address the file `rel_path` of
    /// `lang` had (its slug from the file name, or its path), when no such
    /// file exists.
    fn by_alias(&self, lang: &str, rel_path: &str) -> Option<ArticleId> {
        if self.aliases.is_empty() {
            return None;
        }
        let stem = crate::parse::article::stem_path(rel_path);
        let name = stem.rsplit('/').next().unwrap_or(stem);
        [
            format!("{lang}/{}/", crate::base::text::slugify(name)),
            format!("{lang}/{stem}/").to_lowercase(),
        ]
        .iter()
        .find_map(|p| self.aliases.get(p).copied())
    }

    /// Resolves one link of `from` to its target and URL (with the anchor,
    /// even when the target has no such heading), reporting what is wrong.
    /// `None` when there is no target: the link's URL is `#`.
    fn resolve(
        &self,
        from: &LinkFrom,
        link: &InternalLink,
        hint_budget: &mut usize,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(ArticleId, String)> {
        let key = (link.lang.as_str(), link.rel_path.as_str());
        let file = || PathBuf::from(format!("content/{}/{}", link.lang, link.rel_path));
        let target = self.by_path.get(&key).copied().or_else(|| {
            if self.drafts.contains(&key) || self.unparsed.contains(&file()) {
                None
            } else {
                self.by_alias(&link.lang, &link.rel_path)
            }
        });
        if let Some(t) = target {
            let ta = &self.articles[t];
            let mut url = self.urls.path(&ta.path);
            if let Some(anchor) = &link.anchor {
                if !ta.body.anchors.contains(anchor) {
                    let mut names: Vec<&String> = ta.body.headings.iter().map(|h| &h.id).collect();
                    names.sort();
                    let hint = crate::input::config::nearest(
                        anchor,
                        &names.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                    )
                    .map(|h| format!("did you mean #{h}?"))
                    .unwrap_or_else(|| {
                        format!(
                            "headings there: {}",
                            names
                                .iter()
                                .map(|s| format!("#{s}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    });
                    diags.push(
                        Diagnostic::error(
                            "broken-anchor",
                            format!("{} has no heading `#{anchor}`", ta.file.display()),
                        )
                        .at(from.file, link.pos)
                        .help(hint),
                    );
                }
                url.push('#');
                url.push_str(anchor);
            }
            return Some((t, url));
        }
        if self.unparsed.contains(&file()) {
            return None;
        }
        let d = if self
            .drafts
            .contains(&(link.lang.as_str(), link.rel_path.as_str()))
        {
            Diagnostic::error(
                "link-to-draft",
                format!(
                    "content/{}/{} is a draft and is not published",
                    link.lang, link.rel_path
                ),
            )
            .help("publish it (draft: false), remove the link, or build with --drafts to preview")
        } else {
            let candidates: Vec<&str> = self
                .articles
                .iter()
                .filter(|x| x.lang == link.lang)
                .map(|x| x.rel_path.as_str())
                .collect();
            let hint = closest_path(&link.rel_path, &candidates, hint_budget)
                .map(|c| format!("did you mean {}?", relative_hint(from, &link.lang, c)))
                .unwrap_or_else(|| "check the file name; links are relative to this file".into());
            Diagnostic::error(
                "broken-link",
                format!(
                    "link to content/{}/{}, which does not exist",
                    link.lang, link.rel_path
                ),
            )
            .help(hint)
        };
        diags.push(d.at(from.file, link.pos));
        None
    }
}

/// Reports `#anchor` links of a file to ids it does not have.
fn check_local_anchors(
    file: &Path,
    anchors: &HashSet<String>,
    local_anchors: &[(String, crate::base::diag::Pos)],
    diags: &mut Vec<Diagnostic>,
) {
    for (anchor, pos) in local_anchors {
        if !anchors.contains(anchor) && !anchor.is_empty() {
            diags.push(
                Diagnostic::error(
                    "broken-anchor",
                    format!("this article has no heading `#{anchor}`"),
                )
                .at(file, *pos)
                .help("link to a heading id that exists in this article"),
            );
        }
    }
}

/// Every internal link resolved to a URL (or `#`, reported), and the
/// backlinks they make; the links of unbuilt files are checked too.
pub(super) fn resolve_links(
    targets: &Targets,
    unbuilt: &[Arc<Unbuilt>],
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Vec<String>>, Vec<Vec<ArticleId>>) {
    let articles = targets.articles;
    let n = articles.len();
    let mut link_urls = vec![Vec::new(); n];
    let mut backlinks: Vec<Vec<ArticleId>> = vec![Vec::new(); n];
    // Candidate comparisons left for "did you mean" hints (see closest_path).
    let mut hint_budget: usize = 200_000;
    for (i, a) in articles.iter().enumerate() {
        let from = LinkFrom {
            file: &a.file,
            lang: &a.lang,
            rel_path: &a.rel_path,
        };
        let mut resolved = Vec::with_capacity(a.body.links.len());
        for link in &a.body.links {
            match targets.resolve(&from, link, &mut hint_budget, diags) {
                Some((t, url)) => {
                    if t != i && articles[t].lang == a.lang && !backlinks[t].contains(&i) {
                        backlinks[t].push(i);
                    }
                    resolved.push(url);
                }
                None => resolved.push("#".to_string()),
            }
        }
        link_urls[i] = resolved;
        check_local_anchors(&a.file, &a.body.anchors, &a.body.local_anchors, diags);
    }
    // Files that are not published (their front-matter failed): their links
    // are checked all the same, so a front-matter error hides nothing.
    for u in unbuilt {
        let from = LinkFrom {
            file: &u.file,
            lang: &u.lang,
            rel_path: &u.rel_path,
        };
        for link in &u.links {
            targets.resolve(&from, link, &mut hint_budget, diags);
        }
        check_local_anchors(&u.file, &u.anchors, &u.local_anchors, diags);
    }
    for (t, list) in backlinks.iter_mut().enumerate() {
        let _ = t;
        list.sort_by(|&x, &y| {
            articles[y]
                .fm
                .date
                .timestamp()
                .cmp(&articles[x].fm.date.timestamp())
                .then_with(|| articles[x].rel_path.cmp(&articles[y].rel_path))
        });
    }

    (link_urls, backlinks)
}

/// The existing article a broken link most likely meant. `budget` bounds the
/// string comparisons of a whole build: ample for a site's usual handful of
/// broken links, and a limit when a moved folder breaks thousands at once.
fn closest_path<'a>(wanted: &str, candidates: &[&'a str], budget: &mut usize) -> Option<&'a str> {
    // A moved folder: the same file name elsewhere.
    let name = wanted.rsplit('/').next().unwrap_or(wanted);
    if let Some(same) = candidates
        .iter()
        .filter(|c| c.rsplit('/').next() == Some(name))
        .min()
    {
        return Some(same);
    }
    if candidates.len() > *budget {
        return None;
    }
    *budget -= candidates.len();
    candidates
        .iter()
        .map(|c| (strsim::normalized_levenshtein(wanted, c), *c))
        .filter(|(s, _)| *s > 0.4)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// How to write a link from `from` to `content/<lang>/<rel>`, for hints.
fn relative_hint(from: &LinkFrom, lang: &str, rel: &str) -> String {
    let depth = from.rel_path.matches('/').count();
    let up = "../".repeat(depth);
    if lang == from.lang {
        format!("{up}{rel}")
    } else {
        format!("{up}../{lang}/{rel}")
    }
}
