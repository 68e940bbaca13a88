//! Stage 3, link: the site graph.
//!
//! Sees every parsed article at once and computes everything that crosses
//! articles: translations, resolved internal links and their errors,
//! backlinks, previous/next, taxonomies, related briefings and sources. Every
//! cross-reference error is found here, before anything is rendered. Nothing
//! here compares every pair of articles: related briefings and sources use
//! inverted indexes.

use std::collections::{BTreeMap, HashMap, HashSet};

// Maps keyed by the site's own paths, slugs and keys use FxHash: SipHash
// was a visible share of every re-link, and no iteration order reaches the
// site (lists are sorted).
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::base::diag::Diagnostic;
use crate::input::config::Config;
use crate::parse::article::{Article, Unbuilt};
use crate::parse::frontmatter::Citation;

pub mod aliases;
mod resolve;
pub use aliases::Redirect;
use resolve::{resolve_links, Targets};

mod related;

pub type ArticleId = usize;

/// A distinct cited source within one language.
#[derive(Debug, Clone)]
pub struct Source {
    /// Stable anchor on the sources page: `src-1a2b3c4d`.
    pub anchor: String,
    /// A representative citation (the first by citing article order).
    pub citation: Citation,
    /// Articles citing it, newest first.
    pub cited_by: Vec<ArticleId>,
    /// Site path of the sources page that lists it.
    pub page_path: String,
}

#[derive(Debug, Default)]
pub struct Site {
    /// Every article that is built, sorted by language and path. Shared, so
    /// that an incremental rebuild re-links without copying any article.
    pub articles: Vec<Arc<Article>>,
    /// Per language, article ids newest first (date, then path).
    pub by_lang: BTreeMap<String, Vec<ArticleId>>,
    /// Per article: language → id of its translation (itself included).
    pub translations: Vec<BTreeMap<String, ArticleId>>,
    /// Per article: URL for each link token of its body.
    pub link_urls: Vec<Vec<String>>,
    pub backlinks: Vec<Vec<ArticleId>>,
    /// Per article: the older and the newer neighbour in its language.
    pub prev_next: Vec<(Option<ArticleId>, Option<ArticleId>)>,
    /// language → taxonomy → term → articles newest first.
    pub taxonomies: BTreeMap<String, BTreeMap<String, BTreeMap<String, Vec<ArticleId>>>>,
    pub related: Vec<Vec<ArticleId>>,
    /// language → sources, most cited first.
    pub sources: BTreeMap<String, Vec<Source>>,
    /// language → anchor → index in `sources[lang]`: finds a source's
    /// counterpart in another language without a scan.
    pub source_by_anchor: BTreeMap<String, Arc<FxHashMap<String, usize>>>,
    /// Per article, per citation index: the source it belongs to (index into `sources[lang]`).
    pub citation_sources: Vec<Vec<usize>>,
    /// Every alias (an earlier address of an article), by site path.
    pub redirects: Vec<Redirect>,
}

impl Source {
    /// Whether the source has a page of its own (see [`SOURCE_CITERS_SHOWN`]).
    pub fn has_page(&self) -> bool {
        self.cited_by.len() > SOURCE_CITERS_SHOWN
    }
}

impl Site {
    /// Whether `lang` has a page for the source with this anchor (a source
    /// has the same anchor in every language): for language switchers.
    pub fn has_source_page(&self, lang: &str, anchor: &str) -> bool {
        self.source_by_anchor
            .get(lang)
            .and_then(|index| index.get(anchor))
            .is_some_and(|&i| self.sources[lang][i].has_page())
    }
}

/// Sources listed per sources page.
pub const SOURCES_PER_PAGE: usize = 50;
/// Citing briefings listed under a source on the sources pages; a source
/// cited by more gets a page of its own listing all of them (paginated), so
/// that no sources page grows with the site.
pub const SOURCE_CITERS_SHOWN: usize = 10;
/// Related briefings shown per article.
pub const RELATED_MAX: usize = 5;
/// How many articles per feature, nearest in time, the related-briefings
/// index considers; keeps the cost per article bounded as the site grows.
const RELATED_WINDOW: usize = 120;

