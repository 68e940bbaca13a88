//! Stage 4, index: the search index of the linked site.
//!
//! The driver runs it after `link` ([`build`]); its value, [`SearchIndex`],
//! is the search files of every language, written beside the rendered pages.
//! A search document depends on its article alone (and the locales and URLs),
//! so serve's rebuilds keep one per article ([`search::CachedDoc`]) and
//! re-tokenize only the articles that changed ([`build_cached`]).

pub mod search;

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::base::route::Route;
use crate::base::urls::Urls;
use crate::input::locale::{term_key, Locales};
use crate::link::{ArticleId, Site};
use search::{CachedDoc, Doc, IndexBuilder, LangIndex, Part, Shown};

/// What a search document needs beside its article.
#[derive(Clone, Copy)]
pub struct SearchEnv<'a> {
    pub locales: &'a Locales,
    pub urls: &'a Urls,
}

/// The search files of every language.
#[derive(Debug, Default)]
pub struct SearchIndex {
    pub langs: BTreeMap<String, LangIndex>,
}

impl SearchIndex {
    /// Every search file: its route and its bytes, in a fixed order.
    pub fn files(&self) -> Vec<(Route<'_>, &[u8])> {
        self.langs
            .iter()
            .flat_map(|(lang, index)| Self::lang_files(lang, index))
            .collect()
    }

    /// The search files of one language.
    pub fn lang_files<'a>(lang: &'a str, index: &'a LangIndex) -> Vec<(Route<'a>, &'a [u8])> {
        let mut out = vec![(Route::SearchMeta { lang }, index.meta.as_bytes())];
        for (pack, bytes) in index.packs.iter().enumerate() {
            out.push((Route::SearchPack { lang, pack }, bytes.as_slice()));
        }
        for (shard, text) in index.shards.iter().enumerate() {
            out.push((Route::SearchShard { lang, shard }, text.as_bytes()));
        }
        out
    }
}

/// The search document of one article.
pub fn document<'a>(site: &'a Site, id: ArticleId, env: SearchEnv) -> Doc<'a> {
    let a = &site.articles[id];
    let lang = &a.lang;
    let labels: Vec<String> =
        a.fm.taxonomies
            .iter()
            .flat_map(|(tax, terms)| terms.iter().map(move |t| (tax, t)))
            .filter_map(|(tax, t)| env.locales.get(lang, &term_key(tax, t), None))
            .collect();
    let summary = match &a.fm.summary {
        Some(s) => s.clone(),
        None => crate::parse::markdown::plain_excerpt(&a.body.plain_text, 160),
    };
    // The text an excerpt is chosen from: every field the index holds but
    // the title, summary and topics, which a result shows anyway.
    let mut text: Vec<(Part, Cow<str>)> =
        a.fm.key_points
            .iter()
            .map(|k| (Part::KeyPoint, Cow::from(k.as_str())))
            .collect();
    for c in &a.fm.citations {
        // "Title — Publisher, Author", as a reference reads; the address
        // apart, shown only when it is what matched.
        let by: Vec<&str> = [c.publisher.as_deref(), c.author.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let line = if by.is_empty() {
            Cow::from(c.title.as_str())
        } else {
            Cow::from(format!("{} — {}", c.title, by.join(", ")))
        };
        text.push((Part::Citation, line));
        if let Some(u) = &c.url {
            text.push((Part::Citation, Cow::from(u.0.as_str())));
        }
    }
    text.extend(
        a.body
            .plain_text
            .split('\n')
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| (Part::Body, Cow::from(line))),
    );
    Doc {
        shown: Shown {
            title: &a.fm.title,
            url: env.urls.path(&a.path),
            date: env.locales.format_date(lang, a.fm.date.date),
            summary,
            text,
        },
        terms: search::article_terms(a, &labels),
    }
}

/// The search files of every language. Articles are tokenized in parallel, a
/// batch at a time, so memory stays flat as the site grows; languages are
/// indexed side by side, so that one language's postings are added (on one
/// thread) while another's articles are tokenized.
pub fn build(site: &Site, env: SearchEnv) -> SearchIndex {
    const BATCH: usize = 256;
    let langs = site
        .by_lang
        .par_iter()
        .map(|(lang, ids)| {
            let mut builder = IndexBuilder::default();
            for batch in ids.chunks(BATCH) {
                let docs: Vec<CachedDoc> = batch
                    .par_iter()
                    .map(|&id| CachedDoc::new(document(site, id, env)))
                    .collect();
                for d in docs {
                    builder.add(d);
                }
            }
            (lang.clone(), builder.finish())
        })
        .collect();
    SearchIndex { langs }
}

/// [`build`] from documents made earlier: `doc(id)` gives each article's;
/// only the languages `wanted` accepts are indexed (a language whose
/// documents did not change keeps its files).
pub fn build_cached<'d>(
    site: &Site,
    wanted: impl Fn(&str) -> bool + Sync,
    doc: impl Fn(ArticleId) -> &'d CachedDoc + Sync,
) -> SearchIndex {
    let langs = site
        .by_lang
        .par_iter()
        .filter(|(lang, _)| wanted(lang))
        .map(|(lang, ids)| {
            let mut builder = IndexBuilder::default();
            for &id in ids {
                builder.add_cached(doc(id));
            }
            (lang.clone(), builder.finish())
        })
        .collect();
    SearchIndex { langs }
}
