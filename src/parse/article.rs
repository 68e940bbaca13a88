//! Stage 2, parse: one source file → one [`Article`].
//!
//! Parsing an article depends on nothing but the file, the configuration and
//! the locales, so articles parse in parallel and a changed file re-parses
//! alone.

use std::collections::HashSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::base::diag::{Diagnostic, LineIndex, Pos};
use crate::input::config::Config;
use crate::input::load::SourceFile;
use crate::input::locale::Locales;
use crate::parse::disclosure::{Disclosure, Review, Translation};
use crate::parse::frontmatter::{self, FrontMatter};
use crate::parse::markdown::{self, Body, InternalLink};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    pub lang: String,
    /// Path under `content/<lang>/`: `2021/waic.md`.
    pub rel_path: String,
    /// Path relative to the site root, for diagnostics.
    pub file: PathBuf,
    /// Content hash of the source text.
    pub hash: String,
    pub slug: String,
    /// Site path of the page: `ja/waic/`.
    pub path: String,
    /// Articles with the same key in different languages are translations.
    pub translation_key: String,
    /// How the article was made, as recorded (see [`crate::disclosure`]).
    pub disclosure: Disclosure,
    #[serde(with = "frontmatter::Record")]
    pub fm: FrontMatter,
    pub body: Body,
}

impl Article {
    /// The date the article last changed: `updated`, else `date`.
    pub fn last_modified(&self) -> frontmatter::DateValue {
        self.fm.updated.unwrap_or(self.fm.date)
    }
}

/// A file that cannot be published (its front-matter failed, or no slug can be
/// derived) but whose body rendered: the link stage checks its outgoing
/// links and same-page anchors as it does an article's, so one run reports
/// every problem of the file. It is never published, and links to it are not
/// reported (the file's own error says it all).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unbuilt {
    pub lang: String,
    /// Path under `content/<lang>/`.
    pub rel_path: String,
    /// Path relative to the site root, for diagnostics.
    pub file: PathBuf,
    /// Links to other articles, as in [`Body::links`].
    pub links: Vec<InternalLink>,
    /// Ids a same-page link may target, as in [`Body::anchors`].
    pub anchors: HashSet<String>,
    /// `#anchor` links within the file, as in [`Body::local_anchors`].
    pub local_anchors: Vec<(String, Pos)>,
}

/// What [`parse`] made of a source file.
#[derive(Debug)]
pub enum Outcome {
    Article(Box<Article>),
    /// Not publishable, but the body's links are still checked.
    Unbuilt(Unbuilt),
    /// Nothing usable (no front-matter fences).
    Failed,
}

impl Outcome {
    pub fn into_article(self) -> Option<Article> {
        match self {
            Outcome::Article(a) => Some(*a),
            _ => None,
        }
    }
}

/// The path under `content/<lang>/` without `.md`.
pub fn stem_path(rel_path: &str) -> &str {
    rel_path.strip_suffix(".md").unwrap_or(rel_path)
}