/// Normalized identity of a cited source: its URL as the url crate parses
/// it (host lowercased, default port dropped), without scheme, `www.`,
/// fragment and trailing slash; else its title and publisher.
pub fn source_key(c: &Citation) -> String {
    match &c.url {
        Some(u) => match url::Url::parse(u.0.trim()) {
            Ok(url) => {
                let host = url.host_str().unwrap_or_default();
                let host = host.strip_prefix("www.").unwrap_or(host);
                let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
                // Paths (and queries) are case-sensitive, hosts are not.
                let path = &url[url::Position::BeforePath..url::Position::AfterQuery];
                format!("url:{host}{port}/{}", path[1..].trim_end_matches('/'))
            }
            // Not from the front-matter (which checks every URL): as written.
            Err(_) => format!("url:{}", u.0.trim()),
        },
        None => format!(
            "title:{}|{}",
            c.title.trim().trim_end_matches('…').trim().to_lowercase(),
            c.publisher.as_deref().unwrap_or("").trim().to_lowercase()
        ),
    }
}

fn anchor_for(key: &str) -> String {
    let d = Sha256::digest(key.as_bytes());
    format!(
        "src-{}",
        d.iter()
            .take(5)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// `base`, or `base-2`, `base-3` … if it is taken; records the one returned.
fn unique_anchor(base: String, taken: &mut HashSet<String>) -> String {
    let mut anchor = base.clone();
    let mut n = 2;
    while !taken.insert(anchor.clone()) {
        anchor = format!("{base}-{n}");
        n += 1;
    }
    anchor
}

/// Slugs an article may not take: the first path segments of the other
/// routes under `/<lang>/` (see [`crate::base::route::reserved_segments`]).
pub fn reserved_slugs(config: &Config) -> Vec<String> {
    crate::base::route::reserved_segments(&config.site.taxonomies)
}

/// What two slugs of one language must not share: slugs are compared
/// case-folded, since case-insensitive hosts (macOS, Windows) would merge them.
pub fn slug_key(slug: &str) -> String {
    slug.to_lowercase()
}

/// Builds the site graph. `drafts` are the articles left out of this build,
/// so links to them get a precise error; `unparsed` the files that failed to
/// parse, so links to them are not reported again; `unbuilt` those of them
/// whose body rendered, whose own links and anchors are checked.
pub fn link(
    articles: Vec<Arc<Article>>,
    drafts: &[Arc<Article>],
    unparsed: &HashSet<PathBuf>,
    unbuilt: &[Arc<Unbuilt>],
    config: &Config,
    urls: &crate::base::urls::Urls,
) -> (Site, Vec<Diagnostic>) {
    link_with(
        articles,
        drafts,
        unparsed,
        unbuilt,
        config,
        urls,
        &mut LinkCache::default(),
    )
}

/// What [`link_with`] remembers between calls: per article (by identity),
/// the facts derived from it alone; per language, the sources and related
/// briefings with a fingerprint of everything they were computed from. A
/// language whose fingerprint is unchanged reuses them; otherwise they are
/// recomputed in full. The result is always the same as [`link`]'s.
#[derive(Default)]
pub struct LinkCache {
    memo: FxHashMap<usize, ArticleMemo>,
    sources: HashMap<String, (u64, CachedSources)>,
    related: HashMap<String, (u64, Vec<Vec<usize>>)>,
}

struct ArticleMemo {
    /// Keeps the address (the key) from being reused while cached.
    _article: Arc<Article>,
    /// The source key of each citation.
    keys: Vec<String>,
    /// Digest of the citations.
    citations: u64,
    /// Digest of the taxonomy terms.
    terms: u64,
}

/// Sources of one language, with articles as ranks in path order.
#[derive(Clone)]
struct CachedSources {
    sources: Vec<Source>,
    slots: Vec<Vec<usize>>,
    /// Anchor → index in `sources`.
    by_anchor: Arc<FxHashMap<String, usize>>,
}

fn memo_of(a: &Arc<Article>) -> ArticleMemo {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for c in &a.fm.citations {
        (
            &c.id,
            &c.title,
            &c.publisher,
            &c.author,
            &c.url,
            c.published,
            c.accessed,
            &c.lang,
        )
            .hash(&mut h);
    }
    let citations = h.finish();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    a.fm.taxonomies.hash(&mut h);
    ArticleMemo {
        _article: a.clone(),
        keys: a.fm.citations.iter().map(source_key).collect(),
        citations,
        terms: h.finish(),
    }
}

/// [`link`], reusing what `cache` remembers from earlier calls.
pub fn link_with(
    mut articles: Vec<Arc<Article>>,
    drafts: &[Arc<Article>],
    // Files that exist but failed to parse (root-relative paths): links to
    // them are not reported again, since the file's own error says it all.
    unparsed: &HashSet<PathBuf>,
    // Files among `unparsed` whose body rendered: their links are checked.
    unbuilt: &[Arc<Unbuilt>],
    config: &Config,
    urls: &crate::base::urls::Urls,
    cache: &mut LinkCache,
) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    articles.sort_by(|a, b| (&a.lang, &a.rel_path).cmp(&(&b.lang, &b.rel_path)));
    let articles = unique(articles, config, &mut diags);
    let memo = memos(&mut cache.memo, &articles);
    let translations = translations(&articles);
    let (by_lang, prev_next) = order(&articles, config);
    let (redirects, alias_paths) = aliases::aliases(&articles, config, &mut diags);
    let targets = Targets::new(&articles, drafts, unparsed, urls, &alias_paths);
    let (link_urls, backlinks) = resolve_links(&targets, unbuilt, &mut diags);
    let taxonomies = taxonomies(&articles, &by_lang, config);
    let (sources, source_by_anchor, citation_sources) =
        sources(&articles, &by_lang, &memo, &mut cache.sources);
    let related = related::candidates(
        &articles,
        &by_lang,
        &citation_sources,
        &memo,
        config,
        &cache.sources,
        &mut cache.related,
    );
    let related = related::without_backlinks(related, &backlinks);
    drop(targets);
    let site = Site {
        articles,
        by_lang,
        translations,
        link_urls,
        backlinks,
        prev_next,
        taxonomies,
        related,
        sources,
        source_by_anchor,
        citation_sources,
        redirects,
    };
    (site, diags)
}

/// Slugs and translation keys must be unique per language: the articles
/// that keep them, in order; the others are reported.
fn unique(
    mut articles: Vec<Arc<Article>>,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Arc<Article>> {
    let reserved = reserved_slugs(config);
    let mut keep = vec![true; articles.len()];
    let mut slugs: FxHashMap<(&str, String), usize> = FxHashMap::default();
    let mut keys: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    for (i, a) in articles.iter().enumerate() {
        if reserved.contains(&a.slug) {
            diags.push(
                Diagnostic::error(
                    "reserved-slug",
                    format!("slug `{}` is reserved for a site page", a.slug),
                )
                .at(&a.file, crate::base::diag::Pos::START)
                .help("set another slug: in the front-matter, or rename the file"),
            );
            keep[i] = false;
            continue;
        }
        if let Some(&j) = slugs.get(&(a.lang.as_str(), slug_key(&a.slug))) {
            diags.push(
                Diagnostic::error(
                    "duplicate-slug",
                    format!(
                        "{} and {} both produce /{}/{}/",
                        articles[j].file.display(),
                        a.file.display(),
                        a.lang,
                        a.slug
                    ),
                )
                .at(&a.file, crate::base::diag::Pos::START)
                .help("give one of them another slug: in the front-matter"),
            );
            keep[i] = false;
            continue;
        }
        slugs.insert((a.lang.as_str(), slug_key(&a.slug)), i);
        if let Some(&j) = keys.get(&(a.lang.as_str(), a.translation_key.as_str())) {
            diags.push(
                Diagnostic::error(
                    "duplicate-translation-key",
                    format!(
                        "{} and {} have the same translation_key `{}`",
                        articles[j].file.display(),
                        a.file.display(),
                        a.translation_key
                    ),
                )
                .at(&a.file, crate::base::diag::Pos::START)
                .help("each language may have only one translation of an article"),
            );
            keep[i] = false;
            continue;
        }
        keys.insert((a.lang.as_str(), a.translation_key.as_str()), i);
    }
    if keep.iter().any(|k| !k) {
        let mut it = keep.iter();
        articles.retain(|_| *it.next().expect("same length"));
    }

    articles
}

/// The facts derived from each article alone, computed once per parsed
/// article (by identity) and kept in `memo` while it is.
fn memos<'m>(
    memo: &'m mut FxHashMap<usize, ArticleMemo>,
    articles: &[Arc<Article>],
) -> Vec<&'m ArticleMemo> {
    let ptr = |a: &Arc<Article>| Arc::as_ptr(a) as usize;
    let fresh: Vec<(usize, ArticleMemo)> = articles
        .par_iter()
        .filter(|a| !memo.contains_key(&ptr(a)))
        .map(|a| (ptr(a), memo_of(a)))
        .collect();
    memo.extend(fresh);
    if memo.len() > articles.len() {
        let live: FxHashSet<usize> = articles.iter().map(ptr).collect();
        memo.retain(|k, _| live.contains(k));
    }
    let memo = &*memo;
    articles.iter().map(|a| &memo[&ptr(a)]).collect()
}

