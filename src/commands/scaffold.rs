//! `brief new` and `brief translate`: write article skeletons.
//!
//! Both commands write a file that builds as it is: `new` a front-matter
//! skeleton with placeholders, `translate` a copy of the source article whose
//! language-specific text is marked for translation and whose
//! `source_revision` records the source's content hash, so that
//! `brief status` can tell when the source changes later.
//!
//! The front-matter is written by [`crate::commands::frontmatter_writer`],
//! with the comments each command wants, and parsed again as the build would
//! before the file is written.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, LinkType, Parser, Tag};

use crate::base::diag::Diagnostic;
use crate::commands::common::{
    check_language, check_slug_free, display_rel, exists_error, is_given_slug_ok, load_site, today,
    validate, write_new, Loaded,
};
use crate::commands::frontmatter_writer::{self, Comments, Fields};
use crate::input::config::Config;
use crate::input::load::SourceFile;
use crate::parse::article::{self, Article};
use crate::parse::disclosure::{AiField, AiLevel};
use crate::parse::markdown::resolve_internal_link;
use crate::pipeline::build::Failure;

/// The marker `translate` puts at the top of a body. A link reference
/// definition renders to nothing, unlike an HTML comment (which `brief` shows
/// as text).
pub fn translate_marker(from: &str) -> String {
    format!("[//]: # (TODO translate from {from})")
}

/// `brief new LANG SLUG`: writes `content/LANG/SLUG.md`.
pub fn new_article(root: &Path, lang: &str, slug: &str, force: bool) -> Result<PathBuf, Failure> {
    let loaded = load_site(root)?;
    let config = &loaded.config;
    check_language(config, lang, "language")?;
    if !is_given_slug_ok(slug) {
        let suggestion = crate::base::text::slugify(slug);
        let help = if suggestion.is_empty() || !crate::base::text::is_safe_slug(&suggestion) {
            "use lowercase letters, digits and hyphens, e.g. waic-2025".to_string()
        } else {
            format!("use lowercase letters, digits and hyphens, e.g. `{suggestion}`")
        };
        return Err(Diagnostic::error(
            "bad-slug",
            format!("`{slug}` is not a safe slug for a file name and URL"),
        )
        .help(help)
        .into());
    }
    let rel_path = format!("{slug}.md");
    let rel = PathBuf::from("content").join(lang).join(&rel_path);
    let path = root.join(&rel);
    if path.exists() && !force {
        return Err(exists_error(&display_rel(&rel)).into());
    }
    check_slug_free(&loaded, lang, slug, &rel_path)?;

    let text = skeleton(config, slug);
    validate(&text, lang, &rel_path, config, &loaded.locales)?;
    write_new(root, &rel, &text, force)?;
    Ok(rel)
}

/// The text of a new article: placeholders and commented examples.
pub fn skeleton(config: &Config, slug: &str) -> String {
    let mut title = slug.replace(['-', '_'], " ");
    if let Some(first) = title.chars().next() {
        let upper: String = first.to_uppercase().collect();
        title.replace_range(..first.len_utf8(), &upper);
    }
    let level = if config.site.ai_generated {
        AiLevel::Generated
    } else {
        AiLevel::None
    };
    let fields = Fields {
        title,
        date: today(),
        summary: Some(String::new()),
        key_points: Some(Vec::new()),
        taxonomies: config
            .site
            .taxonomies
            .iter()
            .map(|t| (t.clone(), Vec::new()))
            .collect(),
        ai: Some(AiField {
            level,
            reviewed_by: None,
            reviewed_on: None,
            notice: None,
        }),
        draft: true,
        citations: Some(Vec::new()),
        ..Default::default()
    };
    let mut comments = Comments::default();
    comments
        .comment("title", "TODO: the title")
        .comment(
            "summary",
            "TODO: one or two sentences for lists, feeds and search",
        )
        .comment("key_points", "TODO: a few short sentences, one per line:")
        .lines_after("key_points", &["#  - \"The first point.\""])
        .comment(
            "ai",
            "how generative AI was used; see README, \"AI disclosure\"",
        )
        .comment("ai.level", "none, assisted or generated")
        .lines_after(
            "ai",
            &[
                "#  reviewed_by: \"Name\" # only when a person reviewed the text",
                "#  reviewed_on: 2025-07-30",
                "#  notice: \"Your own wording of the AI notice\"",
            ],
        )
        .comment("draft", "remove when the article is ready to publish")
        .lines_after(
            "citations",
            &[
                "# citations:",
                "#   - id: \"1\"",
                "#     title: \"Title of the source\"",
                "#     publisher: \"Publisher\"",
                "#     url: \"https://example.org/report\"",
                "#     published: 2025-07-28",
                "#     accessed: 2025-07-30",
                "#     lang: en",
            ],
        );
    if let Some(first) = config.site.taxonomies.first() {
        comments.comment(
            first,
            "slugs such as ai-governance; names come from locales/<lang>/terms.ftl",
        );
    }
    let mut s = frontmatter_writer::write(&fields, &comments);
    s.push('\n');
    s.push_str("[//]: # (Write the briefing below in Markdown, with ## headings for sections.)\n");
    s.push_str(
        "[//]: # (Cite a source listed under citations by its id in square brackets after the sentence.)\n",
    );
    s
}

