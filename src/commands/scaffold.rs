//! `brief new` and `brief translate`: write article skeletons.
//!
//! Both commands write a file that builds as it is: `new` a front-matter
//! skeleton with placeholders, `translate` a copy of the source article whose
//! language-specific text is marked for translation and whose
//! `source_revision` records the source's content hash, so that
//! `brief status` can tell when the source changes later.
//!
//! Files are written by YAML text templates rather than by serializing, so
//! that comments (`# TODO(translate)`, the commented citation example) survive;
//! strings are written double-quoted (see [`yaml_quote`]) and every generated
//! article is parsed again with [`crate::parse::article::parse`] before it is written.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, LinkType, Parser, Tag};

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::input::config::Config;
use crate::input::load::{self, SourceFile};
use crate::input::locale::Locales;
use crate::parse::article::{self, Article};
use crate::parse::frontmatter::Citation;
use crate::parse::markdown::resolve_internal_link;
use crate::pipeline::build::{self, BuildOptions};

/// The marker `translate` puts at the top of a body. A link reference
/// definition renders to nothing, unlike an HTML comment (which `brief` shows
/// as text).
pub fn translate_marker(from: &str) -> String {
    format!("[//]: # (TODO translate from {from})")
}

/// A YAML double-quoted scalar. JSON string syntax is a subset of YAML's
/// double-quoted style, and serde_json escapes everything YAML requires.
pub fn yaml_quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// A taxonomy term or other slug: plain when YAML reads it back as the same
/// string, quoted otherwise (`true`, `null`, `2025` …).
fn yaml_slug(s: &str) -> String {
    const SPECIAL: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    let plain = s.chars().next().is_some_and(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && !SPECIAL.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        yaml_quote(s)
    }
}

/// `topics: [a, b]`
pub(crate) fn write_terms(out: &mut String, taxonomy: &str, terms: &[String]) {
    let list: Vec<String> = terms.iter().map(|t| yaml_slug(t)).collect();
    let _ = writeln!(out, "{taxonomy}: [{}]", list.join(", "));
}

/// One `citations:` entry, block style, only the fields that are set.
pub(crate) fn write_citation(out: &mut String, c: &Citation) {
    let _ = writeln!(out, "  - id: {}", yaml_quote(&c.id.0));
    let _ = writeln!(out, "    title: {}", yaml_quote(&c.title));
    if let Some(p) = &c.publisher {
        let _ = writeln!(out, "    publisher: {}", yaml_quote(p));
    }
    if let Some(a) = &c.author {
        let _ = writeln!(out, "    author: {}", yaml_quote(a));
    }
    if let Some(u) = &c.url {
        let _ = writeln!(out, "    url: {}", yaml_quote(&u.0));
    }
    if let Some(d) = &c.published {
        let _ = writeln!(out, "    published: {d}");
    }
    if let Some(d) = &c.accessed {
        let _ = writeln!(out, "    accessed: {d}");
    }
    if let Some(l) = &c.lang {
        let _ = writeln!(out, "    lang: {}", yaml_slug(l));
    }
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Loads book.toml; its first error stands for all (`brief check` lists them).
pub(crate) fn load_config(root: &Path) -> Result<Config, Diagnostic> {
    build::load_config(&BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    })
    .map_err(|f| first_error(f.diagnostics))
}

pub(crate) fn first_error(diags: Diagnostics) -> Diagnostic {
    let mut all = diags.into_vec();
    let i = all.iter().position(Diagnostic::is_error).unwrap_or(0);
    if all.is_empty() {
        Diagnostic::error("internal", "unknown error")
    } else {
        all.swap_remove(i)
    }
}

/// The language must have a `[languages.X]` table.
pub(crate) fn check_language(config: &Config, lang: &str, what: &str) -> Result<(), Diagnostic> {
    if config.languages.contains_key(lang) {
        return Ok(());
    }
    let langs: Vec<&str> = config.languages.keys().map(String::as_str).collect();
    let d = Diagnostic::error(
        "unknown-language",
        format!("{what} `{lang}` is not a configured language"),
    )
    .in_file(build::config_path(Path::new("")))
    .help(format!(
        "configured languages: {}; add [languages.{lang}] with a name to book.toml to add one",
        langs.join(", ")
    ));
    Err(d)
}

