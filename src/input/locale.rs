//! Interface text from Fluent files, `locales/<lang>/*.ftl`.
//!
//! Every configured language gets one bundle. A key missing in a language falls
//! back to the default language (reported as a warning by the checks in
//! [`crate::render`]); dates are formatted through the `date-format` message
//! so that adding a locale needs no code.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::base::dates;
use crate::base::diag::{Diagnostic, Diagnostics, LineIndex};
use crate::input::config::Config;

pub struct Locales {
    default_lang: String,
    bundles: BTreeMap<String, FluentBundle<FluentResource>>,
    /// Message ids per language, with the file each came from.
    keys: BTreeMap<String, BTreeMap<String, PathBuf>>,
    /// Every message of every language formatted without arguments, once:
    /// pages ask for the same few dozen labels thousands of times, and
    /// formatting is deterministic, so the answer never differs.
    plain: BTreeMap<String, HashMap<String, String>>,
    /// Dates already formatted, per language: an index page shows the dates
    /// its articles already showed.
    dates: Mutex<HashMap<(String, time::Date), String>>,
}

impl std::fmt::Debug for Locales {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locales").field("keys", &self.keys).finish()
    }
}

impl Locales {
    /// Loads every `.ftl` file of every configured language. Syntax errors are
    /// reported with file, line and column; the valid messages of the same file
    /// are kept.
    pub fn load(root: &Path, config: &Config) -> (Locales, Diagnostics) {
        let mut diags = Diagnostics::new();
        let mut bundles = BTreeMap::new();
        let mut keys = BTreeMap::new();
        for lang in config.languages.keys() {
            let langid: LanguageIdentifier = lang.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            let mut lang_keys = BTreeMap::new();
            let dir = root.join("locales").join(lang);
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            if files.is_empty() {
                diags.push(
                    Diagnostic::warning(
                        "locale-missing",
                        format!("no Fluent files for language `{lang}` in locales/{lang}/"),
                    )
                    .help(format!(
                        "copy locales/{}/ to locales/{lang}/ and translate it; until then the interface falls back to `{}`",
                        config.site.default_language, config.site.default_language
                    )),
                );
            }
            for path in files {
                let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                // A pipe or a device (say, a link to /dev/zero) would never end.
                if !path.is_file() {
                    diags.push(
                        Diagnostic::error("locale-unreadable", "this is not a regular file")
                            .in_file(&rel)
                            .help("locale files are plain .ftl files; remove it"),
                    );
                    continue;
                }
                let text = match std::fs::read(&path) {
                    Ok(bytes) => match crate::input::decode::decode(bytes, &rel) {
                        Ok(t) => t,
                        Err(d) => {
                            diags.push(d);
                            continue;
                        }
                    },
                    Err(e) => {
                        diags.push(
                            Diagnostic::error("locale-unreadable", format!("cannot read: {e}"))
                                .in_file(&rel)
                                .help("check the file's permissions"),
                        );
                        continue;
                    }
                };
                let text =
                    crate::base::text::normalize_newlines(crate::base::text::strip_bom(&text))
                        .into_owned();
                let lines = LineIndex::new(&text);
                let resource = match FluentResource::try_new(text.clone()) {
                    Ok(r) => r,
                    Err((r, errors)) => {
                        for e in errors {
                            // A message cut short is detected at the start of the
                            // next line; point at the end of the line it broke on.
                            let entry_start = e.slice.as_ref().map_or(0, |s| s.start);
                            let mut at = e.pos.start.min(text.len());
                            while at > entry_start && text[..at].ends_with('\n') {
                                at -= 1;
                            }
                            diags.push(
                                Diagnostic::error("fluent-syntax", format!("Fluent syntax error: {}", e.kind))
                                    .at(&rel, lines.pos(&text, at))
                                    .help("the other messages of this file are still used; see https://projectfluent.org/fluent/guide/"),
                            );
                        }
                        r
                    }
                };
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        lang_keys.insert(m.id.name.to_string(), rel.clone());
                    }
                }
                if let Err(errors) = bundle.add_resource(resource) {
                    for e in errors {
                        diags.push(
                            Diagnostic::warning("fluent-duplicate", e.to_string())
                                .in_file(&rel)
                                .help("each message may be defined once per language; the first one is used"),
                        );
                    }
                }
            }
            bundles.insert(lang.clone(), bundle);
            keys.insert(lang.clone(), lang_keys);
        }
        let plain = format_plain(&bundles, &keys);
        (
            Locales {
                default_lang: config.site.default_language.clone(),
                bundles,
                keys,
                plain,
                dates: Mutex::default(),
            },
            diags,
        )
    }

    pub fn default_lang(&self) -> &str {
        &self.default_lang
    }

    /// No messages at all (every text falls back to its key): for parsing an
    /// article without a site, as [`crate::parse::article::render_standalone`] does.
    pub fn empty(config: &Config) -> Locales {
        let bundles = config
            .languages
            .keys()
            .map(|lang| {
                let langid: LanguageIdentifier = lang.parse().unwrap_or_default();
                (lang.clone(), FluentBundle::new_concurrent(vec![langid]))
            })
            .collect();
        Locales {
            default_lang: config.site.default_language.clone(),
            bundles,
            keys: BTreeMap::new(),
            plain: BTreeMap::new(),
            dates: Mutex::default(),
        }
    }

    pub fn has(&self, lang: &str, key: &str) -> bool {
        self.keys.get(lang).is_some_and(|k| k.contains_key(key))
    }

    /// Message ids of a language, for `brief status`.
    pub fn keys(&self, lang: &str) -> BTreeSet<&str> {
        self.keys
            .get(lang)
            .map(|k| k.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Formats `key` in `lang` only, without fallback.
    pub fn get(&self, lang: &str, key: &str, args: Option<&FluentArgs>) -> Option<String> {
        if args.is_none() {
            return self.plain.get(lang)?.get(key).cloned();
        }
        format_message(self.bundles.get(lang)?, key, args)
    }

    /// Formats `key` in `lang`, falling back to the default language, then to
    /// the key itself (the checks report both cases before rendering).
    pub fn text(&self, lang: &str, key: &str, args: Option<&FluentArgs>) -> String {
        self.get(lang, key, args)
            .or_else(|| self.get(&self.default_lang, key, args))
            .unwrap_or_else(|| key.to_string())
    }

    /// A calendar date in the reader's language, from the `date-format` message
    /// (`{ $year }年{ $month }月{ $day }日`, `{ $day } { $month-name } { $year }` …).
    pub fn format_date(&self, lang: &str, date: time::Date) -> String {
        let cache_key = (lang.to_string(), date);
        if let Some(s) = self
            .dates
            .lock()
            .expect("no panic holds it")
            .get(&cache_key)
        {
            return s.clone();
        }
        let s = self.format_date_uncached(lang, date);
        self.dates
            .lock()
            .expect("no panic holds it")
            .insert(cache_key, s.clone());
        s
    }

    fn format_date_uncached(&self, lang: &str, date: time::Date) -> String {
        let mut args = FluentArgs::new();
        args.set("year", FluentValue::from(date.year().to_string()));
        args.set("month", FluentValue::from(u8::from(date.month())));
        args.set("day", FluentValue::from(date.day()));
        let fallback = || dates::ymd(date);
        self.get(lang, "date-format", Some(&args))
            .or_else(|| self.get(&self.default_lang, "date-format", Some(&args)))
            .unwrap_or_else(fallback)
    }
}

fn format_message(
    bundle: &FluentBundle<FluentResource>,
    key: &str,
    args: Option<&FluentArgs>,
) -> Option<String> {
    let pattern = bundle.get_message(key)?.value()?;
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned(),
    )
}

/// [`Locales::plain`]: each language's messages formatted without arguments.
fn format_plain(
    bundles: &BTreeMap<String, FluentBundle<FluentResource>>,
    keys: &BTreeMap<String, BTreeMap<String, PathBuf>>,
) -> BTreeMap<String, HashMap<String, String>> {
    bundles
        .iter()
        .map(|(lang, bundle)| {
            let formatted = keys
                .get(lang)
                .into_iter()
                .flat_map(|k| k.keys())
                .filter_map(|key| Some((key.clone(), format_message(bundle, key, None)?)))
                .collect();
            (lang.clone(), formatted)
        })
        .collect()
}

/// Fluent key of a taxonomy term's display name: `topic-ai-governance` for
/// the term `ai-governance` of the taxonomy `topics`.
pub fn term_key(taxonomy: &str, term: &str) -> String {
    let singular = taxonomy.strip_suffix('s').unwrap_or(taxonomy);
    format!("{singular}-{term}")
}

/// Fluent key of a language's name in a locale: `language-name-ko`.
pub fn language_name_key(code: &str) -> String {
    format!("language-name-{code}")
}