/// Per article: language → its translation (itself included).
fn translations(articles: &[Arc<Article>]) -> Vec<BTreeMap<String, ArticleId>> {
    let mut by_key: FxHashMap<&str, BTreeMap<String, ArticleId>> = FxHashMap::default();
    for (i, a) in articles.iter().enumerate() {
        by_key
            .entry(&a.translation_key)
            .or_default()
            .insert(a.lang.clone(), i);
    }
    let mut out = vec![BTreeMap::new(); articles.len()];
    for (i, a) in articles.iter().enumerate() {
        out[i] = by_key[a.translation_key.as_str()].clone();
    }

    out
}

/// Per language, the articles newest first; per article, its older and newer
/// neighbour.
#[allow(clippy::type_complexity)]
fn order(
    articles: &[Arc<Article>],
    config: &Config,
) -> (
    BTreeMap<String, Vec<ArticleId>>,
    Vec<(Option<ArticleId>, Option<ArticleId>)>,
) {
    let mut by_lang: BTreeMap<String, Vec<ArticleId>> = BTreeMap::new();
    let mut prev_next = vec![(None, None); articles.len()];
    for (i, a) in articles.iter().enumerate() {
        by_lang.entry(a.lang.clone()).or_default().push(i);
    }
    let stamps: Vec<i64> = articles.iter().map(|a| a.fm.date.timestamp()).collect();
    for ids in by_lang.values_mut() {
        ids.sort_by(|&x, &y| {
            stamps[y]
                .cmp(&stamps[x])
                .then_with(|| articles[x].rel_path.cmp(&articles[y].rel_path))
        });
        for (pos, &id) in ids.iter().enumerate() {
            let older = ids.get(pos + 1).copied();
            let newer = if pos > 0 { Some(ids[pos - 1]) } else { None };
            prev_next[id] = (older, newer);
        }
    }
    for lang in config.languages.keys() {
        by_lang.entry(lang.clone()).or_default();
    }

    (by_lang, prev_next)
}

