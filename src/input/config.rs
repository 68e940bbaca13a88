//! `book.toml`: the site configuration.
//!
//! Loading validates every key against the schema below before deserializing,
//! so that *all* unknown keys are reported at once, each with its line and the
//! nearest valid key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::base::diag::{Diagnostic, Diagnostics, LineIndex};

pub const CONFIG_FILE: &str = "book.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub site: SiteConfig,
    #[serde(default)]
    pub build: BuildConfig,
    pub languages: BTreeMap<String, LanguageConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub default_language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Default for articles that do not say.
    #[serde(default)]
    pub ai_generated: bool,
    #[serde(default)]
    pub description: Option<String>,
    /// Publisher name for feeds and structured data; defaults to the title.
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    /// The default author of articles without `authors:` (a person, `Family,
    /// Given`, or a desk), shown with `organisation` as affiliation.
    #[serde(default)]
    pub author: Option<String>,
    /// The institution that publishes the briefings: the default author when
    /// there is no `author`, and the report institution of scholarly metadata.
    #[serde(default)]
    pub organisation: Option<String>,
    /// The social-card image of every page without its own: a file under
    /// `static/` or an http(s) URL. Default: the theme's `static/og-image.png`.
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub image_alt: Option<String>,
    /// The CSL style of reference lists and "cite this", for languages that
    /// do not pick their own (a name of hayagriva's style archive).
    #[serde(default)]
    pub citation_style: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    #[serde(default = "default_output")]
    pub output_dir: String,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            output_dir: default_output(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDir {
    Ltr,
    Rtl,
}

impl TextDir {
    pub fn as_str(self) -> &'static str {
        match self {
            TextDir::Ltr => "ltr",
            TextDir::Rtl => "rtl",
        }
    }
    /// Scripts written right to left, by primary language subtag.
    pub fn default_for(lang: &str) -> TextDir {
        let primary = lang.split(['-', '_']).next().unwrap_or(lang);
        match primary {
            "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "sd" | "ug" | "dv" | "ckb" => TextDir::Rtl,
            _ => TextDir::Ltr,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    pub name: String,
    #[serde(default)]
    pub dir: Option<TextDir>,
    /// Site title in this language; falls back to the `site-title` Fluent key, then `[site] title`.
    #[serde(default)]
    pub title: Option<String>,
    /// The CSL style of this language's reference lists (overrides `[site]`).
    #[serde(default)]
    pub citation_style: Option<String>,
}

fn default_theme() -> String {
    "default".into()
}
fn default_output() -> String {
    "public".into()
}
fn default_taxonomies() -> Vec<String> {
    vec!["topics".into(), "regions".into()]
}
fn default_paginate() -> usize {
    20
}

/// The keys a table of book.toml may hold: the names serde reads into `T`,
/// so the "did you mean" hints follow the structs above.
fn keys_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    serde_aux::serde_introspection::serde_introspect::<T>()
}

impl Config {
    /// The smallest valid configuration: one language, `en`. For parsing an
    /// article without a site ([`crate::parse::article::render_standalone`]).
    pub fn minimal() -> Config {
        toml::from_str(
            "[site]\ntitle = \"brief\"\nbase_url = \"https://example.org/\"\ndefault_language = \"en\"\n[languages.en]\nname = \"English\"\n",
        )
        .expect("a valid configuration")
    }

    pub fn language_dir(&self, lang: &str) -> TextDir {
        self.languages
            .get(lang)
            .and_then(|l| l.dir)
            .unwrap_or_else(|| TextDir::default_for(lang))
    }
    pub fn publisher(&self) -> &str {
        self.site.publisher.as_deref().unwrap_or(&self.site.title)
    }
    /// Languages in a stable order: the default first, then by code.
    pub fn language_codes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.languages.keys().cloned().collect();
        v.sort_by_key(|c| (c != &self.site.default_language, c.clone()));
        v
    }
}