/// `brief translate SLUG --to LANG`: starts a translation of an article.
pub fn translate(
    root: &Path,
    slug: &str,
    to: &str,
    from: Option<&str>,
    force: bool,
) -> Result<PathBuf, Failure> {
    let loaded = load_site(root)?;
    let config = &loaded.config;
    let from = from.unwrap_or(&config.site.default_language).to_string();
    check_language(config, &from, "source language")?;
    check_language(config, to, "target language")?;
    if from == to {
        return Err(Diagnostic::error(
            "same-language",
            format!("the article would be translated from `{from}` into `{to}`"),
        )
        .help("pass --to with another language, or --from with the source's language")
        .into());
    }
    let src = find_source(&loaded, slug, &from)?;
    let Some(source) = loaded
        .articles
        .iter()
        .find(|a| a.lang == from && a.rel_path == src.rel_path)
    else {
        return Err(Diagnostic::error(
            "source-has-errors",
            format!(
                "{} has errors and cannot be translated yet",
                display_rel(&src.file)
            ),
        )
        .in_file(&src.file)
        .help("run brief check and fix them first")
        .into());
    };

    let rel_path = source.rel_path.clone();
    let rel = PathBuf::from("content").join(to).join(&rel_path);
    let path = root.join(&rel);
    if path.exists() && !force {
        return Err(exists_error(&display_rel(&rel)).into());
    }
    if let Some(other) = loaded.articles.iter().find(|a| {
        a.lang == to && a.rel_path != rel_path && a.translation_key == source.translation_key
    }) {
        return Err(Diagnostic::error(
            "already-translated",
            format!(
                "{} is already the `{to}` translation of {} (translation_key `{}`)",
                display_rel(&other.file),
                display_rel(&source.file),
                source.translation_key
            ),
        )
        .in_file(&other.file)
        .help("edit that file instead, or delete it first")
        .into());
    }
    let target_slug = source
        .fm
        .slug
        .clone()
        .unwrap_or_else(|| source.slug.clone());
    check_slug_free(&loaded, to, &target_slug, &rel_path)?;

    let text = translation_text(&loaded, source, src, to);
    let article = validate(&text, to, &rel_path, config, &loaded.locales)?;
    check_links(&loaded, &article, source)?;
    write_new(root, &rel, &text, force)?;
    Ok(rel)
}