/// language → taxonomy → term → articles newest first (by_lang order).
fn taxonomies(
    articles: &[Arc<Article>],
    by_lang: &BTreeMap<String, Vec<ArticleId>>,
    config: &Config,
) -> BTreeMap<String, BTreeMap<String, BTreeMap<String, Vec<ArticleId>>>> {
    let mut out = BTreeMap::new();
    for (lang, ids) in by_lang {
        let mut taxes: BTreeMap<String, BTreeMap<String, Vec<ArticleId>>> = config
            .site
            .taxonomies
            .iter()
            .map(|t| (t.clone(), BTreeMap::new()))
            .collect();
        for &id in ids {
            for (tax, terms) in &articles[id].fm.taxonomies {
                if let Some(map) = taxes.get_mut(tax) {
                    for term in terms {
                        map.entry(term.clone()).or_default().push(id);
                    }
                }
            }
        }
        out.insert(lang.clone(), taxes);
    }

    out
}

/// The sources of every language (the languages side by side), each
/// language reused from `cache` when none of its inputs changed.
#[allow(clippy::type_complexity)]
fn sources(
    articles: &[Arc<Article>],
    by_lang: &BTreeMap<String, Vec<ArticleId>>,
    memo: &[&ArticleMemo],
    cache: &mut HashMap<String, (u64, CachedSources)>,
) -> (
    BTreeMap<String, Vec<Source>>,
    BTreeMap<String, Arc<FxHashMap<String, usize>>>,
    Vec<Vec<usize>>,
) {
    use std::hash::{Hash, Hasher};
    let mut all = BTreeMap::new();
    let mut by_anchor = BTreeMap::new();
    let mut citation_sources = vec![Vec::new(); articles.len()];
    let per_lang: Vec<_> = by_lang
        .par_iter()
        .map(|(lang, ids)| {
            let mut sorted_ids = ids.clone();
            sorted_ids.sort_by(|&x, &y| articles[x].rel_path.cmp(&articles[y].rel_path));
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for &id in &sorted_ids {
                let a = &articles[id];
                (&a.rel_path, a.fm.date.timestamp(), memo[id].citations).hash(&mut h);
            }
            let fingerprint = h.finish();
            match cache.get(lang) {
                Some((fp, c)) if *fp == fingerprint => {
                    (lang, sorted_ids, fingerprint, c.clone(), None)
                }
                _ => {
                    let c = lang_sources(lang, articles, memo, &sorted_ids);
                    let for_cache = c.clone();
                    (lang, sorted_ids, fingerprint, c, Some(for_cache))
                }
            }
        })
        .collect();
    for (lang, sorted_ids, fingerprint, cached, fresh) in per_lang {
        if let Some(c) = fresh {
            cache.insert(lang.clone(), (fingerprint, c));
        }
        // Ranks back to article ids.
        let mut sources = cached.sources;
        for s in &mut sources {
            for r in &mut s.cited_by {
                *r = sorted_ids[*r];
            }
        }
        for (rank, slots) in cached.slots.into_iter().enumerate() {
            citation_sources[sorted_ids[rank]] = slots;
        }
        by_anchor.insert(lang.clone(), cached.by_anchor);
        all.insert(lang.clone(), sources);
    }

    (all, by_anchor, citation_sources)
}