/// Path of a file for messages: relative to the root, `/`-separated.
pub(crate) fn display_rel(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

/// Writes `text` to `path` through a temporary file in the same folder; without
/// `force` an existing file is never replaced, even one created meanwhile.
pub(crate) fn write_new(
    path: &Path,
    rel: &Path,
    text: &str,
    force: bool,
) -> Result<(), Diagnostic> {
    let shown = display_rel(rel);
    if !force && path.exists() {
        return Err(exists_error(&shown));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |e: std::io::Error| {
        Diagnostic::error("write-failed", format!("cannot write {shown}: {e}"))
            .help("check the folder's permissions and free space")
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".brief-new-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(io)?;
    if force {
        tmp.persist(path).map_err(|e| io(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                exists_error(&shown)
            } else {
                io(e.error)
            }
        })?;
    }
    Ok(())
}

fn exists_error(shown: &str) -> Diagnostic {
    Diagnostic::error("file-exists", format!("{shown} already exists"))
        .in_file(shown)
        .help("pass --force to overwrite it")
}

/// Parses generated text as the build would; the first error is returned
/// (it means a bug here, since generated files must build).
pub(crate) fn validate(
    text: &str,
    lang: &str,
    rel_path: &str,
    config: &Config,
    locales: &Locales,
) -> Result<Article, Diagnostic> {
    let src = SourceFile {
        lang: lang.to_string(),
        rel_path: rel_path.to_string(),
        file: PathBuf::from("content").join(lang).join(rel_path),
        text: text.to_string(),
        hash: load::content_hash(text),
    };
    let (outcome, diags) = article::parse(&src, config, locales);
    if let Some(e) = diags.into_iter().find(Diagnostic::is_error) {
        return Err(e);
    }
    outcome.into_article().ok_or_else(|| {
        Diagnostic::error("internal", "the generated article could not be parsed")
            .in_file(&src.file)
    })
}

/// Everything parsed, drafts included, plus the source files.
pub(crate) struct Loaded {
    pub config: Config,
    pub locales: Locales,
    pub files: Vec<SourceFile>,
    pub articles: Vec<Article>,
}

pub(crate) fn load_site(root: &Path) -> Result<Loaded, Diagnostic> {
    let config = load_config(root)?;
    let (locales, _) = Locales::load(root, &config);
    let (files, _) = load::load_all(root, &config);
    let (articles, _, _) = build::parse_all(&files, &config, &locales, true);
    Ok(Loaded {
        config,
        locales,
        files,
        articles,
    })
}

/// Whether `slug` may be used for a new article in `lang` at `rel_path`.
fn check_slug_free(
    loaded: &Loaded,
    lang: &str,
    slug: &str,
    rel_path: &str,
) -> Result<(), Diagnostic> {
    if crate::link::reserved_slugs(&loaded.config).contains(&slug.to_string()) {
        return Err(Diagnostic::error(
            "reserved-slug",
            format!("slug `{slug}` is reserved for a site page"),
        )
        .help("choose another slug"));
    }
    if let Some(other) = loaded.articles.iter().find(|a| {
        a.lang == lang && a.rel_path != rel_path && a.slug.to_lowercase() == slug.to_lowercase()
    }) {
        return Err(Diagnostic::error(
            "duplicate-slug",
            format!(
                "{} already uses the slug `{slug}`",
                display_rel(&other.file)
            ),
        )
        .in_file(&other.file)
        .help("choose another slug"));
    }
    Ok(())
}

/// `brief new LANG SLUG`: writes `content/LANG/SLUG.md`.
pub fn new_article(
    root: &Path,
    lang: &str,
    slug: &str,
    force: bool,
) -> Result<PathBuf, Diagnostic> {
    let loaded = load_site(root)?;
    let config = &loaded.config;
    check_language(config, lang, "language")?;
    if !crate::base::text::is_safe_slug(slug) || crate::base::text::slugify(slug) != *slug {
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
        .help(help));
    }
    let rel_path = format!("{slug}.md");
    let rel = PathBuf::from("content").join(lang).join(&rel_path);
    let path = root.join(&rel);
    if path.exists() && !force {
        return Err(exists_error(&display_rel(&rel)));
    }
    check_slug_free(&loaded, lang, slug, &rel_path)?;

    let text = skeleton(config, slug);
    validate(&text, lang, &rel_path, config, &loaded.locales)?;
    write_new(&path, &rel, &text, force)?;
    Ok(rel)
}

/// The text of a new article.
pub fn skeleton(config: &Config, slug: &str) -> String {
    let mut title = slug.replace(['-', '_'], " ");
    if let Some(first) = title.chars().next() {
        let upper: String = first.to_uppercase().collect();
        title.replace_range(..first.len_utf8(), &upper);
    }
    let mut s = String::from("---\n");
    let _ = writeln!(s, "title: {} # TODO: the title", yaml_quote(&title));
    let _ = writeln!(s, "date: {}", today());
    s.push_str("summary: \"\" # TODO: one or two sentences for lists, feeds and search\n");
    s.push_str("key_points: [] # TODO: a few short sentences, one per line:\n");
    s.push_str("#  - \"The first point.\"\n");
    for (i, tax) in config.site.taxonomies.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(
                s,
                "{tax}: [] # slugs such as ai-governance; names come from locales/<lang>/terms.ftl"
            );
        } else {
            let _ = writeln!(s, "{tax}: []");
        }
    }
    write_ai_template(
        &mut s,
        if config.site.ai_generated {
            "generated"
        } else {
            "none"
        },
    );
    s.push_str("draft: true # remove when the article is ready to publish\n");
    s.push_str("citations: []\n");
    s.push_str("# citations:\n");
    s.push_str("#   - id: \"1\"\n");
    s.push_str("#     title: \"Title of the source\"\n");
    s.push_str("#     publisher: \"Publisher\"\n");
    s.push_str("#     url: \"https://example.org/report\"\n");
    s.push_str("#     published: 2025-07-28\n");
    s.push_str("#     accessed: 2025-07-30\n");
    s.push_str("#     lang: en\n");
    s.push_str("---\n\n");
    s.push_str("[//]: # (Write the briefing below in Markdown, with ## headings for sections.)\n");
    s.push_str(
        "[//]: # (Cite a source listed under citations by its id in square brackets after the sentence.)\n",
    );
    s
}