/// Parses front-matter and body: an [`Article`], or, when the front-matter
/// cannot be used, the body's links to check ([`Unbuilt`]).
pub fn parse(src: &SourceFile, config: &Config, locales: &Locales) -> (Outcome, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let split = match frontmatter::split(&src.text, &src.file) {
        Ok(s) => s,
        Err(d) => return (Outcome::Failed, vec![d]),
    };
    let fm =
        match frontmatter::parse(&split, &src.file, config) {
            Ok(fm) => fm,
            Err(ds) => {
                // The article cannot be built, but its body can still be checked,
                // so one run reports every problem. When the citations are not
                // readable every marker would look undefined: those errors are
                // left out, the body's others (and its links) are not.
                let mut all = ds.into_vec();
                let salvaged = frontmatter::salvage_citations(&split);
                let citations_known = salvaged.is_some();
                let citations = salvaged.unwrap_or_default();
                let (body, body_diags) = render_body(src, &split, &citations, locales);
                all.extend(body_diags.into_iter().filter(|d| {
                    d.is_error() && (citations_known || d.code != "undefined-citation")
                }));
                return (Outcome::Unbuilt(unbuilt(src, body)), all);
            }
        };
    let file_stem = stem_path(&src.rel_path).rsplit('/').next().unwrap_or("");
    let slug = match &fm.slug {
        Some(s) => s.clone(),
        None => {
            let s = crate::base::text::slugify(file_stem);
            if s.is_empty() {
                diags.push(
                    Diagnostic::error(
                        "bad-slug",
                        format!("cannot derive a slug from the file name `{file_stem}`"),
                    )
                    .at(&src.file, crate::base::diag::Pos::START)
                    .help(
                        "rename the file with letters or digits, or set slug: in the front-matter",
                    ),
                );
                let (body, body_diags) = render_body(src, &split, &fm.citations, locales);
                diags.extend(body_diags);
                return (Outcome::Unbuilt(unbuilt(src, body)), diags);
            }
            s
        }
    };
    let (body, body_diags) = render_body(src, &split, &fm.citations, locales);
    diags.extend(body_diags);
    if !fm.draft {
        diags.extend(unfinished(src, &split, &fm, &body));
    }
    let disclosure = disclosure(&fm, config);
    // The title, summary and key points get the body's smart punctuation,
    // here, so that every output (page, cards, feeds, JSON-LD, search) shows
    // the same text. Citation titles stay as written: they name a source.
    let mut fm = fm;
    fm.title = crate::parse::smart::text(&fm.title);
    fm.summary = fm.summary.as_deref().map(crate::parse::smart::text);
    for p in &mut fm.key_points {
        *p = crate::parse::smart::text(p);
    }
    let translation_key = fm
        .translation_key
        .clone()
        .unwrap_or_else(|| stem_path(&src.rel_path).to_string());
    let article = Article {
        lang: src.lang.clone(),
        rel_path: src.rel_path.clone(),
        file: src.file.clone(),
        hash: src.hash.clone(),
        path: crate::base::route::Route::Article {
            lang: &src.lang,
            slug: &slug,
        }
        .path(),
        slug,
        translation_key,
        disclosure,
        fm,
        body,
    };
    (Outcome::Article(Box::new(article)), diags)
}

fn unbuilt(src: &SourceFile, body: Body) -> Unbuilt {
    Unbuilt {
        lang: src.lang.clone(),
        rel_path: src.rel_path.clone(),
        file: src.file.clone(),
        links: body.links,
        anchors: body.anchors,
        local_anchors: body.local_anchors,
    }
}

/// The recorded disclosure: the `ai:` block, else `ai_generated`, else the
/// site's default; plus the `translation:` block.
fn disclosure(fm: &FrontMatter, config: &Config) -> Disclosure {
    let review = |by: &Option<String>, on| by.as_ref().map(|by| Review { by: by.clone(), on });
    let mut d = match &fm.ai {
        Some(ai) => Disclosure {
            level: ai.level,
            review: review(&ai.reviewed_by, ai.reviewed_on),
            notice: ai.notice.clone(),
            translation: None,
            recorded: true,
        },
        None => match fm.ai_generated {
            Some(flag) => Disclosure::from_flag(flag),
            None if config.site.ai_generated => Disclosure::from_flag(true),
            // Silent on a site whose default is "no AI": nothing recorded.
            None => Disclosure::default(),
        },
    };
    d.translation = fm.translation.as_ref().map(|t| Translation {
        method: t.method,
        review: review(&t.reviewed_by, t.reviewed_on),
    });
    d
}

/// Start of the comment `brief translate` leaves in the front-matter, and of
/// the marker it puts above the body ([`crate::commands::scaffold::translate_marker`]).
pub const TRANSLATE_TODO: &str = "TODO(translate)";
pub const TRANSLATE_MARKER: &str = "[//]: # (TODO translate from ";