/// Finds the closest candidate for a misspelt key, if any is reasonably close.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Loads and validates `book.toml` under `root`. `fields` are the names a
/// taxonomy may not take (the front-matter's own fields: a taxonomy is read
/// from a front-matter key of its name); the driver passes them in, so the
/// configuration does not depend on the parse stage.
pub fn load(root: &Path, fields: &[&str]) -> Result<Config, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let rel = PathBuf::from(CONFIG_FILE);
    let mut diags = Diagnostics::new();
    // A pipe or a device (say, a link to /dev/zero) would never end.
    let read = if path.exists() && !path.is_file() {
        Err(std::io::Error::other("it is not a regular file"))
    } else {
        std::fs::read(&path)
    };
    let text = match read {
        Ok(bytes) => match crate::input::decode::decode(bytes, &rel) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                return Err(diags);
            }
        },
        // Missing is one problem (wrong folder), unreadable another.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(
                Diagnostic::error("config-missing", format!("cannot read {}: {e}", path.display()))
                    .in_file(rel)
                    .help("run brief in the site's root folder or pass --root DIR; the root holds book.toml"),
            );
            return Err(diags);
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "config-unreadable",
                    format!("book.toml exists but cannot be read: {e}"),
                )
                .in_file(rel)
                .help(if e.kind() == std::io::ErrorKind::PermissionDenied {
                    "give brief permission to read book.toml (chmod u+r book.toml)"
                } else {
                    "book.toml must be a regular, readable file"
                }),
            );
            return Err(diags);
        }
    };
    let text =
        crate::base::text::normalize_newlines(crate::base::text::strip_bom(&text)).into_owned();
    let lines = LineIndex::new(&text);
    let at = |offset: usize| lines.pos(&text, offset);

    // Pass 1: every unknown key, with its position.
    match toml::de::DeTable::parse(&text) {
        Err(e) => {
            let pos = e
                .span()
                .map(|s| at(s.start))
                .unwrap_or(crate::base::diag::Pos::START);
            diags.push(
                Diagnostic::error("config-syntax", first_line(e.message()))
                    .at(&rel, pos)
                    .help("book.toml must be valid TOML (https://toml.io)"),
            );
            return Err(diags);
        }
        Ok(table) => {
            let mut check = |table: &toml::de::DeTable, allowed: &[&str], context: &str| {
                for (key, _) in table.iter() {
                    let name: &str = key.get_ref();
                    if !allowed.contains(&name) {
                        let mut d = Diagnostic::error(
                            "unknown-key",
                            format!("unknown key `{name}` in {context}"),
                        )
                        .at(&rel, at(key.span().start));
                        d = match nearest(name, allowed) {
                            Some(n) => d.help(format!("did you mean `{n}`?")),
                            None => d.help(format!("valid keys here: {}", allowed.join(", "))),
                        };
                        diags.push(d);
                    }
                }
            };
            let root_table = table.get_ref();
            check(root_table, keys_of::<Config>(), "book.toml");
            for (key, value) in root_table.iter() {
                let inner = match value.get_ref() {
                    toml::de::DeValue::Table(t) => t,
                    _ => continue,
                };
                match key.get_ref().as_ref() {
                    "site" => check(inner, keys_of::<SiteConfig>(), "[site]"),
                    "build" => check(inner, keys_of::<BuildConfig>(), "[build]"),
                    "languages" => {
                        for (code, lang) in inner.iter() {
                            if let toml::de::DeValue::Table(t) = lang.get_ref() {
                                check(
                                    t,
                                    keys_of::<LanguageConfig>(),
                                    &format!("[languages.{}]", code.get_ref()),
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }

    // Pass 2: types and required keys.
    let config: Config = match toml::from_str(&text) {
        Ok(c) => c,
        Err(e) => {
            let pos = e
                .span()
                .map(|s| at(s.start))
                .unwrap_or(crate::base::diag::Pos::START);
            diags.push(
                Diagnostic::error("config-invalid", first_line(e.message()))
                    .at(&rel, pos)
                    .help("see the book.toml reference in README.md"),
            );
            return Err(diags);
        }
    };

    // Pass 3: meaning.
    let find = |needle: &str| {
        text.find(needle)
            .map(&at)
            .unwrap_or(crate::base::diag::Pos::START)
    };
    if config.languages.is_empty() {
        diags.push(
            Diagnostic::error("no-languages", "book.toml declares no language")
                .at(&rel, find("[languages"))
                .help("add a table such as [languages.en] with name = \"English\""),
        );
    }
    for code in config.languages.keys() {
        if code.parse::<unic_langid::LanguageIdentifier>().is_err()
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            diags.push(
                Diagnostic::error(
                    "bad-language-code",
                    format!("`{code}` is not a BCP 47 language code"),
                )
                .at(&rel, find(&format!("languages.{code}")))
                .help("use a code such as ja, en, ko, ar or zh-Hant"),
            );
        }
    }
    if !config.languages.contains_key(&config.site.default_language) {
        let langs: Vec<&str> = config.languages.keys().map(String::as_str).collect();
        diags.push(
            Diagnostic::error(
                "unknown-default-language",
                format!(
                    "default_language `{}` has no [languages.{}] table",
                    config.site.default_language, config.site.default_language
                ),
            )
            .at(&rel, find("default_language"))
            .help(format!("declared languages: {}", langs.join(", "))),
        );
    }
    if let Err(msg) = crate::base::urls::Urls::new(&config.site.base_url) {
        diags.push(
            Diagnostic::error("bad-base-url", msg)
                .at(&rel, find("base_url"))
                .help("use an absolute http(s) URL, e.g. https://example.org/briefings"),
        );
    }
    if config.site.paginate == 0 {
        diags.push(
            Diagnostic::error("bad-paginate", "paginate must be at least 1")
                .at(&rel, find("paginate"))
                .help("the number of articles per list page, e.g. paginate = 20"),
        );
    }
    for tax in &config.site.taxonomies {
        if !crate::base::text::is_safe_slug(tax) || fields.contains(&tax.as_str()) {
            diags.push(
                Diagnostic::error("bad-taxonomy", format!("`{tax}` cannot be a taxonomy name"))
                    .at(&rel, find("taxonomies"))
                    .help("use a lowercase name such as topics or regions that is not a front-matter field"),
            );
        }
    }
    if let Some(image) = &config.site.image {
        match crate::base::urls::check_image(image) {
            Err(msg) => diags.push(
                Diagnostic::error("config-invalid", msg)
                    .at(&rel, find("image"))
                    .help("image = \"images/card.png\" (a file under static/) or an https:// URL"),
            ),
            Ok(path) if !path.contains("://") && !root.join("static").join(&path).is_file() => {
                diags.push(
                    Diagnostic::error(
                        "missing-image",
                        format!("image `{path}` is not a file under static/"),
                    )
                    .at(&rel, find("image"))
                    .help(format!(
                        "put the image at static/{path} (it is copied to the output root), or give an https:// URL"
                    )),
                )
            }
            Ok(_) => {}
        }
    }
    let styles = std::iter::once(("site", config.site.citation_style.as_ref())).chain(
        config
            .languages
            .iter()
            .map(|(code, l)| (code.as_str(), l.citation_style.as_ref())),
    );
    for (table, style) in styles {
        let Some(style) = style else { continue };
        if style != "none" && hayagriva::archive::ArchivedStyle::by_name(style).is_none() {
            let names: Vec<&str> = hayagriva::archive::ArchivedStyle::all()
                .iter()
                .map(|s| s.names()[0])
                .collect();
            let d = Diagnostic::error(
                "unknown-citation-style",
                format!("citation_style `{style}` is not a style brief knows"),
            )
            .at(&rel, find(&format!("\"{style}\"")));
            diags.push(match nearest(style, &names) {
                Some(n) => d.help(format!("did you mean `{n}`? (in [{table}])")),
                None => d.help(format!("known styles: {}", names.join(", "))),
            });
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(config)
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_the_structs() {
        assert_eq!(keys_of::<Config>(), ["site", "build", "languages"]);
        assert_eq!(keys_of::<BuildConfig>(), ["output_dir"]);
        assert_eq!(
            keys_of::<LanguageConfig>(),
            ["name", "dir", "title", "citation_style"]
        );
        assert_eq!(keys_of::<SiteConfig>().len(), 14);
        assert_eq!(keys_of::<SiteConfig>()[0], "title");
    }
}