/// The `ai:` block of a new article, with the review fields as comments.
fn write_ai_template(s: &mut String, level: &str) {
    let _ = writeln!(
        s,
        "ai: # how generative AI was used; see README, \"AI disclosure\""
    );
    let _ = writeln!(s, "  level: {level} # none, assisted or generated");
    s.push_str("#  reviewed_by: \"Name\" # only when a person reviewed the text\n");
    s.push_str("#  reviewed_on: 2025-07-30\n");
    s.push_str("#  notice: \"Your own wording of the AI notice\"\n");
}

/// An `ai:` block as recorded.
pub(crate) fn write_ai(s: &mut String, ai: &crate::parse::disclosure::AiField) {
    s.push_str("ai:\n");
    let _ = writeln!(s, "  level: {}", ai.level.as_str());
    if let Some(by) = &ai.reviewed_by {
        let _ = writeln!(s, "  reviewed_by: {}", yaml_quote(by));
    }
    if let Some(on) = &ai.reviewed_on {
        let _ = writeln!(s, "  reviewed_on: {on}");
    }
    if let Some(notice) = &ai.notice {
        let _ = writeln!(s, "  notice: {}", yaml_quote(notice));
    }
}

/// `brief translate SLUG --to LANG`: starts a translation of an article.
pub fn translate(
    root: &Path,
    slug: &str,
    to: &str,
    from: Option<&str>,
    force: bool,
) -> Result<PathBuf, Diagnostic> {
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
        .help("pass --to with another language, or --from with the source's language"));
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
        .help("run brief check and fix them first"));
    };

    let rel_path = source.rel_path.clone();
    let rel = PathBuf::from("content").join(to).join(&rel_path);
    let path = root.join(&rel);
    if path.exists() && !force {
        return Err(exists_error(&display_rel(&rel)));
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
        .help("edit that file instead, or delete it first"));
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
    write_new(&path, &rel, &text, force)?;
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
    let mut s = String::from("---\n");
    let _ = writeln!(
        s,
        "# TODO(translate): the title, summary, key points and body are still in {from_name} ({from}); translate them, remove the TODO markers, record how you translated under translation:, then remove draft: true."
    );
    let _ = writeln!(s, "title: {} # TODO(translate)", yaml_quote(&fm.title));
    let _ = writeln!(s, "date: {}", fm.date);
    if let Some(u) = &fm.updated {
        let _ = writeln!(s, "updated: {u}");
    }
    if let Some(summary) = &fm.summary {
        let _ = writeln!(s, "summary: {} # TODO(translate)", yaml_quote(summary));
    }
    if !fm.key_points.is_empty() {
        s.push_str("key_points: # TODO(translate)\n");
        for p in &fm.key_points {
            let _ = writeln!(s, "  - {}", yaml_quote(p));
        }
    }
    for tax in &config.site.taxonomies {
        if let Some(terms) = fm.taxonomies.get(tax) {
            write_terms(&mut s, tax, terms);
        }
    }
    // How the original was written carries over; how this version is
    // translated is the translator's to record.
    if let Some(ai) = fm.ai_generated {
        let _ = writeln!(s, "ai_generated: {ai}");
    }
    if let Some(ai) = &fm.ai {
        write_ai(&mut s, ai);
    }
    s.push_str("# translation: # how this version was translated: human, machine or ai-assisted\n");
    s.push_str("#   method: human\n");
    s.push_str("#   reviewed_by: \"Name\" # only when a person checked the translation\n");
    s.push_str("#   reviewed_on: 2025-07-30\n");
    if let Some(slug) = &fm.slug {
        let _ = writeln!(s, "slug: {}", yaml_quote(slug));
    }
    if let Some(key) = &fm.translation_key {
        let _ = writeln!(s, "translation_key: {}", yaml_quote(key));
    }
    s.push_str("draft: true # remove when the translation is done\n");
    let _ = writeln!(s, "source_revision: {}", yaml_quote(&src.hash));
    if !fm.citations.is_empty() {
        s.push_str("citations:\n");
        for c in &fm.citations {
            write_citation(&mut s, c);
        }
    }
    s.push_str("---\n");
    let body = crate::parse::frontmatter::split(&src.text, &src.file)
        .map(|sp| sp.body)
        .unwrap_or("");
    // A marker left from an earlier translation is replaced, not repeated.
    let body: String = body
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("[//]: # (TODO translate from "))
        .collect();
    let body = retarget_links(&body, loaded, source, to);
    let _ = writeln!(s, "{}", translate_marker(from));
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
    fn quoting_round_trips() {
        for s in [
            "plain",
            "a: b",
            "\"quoted\"",
            "line\nbreak",
            "上海「x」",
            "#x",
            "'",
        ] {
            let y = format!("k: {}\n", yaml_quote(s));
            let v: crate::base::yaml::Value = crate::base::yaml::from_str(&y).unwrap();
            assert_eq!(v["k"].as_str(), Some(s));
        }
        for s in ["true", "null", "2025", "ai-governance", "上海"] {
            let y = format!("k: [{}]\n", yaml_slug(s));
            let v: crate::base::yaml::Value = crate::base::yaml::from_str(&y).unwrap();
            assert_eq!(v["k"][0].as_str(), Some(s));
        }
    }

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