/// The source file named by `query`: a path under `content/<from>/` (with or
/// without `.md`, or with the `content/<from>/` prefix), a front-matter slug,
/// or a file stem.
fn find_source<'a>(
    loaded: &'a Loaded,
    query: &str,
    from: &str,
) -> Result<&'a SourceFile, Diagnostic> {
    let q = query.replace('\\', "/");
    let q = q.trim_start_matches("./");
    let prefix = format!("content/{from}/");
    let q = q.strip_prefix(&prefix).unwrap_or(q);
    let q_md = if q.ends_with(".md") {
        q.to_string()
    } else {
        format!("{q}.md")
    };
    let mut found: Vec<&SourceFile> = Vec::new();
    for f in loaded.files.iter().filter(|f| f.lang == from) {
        let stem = article::stem_path(&f.rel_path);
        let file_stem = stem.rsplit('/').next().unwrap_or(stem);
        let by_slug = loaded
            .articles
            .iter()
            .any(|a| a.lang == from && a.rel_path == f.rel_path && a.slug == q);
        if f.rel_path == q_md || file_stem == q || by_slug {
            found.push(f);
        }
    }
    // An exact path wins over slugs and stems elsewhere.
    if found.len() > 1 {
        if let Some(exact) = found.iter().find(|f| f.rel_path == q_md) {
            return Ok(exact);
        }
    }
    match found.as_slice() {
        [one] => Ok(one),
        [] => {
            let names: Vec<String> = loaded
                .files
                .iter()
                .filter(|f| f.lang == from)
                .map(|f| article::stem_path(&f.rel_path).to_string())
                .collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let help = match crate::input::config::nearest(q, &refs) {
                Some(n) => format!("did you mean `{n}`?"),
                None if refs.is_empty() => format!("content/{from}/ has no articles"),
                None => format!("articles in content/{from}/: {}", refs.join(", ")),
            };
            Err(Diagnostic::error(
                "no-such-article",
                format!("no article `{query}` in content/{from}/"),
            )
            .help(help))
        }
        many => Err(Diagnostic::error(
            "ambiguous-article",
            format!("`{query}` matches several articles in content/{from}/"),
        )
        .help(format!(
            "pass the path instead: {}",
            many.iter()
                .map(|f| f.rel_path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The front-matter and body of the new translation.
fn translation_text(loaded: &Loaded, source: &Article, src: &SourceFile, to: &str) -> String {
    let config = &loaded.config;
    let from = &source.lang;
    let from_name = config
        .languages
        .get(from)
        .map(|l| l.name.as_str())
        .unwrap_or(from);
    let fm = &source.fm;
    // How the original was written carries over; how this version is
    // translated is the translator's to record.
    let fields = Fields {
        preamble: Some(format!(
            "TODO(translate): the title, summary, key points and body are still in {from_name} ({from}); translate them, remove the TODO markers, record how you translated under translation:, then remove draft: true."
        )),
        title: fm.title.clone(),
        date: fm.date.to_string(),
        updated: fm.updated.as_ref().map(ToString::to_string),
        summary: fm.summary.clone(),
        key_points: Some(fm.key_points.clone()).filter(|k| !k.is_empty()),
        taxonomies: config
            .site
            .taxonomies
            .iter()
            .filter_map(|t| Some((t.clone(), fm.taxonomies.get(t)?.clone())))
            .collect(),
        ai_generated: fm.ai_generated,
        ai: fm.ai.clone(),
        slug: fm.slug.clone(),
        translation_key: fm.translation_key.clone(),
        draft: true,
        source_revision: Some(src.hash.clone()),
        citations: Some(fm.citations.clone()).filter(|c| !c.is_empty()),
    };
    let mut comments = Comments::default();
    comments
        .comment("title", "TODO(translate)")
        .comment("summary", "TODO(translate)")
        .comment("key_points", "TODO(translate)")
        .lines_after(
            "translation",
            &[
                "# translation: # how this version was translated: human, machine or ai-assisted",
                "#   method: human",
                "#   reviewed_by: \"Name\" # only when a person checked the translation",
                "#   reviewed_on: 2025-07-30",
            ],
        )
        .comment("draft", "remove when the translation is done");
    let mut s = frontmatter_writer::write(&fields, &comments);
    let body = crate::parse::frontmatter::split(&src.text, &src.file)
        .map(|sp| sp.body)
        .unwrap_or("");
    // A marker left from an earlier translation is replaced, not repeated.
    let body: String = body
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("[//]: # (TODO translate from "))
        .collect();
    let body = retarget_links(&body, loaded, source, to);
    s.push_str(&translate_marker(from));
    s.push('\n');
    if !body.starts_with('\n') {
        s.push('\n');
    }
    s.push_str(&body);
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Where a link of the body points, as the Markdown stage resolves it;
/// `None` for links that are not to an article, or that resolve to nothing.
fn resolve(dest: &str, lang: &str, rel_path: &str) -> Option<(String, String, Option<String>)> {
    resolve_internal_link(dest, lang, rel_path)?.ok()
}

/// Links of the source body to articles of its own language point, in the
/// translation, at the same path in the target language. Where that article
/// (or the heading the link names) does not exist, the link is rewritten to
/// keep pointing at the source-language article, so the translation builds.
fn retarget_links(body: &str, loaded: &Loaded, source: &Article, to: &str) -> String {
    let from = source.lang.as_str();
    let rel_path = source.rel_path.as_str();
    let depth = rel_path.matches('/').count();
    let parser = Parser::new_ext(body, crate::parse::markdown::options());
    let mut spans: Vec<(std::ops::Range<usize>, String)> = parser
        .reference_definitions()
        .iter()
        .map(|(_, d)| (d.span.clone(), d.dest.to_string()))
        .collect();
    for (event, range) in parser.into_offset_iter() {
        if let Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url,
            ..
        }) = event
        {
            spans.push((range, dest_url.to_string()));
        }
    }
    let exists = |path: &str, anchor: Option<&str>| -> bool {
        if path == rel_path {
            return anchor.is_none_or(|a| source.body.anchors.contains(a));
        }
        loaded
            .articles
            .iter()
            .find(|a| a.lang == to && a.rel_path == path && !a.fm.draft)
            .is_some_and(|a| anchor.is_none_or(|x| a.body.anchors.contains(x)))
    };
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut seen = HashSet::new();
    for (span, dest) in spans {
        if !seen.insert(span.start) {
            continue;
        }
        let Some((l1, p1, a1)) = resolve(&dest, from, rel_path) else {
            continue;
        };
        let Some((l2, _, _)) = resolve(&dest, to, rel_path) else {
            continue;
        };
        if l1 != from || l2 != to || exists(&p1, a1.as_deref()) {
            continue;
        }
        let mut new_dest = "../".repeat(depth + 1);
        new_dest.push_str(from);
        new_dest.push('/');
        new_dest.push_str(&p1);
        if let Some(a) = &a1 {
            new_dest.push('#');
            new_dest.push_str(a);
        }
        let text = &body[span.clone()];
        if let Some(i) = text.rfind(dest.as_str()) {
            let start = span.start + i;
            edits.push((start..start + dest.len(), new_dest));
        }
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = body.to_string();
    for (r, d) in edits {
        out.replace_range(r, &d);
    }
    out
}

/// Every link of the new translation must resolve (see [`retarget_links`]).
fn check_links(loaded: &Loaded, article: &Article, source: &Article) -> Result<(), Diagnostic> {
    for link in &article.body.links {
        let ok = if link.lang == article.lang && link.rel_path == article.rel_path {
            true
        } else {
            loaded
                .articles
                .iter()
                .any(|a| a.lang == link.lang && a.rel_path == link.rel_path)
        };
        if !ok {
            return Err(Diagnostic::error(
                "broken-link",
                format!(
                    "the translation would link to content/{}/{}, which does not exist",
                    link.lang, link.rel_path
                ),
            )
            .in_file(&source.file)
            .help("fix the link in the source article first"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_markdown() {
        assert_eq!(
            resolve("other.md#x", "ja", "2021/a.md"),
            Some(("ja".into(), "2021/other.md".into(), Some("x".into())))
        );
        assert_eq!(
            resolve("../../en/b.md", "ja", "2021/a.md"),
            Some(("en".into(), "b.md".into(), None))
        );
        assert_eq!(resolve("https://x.org/a.md", "ja", "a.md"), None);
        assert_eq!(resolve("#top", "ja", "a.md"), None);
        assert_eq!(resolve("a%20b.md", "ja", "a.md").unwrap().1, "a b.md");
    }
}