/// The sources of one language; articles are given, and returned, as ranks
/// in `sorted_ids` (path order).
fn lang_sources(
    lang: &str,
    articles: &[Arc<Article>],
    memo: &[&ArticleMemo],
    sorted_ids: &[ArticleId],
) -> CachedSources {
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    let mut list: Vec<(&str, Source)> = Vec::new();
    let mut slots_by_rank: Vec<Vec<usize>> = Vec::with_capacity(sorted_ids.len());
    // Anchors are short hashes; the rare two sources that share one are told
    // apart by a suffix, since the anchor also names the source's page.
    let mut anchors: HashSet<String> = HashSet::new();
    for (rank, &id) in sorted_ids.iter().enumerate() {
        let mut mine = Vec::new();
        for (c, key) in articles[id].fm.citations.iter().zip(&memo[id].keys) {
            let slot = *index.entry(key.as_str()).or_insert_with(|| {
                let anchor = unique_anchor(anchor_for(key), &mut anchors);
                list.push((
                    key.as_str(),
                    Source {
                        anchor,
                        citation: c.clone(),
                        cited_by: Vec::new(),
                        page_path: String::new(),
                    },
                ));
                list.len() - 1
            });
            if !list[slot].1.cited_by.contains(&rank) {
                list[slot].1.cited_by.push(rank);
            }
            mine.push(slot);
        }
        slots_by_rank.push(mine);
    }
    let newest_first = |x: &usize, y: &usize| {
        let (a, b) = (&articles[sorted_ids[*x]], &articles[sorted_ids[*y]]);
        b.fm.date
            .timestamp()
            .cmp(&a.fm.date.timestamp())
            .then_with(|| a.rel_path.cmp(&b.rel_path))
    };
    for (_, s) in list.iter_mut() {
        s.cited_by.sort_by(newest_first);
    }
    // Most cited first, then by title, then key: a total order.
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by(|&x, &y| {
        list[y]
            .1
            .cited_by
            .len()
            .cmp(&list[x].1.cited_by.len())
            .then_with(|| list[x].1.citation.title.cmp(&list[y].1.citation.title))
            .then_with(|| list[x].0.cmp(list[y].0))
    });
    let mut new_slot = vec![0; list.len()];
    for (pos, &old) in order.iter().enumerate() {
        new_slot[old] = pos;
    }
    let mut sources: Vec<Source> = Vec::with_capacity(list.len());
    let mut taken: Vec<Option<Source>> = list.into_iter().map(|(_, s)| Some(s)).collect();
    for (pos, &old) in order.iter().enumerate() {
        let mut s = taken[old].take().expect("each once");
        s.page_path = crate::base::route::Route::Sources {
            lang,
            page: pos / SOURCES_PER_PAGE + 1,
        }
        .path();
        sources.push(s);
    }
    for slots in &mut slots_by_rank {
        for s in slots.iter_mut() {
            *s = new_slot[*s];
        }
    }
    let by_anchor = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.anchor.clone(), i))
        .collect();
    CachedSources {
        sources,
        slots: slots_by_rank,
        by_anchor: Arc::new(by_anchor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(url: &str) -> String {
        source_key(&Citation {
            id: crate::parse::frontmatter::CitationId("1".into()),
            title: "t".into(),
            publisher: None,
            author: None,
            url: Some(crate::parse::frontmatter::HttpUrl(url.into())),
            published: None,
            accessed: None,
            lang: None,
        })
    }

    #[test]
    fn source_keys_of_urls() {
        for (url, key) in [
            ("https://www.Example.com/A/b/", "url:example.com/A/b"),
            ("http://example.com/A/b#part", "url:example.com/A/b"),
            ("HTTPS://EXAMPLE.COM", "url:example.com/"),
            ("https://example.com/", "url:example.com/"),
            ("https://example.com/a/?q=1#f", "url:example.com/a/?q=1"),
            ("https://example.com:8080/a", "url:example.com:8080/a"),
            ("https://example.com:443/a", "url:example.com/a"),
            ("https://例え.jp/a", "url:xn--r8jz45g.jp/a"),
        ] {
            assert_eq!(key_of(url), key, "{url}");
        }
    }

    #[test]
    fn colliding_source_anchors_get_suffixes() {
        let mut taken = HashSet::new();
        let got: Vec<String> = ["src-a", "src-b", "src-a", "src-a"]
            .iter()
            .map(|b| unique_anchor(b.to_string(), &mut taken))
            .collect();
        assert_eq!(got, ["src-a", "src-b", "src-a-2", "src-a-3"]);
    }
}