/// What keeps a non-draft article from being published: the markers
/// `brief translate` leaves, a text still in another language than its
/// folder's, and (a warning) an empty summary.
fn unfinished(
    src: &SourceFile,
    split: &frontmatter::Split,
    fm: &FrontMatter,
    body: &markdown::Body,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let body_line = src.text[..split.body_offset].matches('\n').count() + 1;
    if let Some((i, line)) = src
        .text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(TRANSLATE_TODO) || l.starts_with(TRANSLATE_MARKER))
    {
        let col = line
            .find(TRANSLATE_TODO)
            .or_else(|| line.find(TRANSLATE_MARKER))
            .map_or(1, |b| line[..b].chars().count() + 1);
        out.push(
            Diagnostic::error(
                "untranslated",
                "this article still carries the markers `brief translate` left",
            )
            .at(&src.file, Pos::new(i + 1, col))
            .help("translate the title, summary, key points and body and remove every TODO(translate) marker, or set draft: true until then"),
        );
    }
    let mut letters = crate::parse::script::Letters::of(&body.plain_text);
    letters.add(&fm.title);
    if let Some(s) = &fm.summary {
        letters.add(s);
    }
    for p in &fm.key_points {
        letters.add(p);
    }
    if let Some(found) = crate::parse::script::foreign_writing(&letters, &src.lang) {
        // The first body line written in that script, else the body's start.
        let line = src.text[split.body_offset..]
            .lines()
            .position(|l| {
                let ls = crate::parse::script::Letters::of(l);
                ls.total() >= 5 && ls.dominant() == Some(found)
            })
            .map_or(body_line, |i| body_line + i);
        let expected = crate::parse::script::writing_of_language(&src.lang)
            .map_or("", crate::parse::script::Writing::name);
        out.push(
            Diagnostic::error(
                "wrong-language",
                format!(
                    "this article is in content/{}/ but its text is mostly {}, not {expected}",
                    src.lang,
                    found.name()
                ),
            )
            .at(&src.file, Pos::new(line, 1))
            .help(format!(
                "translate it into `{}`, move it to the folder of its language, or set draft: true until it is translated",
                src.lang
            )),
        );
    }
    // A summary left blank (as `brief new` writes it) is unfinished; one left
    // out is the editor's choice.
    if fm.summary.as_deref().is_some_and(|s| s.trim().is_empty()) {
        let pos = split
            .yaml
            .lines()
            .position(|l| l.starts_with("summary:"))
            .map_or(Pos::START, |i| Pos::new(split.yaml_line + i, 1));
        out.push(
            Diagnostic::warning("empty-summary", "the summary is empty")
                .at(&src.file, pos)
                .help("write one or two sentences: lists, feeds, search results and link previews show them"),
        );
    }
    out
}

/// Renders the Markdown body of `src` against `citations`.
fn render_body(
    src: &SourceFile,
    split: &frontmatter::Split,
    citations: &[frontmatter::Citation],
    locales: &Locales,
) -> (Body, Vec<Diagnostic>) {
    let lines = LineIndex::new(&src.text);
    let cite_label = |n: u32| {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("number", n);
        locales.text(&src.lang, "citation-label", Some(&args))
    };
    let note_marker = |n: u32| {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("number", n);
        // Without locale files (the fuzz target), the number alone.
        let text = |key: &str| {
            locales
                .get(&src.lang, key, Some(&args))
                .or_else(|| locales.get(locales.default_lang(), key, Some(&args)))
                .unwrap_or_else(|| n.to_string())
        };
        (text("footnote-marker"), text("footnote-label"))
    };
    let callout_label = |kind: &str| locales.text(&src.lang, &format!("callout-{kind}"), None);
    let input = markdown::Input {
        file_text: &src.text,
        lines: &lines,
        body_offset: split.body_offset,
        file: &src.file,
        lang: &src.lang,
        rel_path: &src.rel_path,
        citations,
        cite_label: &cite_label,
        note_marker: &note_marker,
        callout_label: &callout_label,
    };
    markdown::render(split.body, &input)
}

/// Parses one article without a site, as `content/en/standalone.md` of a
/// one-language site ([`Config::minimal`], no locale files), and returns its
/// body HTML (links to other articles become `#`); `None` when the article
/// cannot be used. The entry point of the fuzz target (`fuzz/`) and of its
/// replay test.
pub fn render_standalone(text: &str) -> (Option<String>, Vec<Diagnostic>) {
    let config = Config::minimal();
    let locales = Locales::empty(&config);
    let text =
        crate::base::text::normalize_newlines(crate::base::text::strip_bom(text)).into_owned();
    let src = SourceFile {
        lang: "en".into(),
        rel_path: "standalone.md".into(),
        file: PathBuf::from("content/en/standalone.md"),
        hash: crate::input::load::content_hash(&text),
        text,
    };
    let (outcome, diags) = parse(&src, &config, &locales);
    let html = outcome
        .into_article()
        .map(|a| markdown::resolve_link_tokens(&a.body.html, &[]));
    (html, diags)
}
