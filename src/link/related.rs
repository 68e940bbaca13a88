//! Related briefings: candidates from shared sources and terms (cached per
//! language), then the briefings a page already lists as backlinks left out.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::{ArticleId, ArticleMemo, CachedSources, RELATED_MAX, RELATED_WINDOW};
use crate::input::config::Config;
use crate::parse::article::Article;

/// Candidates kept per article: enough to top the list up to
/// [`RELATED_MAX`] after backlinks are left out, bounded so that no list
/// grows with the site.
pub(super) const RELATED_CANDIDATES: usize = RELATED_MAX + 20;

/// "Related" without the briefings already under "Referenced by" on the
/// same page (the reader sees them there), topped up from the next
/// candidates, at most [`RELATED_MAX`]; the order stays the candidates'.
pub(super) fn without_backlinks(
    candidates: Vec<Vec<ArticleId>>,
    backlinks: &[Vec<ArticleId>],
) -> Vec<Vec<ArticleId>> {
    candidates
        .into_iter()
        .zip(backlinks)
        .map(|(list, back)| {
            list.into_iter()
                .filter(|c| !back.contains(c))
                .take(RELATED_MAX)
                .collect()
        })
        .collect()
}

/// Related-briefing candidates, per article, best first: up to
/// [`RELATED_CANDIDATES`], so that [`without_backlinks`] can leave out the
/// briefings a page already lists under "Referenced by" and still show
/// [`RELATED_MAX`].
pub(super) fn candidates(
    articles: &[Arc<Article>],
    by_lang: &BTreeMap<String, Vec<ArticleId>>,
    citation_sources: &[Vec<usize>],
    memo: &[&ArticleMemo],
    config: &Config,
    sources_cache: &HashMap<String, (u64, CachedSources)>,
    cache: &mut HashMap<String, (u64, Vec<Vec<usize>>)>,
) -> Vec<Vec<ArticleId>> {
    use std::hash::{Hash, Hasher};
    let n = articles.len();
    // Related briefings: an inverted index from features (a shared source, a
    // shared term) to articles. Each article scores only the articles nearest
    // to it in time within each of its features' postings, so the cost per
    // article is bounded and no pair of articles is compared blindly.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum Feature<'a> {
        Source(usize),
        // The taxonomy's place in book.toml, so articles using different
        // taxonomies still share terms, and the first taxonomy weighs more.
        Term(usize, &'a str),
    }
    let features = |id: ArticleId| -> Vec<(Feature, u32)> {
        let a = &articles[id];
        let mut f: Vec<(Feature, u32)> = citation_sources[id]
            .iter()
            .map(|&s| (Feature::Source(s), 3))
            .collect();
        for (ti, tax) in config.site.taxonomies.iter().enumerate() {
            if let Some(terms) = a.fm.taxonomies.get(tax) {
                let w = if ti == 0 { 2 } else { 1 };
                f.extend(terms.iter().map(|t| (Feature::Term(ti, t.as_str()), w)));
            }
        }
        let mut seen = std::collections::HashSet::new();
        f.retain(|(feat, _)| seen.insert(*feat));
        f
    };
    let mut related = vec![Vec::new(); n];
    for (lang, ids) in by_lang {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        sources_cache.get(lang).map(|(fp, _)| *fp).hash(&mut h);
        for &id in ids {
            (&articles[id].rel_path, memo[id].terms).hash(&mut h);
        }
        let fingerprint = h.finish();
        if let Some((fp, lists)) = cache.get(lang) {
            if *fp == fingerprint {
                for (rank, list) in lists.iter().enumerate() {
                    related[ids[rank]] = list.iter().map(|&r| ids[r]).collect();
                }
                continue;
            }
        }
        // Postings hold ranks (positions in the newest-first list), ascending.
        let mut postings: HashMap<Feature, Vec<usize>> = HashMap::new();
        let article_features: Vec<Vec<(Feature, u32)>> =
            ids.par_iter().map(|&id| features(id)).collect();
        for (rank, feats) in article_features.iter().enumerate() {
            for (feat, _) in feats {
                postings.entry(*feat).or_default().push(rank);
            }
        }
        let lists: Vec<Vec<ArticleId>> = (0..ids.len())
            .into_par_iter()
            .map_init(
                || (vec![0u32; ids.len()], Vec::new()),
                |(scores, touched), rank| {
                    for (feat, w) in &article_features[rank] {
                        let list = &postings[feat];
                        let pos = list.binary_search(&rank).unwrap_or(0);
                        let lo = pos.saturating_sub(RELATED_WINDOW / 2);
                        let hi = (pos + RELATED_WINDOW / 2 + 1).min(list.len());
                        for &other in &list[lo..hi] {
                            if other != rank {
                                if scores[other] == 0 {
                                    touched.push(other);
                                }
                                scores[other] += w;
                            }
                        }
                    }
                    // Highest score first; ties go to the newer article (lower rank).
                    touched.sort_unstable_by(|&x: &usize, &y: &usize| {
                        scores[y].cmp(&scores[x]).then(x.cmp(&y))
                    });
                    let top = touched.iter().take(RELATED_CANDIDATES).copied().collect();
                    for &t in touched.iter() {
                        scores[t] = 0;
                    }
                    touched.clear();
                    top
                },
            )
            .collect();
        for (rank, list) in lists.iter().enumerate() {
            related[ids[rank]] = list.iter().map(|&r| ids[r]).collect();
        }
        cache.insert(lang.clone(), (fingerprint, lists));
    }

    related
}
