//! Stage 2b, parse: the Markdown body of an article.
//!
//! One pass over pulldown-cmark's events turns the body into HTML and collects
//! what the link stage needs: heading anchors, links to other articles, the
//! citation numbering and its back-links, footnotes. Citation markers (`[2]`,
//! `[@key]`, `[1][3]`, `[@a; @b]`) are found in the text events by
//! [`crate::parse::markers`], so code spans, code blocks and real links are
//! never touched, and a marker may sit in a link's text.
//!
//! Links to other articles cannot be resolved here (their URLs depend on other
//! files), so each is written as a token `\u{E000}N\u{E001}` that
//! [`resolve_link_tokens`] replaces during rendering. The input is scrubbed of
//! those two private-use characters first, so tokens cannot be forged.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::base::diag::{Diagnostic, LineIndex, Pos};
use crate::base::text::{escape_html_into, safe_id, slugify, strip_controls};
use crate::parse::frontmatter::Citation;
use crate::parse::link_dest::{has_scheme, is_safe_scheme};
pub use crate::parse::link_dest::{resolve_internal_link, LinkTarget};
use crate::parse::{callout, markers, script};

/// Ids the default theme gives its landmarks and sections; a heading slug
/// equal to one of them gets an `h-` prefix instead.
const THEME_IDS: &[&str] = &[
    "main",
    "article-title",
    "key-points-heading",
    "footnotes-heading",
    "references-heading",
    "backlinks-heading",
    "related-heading",
    "toc-heading",
];

const TOKEN_START: char = '\u{E000}';
const TOKEN_END: char = '\u{E001}';

/// What the Markdown pass needs to know about the article.
pub struct Input<'a> {
    /// The whole file text (for positions).
    pub file_text: &'a str,
    pub lines: &'a LineIndex,
    pub body_offset: usize,
    pub file: &'a Path,
    pub lang: &'a str,
    /// Path under `content/<lang>/`.
    pub rel_path: &'a str,
    pub citations: &'a [Citation],
    /// Accessible name of a citation marker, e.g. "Reference 2".
    pub cite_label: &'a (dyn Fn(u32) -> String + Sync),
    /// A footnote marker's visible text and accessible name, e.g. ("注1", "注1").
    pub note_marker: &'a (dyn Fn(u32) -> (String, String) + Sync),
    /// Visible label of a callout of a kind (`note`, …), e.g. "Note".
    pub callout_label: &'a (dyn Fn(&str) -> String + Sync),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link to another article, by file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalLink {
    pub lang: String,
    /// Path under `content/<lang>/`.
    pub rel_path: String,
    pub anchor: Option<String>,
    pub pos: Pos,
}

/// One entry of the reference list, in display order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reference {
    /// Index into the front-matter's citations.
    pub citation: usize,
    pub number: u32,
    /// `ref-<anchor>` is the list item's id.
    pub anchor: String,
    /// Ids of the markers citing it, in order (`cite-<anchor>-1`, …).
    pub backrefs: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Footnote {
    pub id: String,
    pub number: usize,
    pub html: String,
    pub backrefs: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct TextStats {
    /// Characters of CJK scripts (Han, kana, Hangul).
    pub cjk_chars: usize,
    /// Words of space-separated scripts.
    pub words: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Body {
    /// HTML with link tokens (see module docs).
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every id an outside link may target: headings, references, footnotes.
    pub anchors: HashSet<String>,
    pub links: Vec<InternalLink>,
    /// `#anchor` links within the article, checked by the link stage.
    pub local_anchors: Vec<(String, Pos)>,
    pub references: Vec<Reference>,
    pub footnotes: Vec<Footnote>,
    pub plain_text: String,
    pub stats: TextStats,
}

pub(crate) use crate::parse::markers::marker_ids;

impl TextStats {
    /// Counts per script run: CJK characters one by one, other text by words.
    pub fn add(&mut self, text: &str) {
        let mut in_word = false;
        for c in text.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    if !in_word {
                        self.words += 1;
                    }
                    in_word = true;
                } else if c != '\'' && c != '-' {
                    in_word = false;
                }
            } else if script::is_cjk(c) {
                self.cjk_chars += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                if !in_word {
                    self.words += 1;
                }
                in_word = true;
            } else if c != '\'' && c != '’' && c != '-' {
                in_word = false;
            }
        }
    }
}

enum LinkKind {
    Normal,
    Internal,
}

/// Where a citation marker is: how it is written out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MarkerPlace {
    /// In running text: a link to the reference.
    Text,
    /// In a link's text: the marker without a link of its own (HTML allows
    /// no link inside a link), still with the id the back-link targets.
    InLink,
    /// In an image's alt text: the bare `[n]`; the reference counts as
    /// cited, but there is nothing to link back to.
    Alt,
}

enum Sink {
    Main,
    Heading,
    Footnote,
}

struct State<'a, 'i> {
    input: &'a Input<'i>,
    body: Body,
    diags: Vec<Diagnostic>,
    /// Citation id → index in front-matter.
    by_id: HashMap<&'a str, usize>,
    /// Citation index → position in `body.references`.
    ref_slot: HashMap<usize, usize>,
    next_key_number: u32,
    footnote_numbers: HashMap<String, usize>,
    footnote_backrefs: HashMap<String, Vec<String>>,
    heading_ids: HashSet<String>,
    /// Next numeric suffix to try per heading id base.
    heading_suffix: HashMap<String, usize>,
    /// Ids of the citation and footnote markers, in the order written.
    marker_ids: Vec<String>,
    /// Callouts so far (their labels' ids count on from it).
    callouts: usize,
}

impl<'a, 'i> State<'a, 'i> {
    fn pos(&self, body_offset: usize) -> Pos {
        self.input
            .lines
            .pos(self.input.file_text, self.input.body_offset + body_offset)
    }

    /// HTML for one citation marker (text for [`MarkerPlace::Alt`]), or
    /// `None` (and an error) when undefined.
    fn cite(&mut self, id: &str, offset: usize, place: MarkerPlace) -> Option<String> {
        let Some(&idx) = self.by_id.get(id) else {
            // A few ids, not all: an article may define thousands.
            const SHOWN: usize = 12;
            let citations = self.input.citations;
            let mut known: Vec<&str> = citations
                .iter()
                .take(SHOWN)
                .map(|c| c.id.0.as_str())
                .collect();
            if citations.len() > SHOWN {
                known.push("…");
            }
            let help = if known.is_empty() {
                "add a `citations:` list to the front-matter, or write \\[…\\] to keep literal brackets".to_string()
            } else {
                format!(
                    "defined ids: {}; or write \\[…\\] to keep literal brackets",
                    known.join(", ")
                )
            };
            self.diags.push(
                Diagnostic::error(
                    "undefined-citation",
                    format!("citation `{id}` is not in the front-matter"),
                )
                .at(self.input.file, self.pos(offset))
                .help(help),
            );
            return None;
        };
        let slot = match self.ref_slot.get(&idx) {
            Some(&s) => s,
            None => {
                let citation = &self.input.citations[idx];
                let number = match citation.id.number() {
                    Some(n) => n,
                    None => {
                        let n = self.next_key_number;
                        self.next_key_number += 1;
                        n
                    }
                };
                self.body.references.push(Reference {
                    citation: idx,
                    number,
                    anchor: safe_id(&citation.id.0),
                    backrefs: Vec::new(),
                });
                self.ref_slot.insert(idx, self.body.references.len() - 1);
                self.body.references.len() - 1
            }
        };
        let r = &mut self.body.references[slot];
        if place == MarkerPlace::Alt {
            return Some(format!("[{}]", r.number));
        }
        let cite_id = format!("cite-{}-{}", r.anchor, r.backrefs.len() + 1);
        let label = (self.input.cite_label)(r.number);
        let mut html = String::with_capacity(96);
        // A word joiner keeps the marker on the line of the word it follows
        // (Japanese text may otherwise break before it).
        if place == MarkerPlace::InLink {
            html.push_str("\u{2060}<sup class=\"citation\" id=\"");
            html.push_str(&cite_id);
            html.push_str("\">[");
            html.push_str(&r.number.to_string());
            html.push_str("]</sup>");
        } else {
            html.push_str("\u{2060}<sup class=\"citation\"><a href=\"#ref-");
            html.push_str(&r.anchor);
            html.push_str("\" id=\"");
            html.push_str(&cite_id);
            html.push_str("\" aria-label=\"");
            escape_html_into(&mut html, &label);
            html.push_str("\" data-ref=\"");
            html.push_str(&r.anchor);
            html.push_str("\">[");
            html.push_str(&r.number.to_string());
            html.push_str("]</a></sup>");
        }
        self.marker_ids.push(cite_id.clone());
        r.backrefs.push(cite_id);
        Some(html)
    }

    /// One marker's bracket group (`1`, `@a; @b`), written at `offset`:
    /// HTML, or text for [`MarkerPlace::Alt`]. An undefined id keeps its
    /// group as written (and is an error).
    fn cite_group(&mut self, group: &str, offset: usize, place: MarkerPlace) -> String {
        let mut out = String::new();
        for (id_offset, id) in marker_ids(group).unwrap_or_default() {
            match self.cite(&id, offset + id_offset, place) {
                Some(h) => out.push_str(&h),
                None if place == MarkerPlace::Alt => {
                    out.push('[');
                    out.push_str(group);
                    out.push(']');
                }
                None => {
                    out.push('[');
                    escape_html_into(&mut out, group);
                    out.push(']');
                }
            }
        }
        out
    }

    fn heading_id(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => {
                let s = slugify(text);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            }
        };
        // Ids of markers and notes, and those the theme gives its landmarks and
        // sections (`main`, `article-title`, `references-heading`, `search-input`).
        let taken = ["ref-", "cite-", "fn-", "fnref-", "search-"]
            .iter()
            .any(|p| base.starts_with(p))
            || THEME_IDS.contains(&base.as_str());
        let base = if taken { format!("h-{base}") } else { base };
        // Suffixes below the one remembered for `base` are all taken, and ids
        // are never freed: starting there keeps many equal headings linear.
        let mut id = base.clone();
        let mut n = self.heading_suffix.get(&base).copied().unwrap_or(2);
        while !self.heading_ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.heading_suffix.insert(base, n);
        id
    }

    /// Resolves `../en/other.md#x` against the current file to a language and path.
    fn internal_target(&self, dest: &str) -> Option<Result<LinkTarget, String>> {
        resolve_internal_link(dest, self.input.lang, self.input.rel_path)
    }
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
    // Smart punctuation is `parse::smart`'s: pulldown-cmark's turns quotes
    // the wrong way next to CJK and Hangul text.
}

/// Private-use characters the renderer gives a meaning: the link token's
/// two, and smart punctuation's literal quotes; input is scrubbed of them.
const RESERVED: [char; 4] = [
    TOKEN_START,
    TOKEN_END,
    crate::parse::smart::LITERAL_DOUBLE,
    crate::parse::smart::LITERAL_SINGLE,
];

/// Renders a body. Returns the body and the problems found (errors and warnings).
pub fn render(body_text: &str, input: &Input) -> (Body, Vec<Diagnostic>) {
    // Scrub token characters so that no input can forge a link token.
    let scrubbed;
    // Both token characters start with the byte 0xEE, which a plain byte
    // search finds fast; text almost never has it.
    let body_text = if body_text.as_bytes().contains(&0xEE) && body_text.contains(RESERVED) {
        scrubbed = body_text.replace(RESERVED, "\u{FFFD}");
        scrubbed.as_str()
    } else {
        body_text
    };
    let input_has_controls =
        crate::base::text::has_forbidden_control(body_text) || body_text.contains("&#");
    let mut state = State {
        input,
        body: Body::default(),
        diags: Vec::new(),
        by_id: input
            .citations
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.0.as_str(), i))
            .collect(),
        ref_slot: HashMap::new(),
        next_key_number: input
            .citations
            .iter()
            .filter_map(|c| c.id.number())
            .max()
            .unwrap_or(0)
            + 1,
        footnote_numbers: HashMap::new(),
        footnote_backrefs: HashMap::new(),
        heading_ids: HashSet::new(),
        heading_suffix: HashMap::new(),
        marker_ids: Vec::new(),
        callouts: 0,
    };

    let parser = Parser::new_ext(body_text, options());
    shadowed_citations(&parser, &mut state);
    let parser = parser.into_offset_iter();

    let mut main: Vec<Event> = Vec::new();
    let mut heading: Option<(
        pulldown_cmark::HeadingLevel,
        Option<String>,
        Vec<Event>,
        String,
    )> = None;
    // The footnote definitions being read, innermost last: a definition
    // indented inside another is its own footnote, and the outer one goes on
    // after it (a single slot lost the outer one's text). Each with the index
    // of its first marker id.
    let mut footnotes: Vec<(String, Vec<Event>, usize)> = Vec::new();
    // Each definition with the ids of the markers written inside it.
    let mut footnote_defs: Vec<(String, Vec<Event>, Vec<String>)> = Vec::new();
    // A code block being read: its language, its text, and where it starts.
    let mut code: Option<(Option<String>, String, usize)> = None;
    let mut links: Vec<LinkKind> = Vec::new();
    // Text events not yet written: markers may span several (`[`, `1`, `]`).
    let mut pending: Vec<markers::Piece> = Vec::new();
    // Images being read (their text is the alt text).
    let mut images = 0usize;
    let mut plain = String::with_capacity(body_text.len());
    let mut stats = TextStats::default();

    for (event, range) in parser {
        let sink = if !footnotes.is_empty() {
            Sink::Footnote
        } else if heading.is_some() {
            Sink::Heading
        } else {
            Sink::Main
        };
        if let (Event::Text(t), None) = (&event, &code) {
            pending.push((t.clone(), range));
            continue;
        }
        if !pending.is_empty() {
            let place = if images > 0 {
                MarkerPlace::Alt
            } else if links.is_empty() {
                MarkerPlace::Text
            } else {
                MarkerPlace::InLink
            };
            let mut out = Vec::with_capacity(pending.len());
            for part in markers::split(&pending, body_text) {
                let (t, src, piece_start) = match part {
                    markers::Part::Marker { inner, src } => {
                        let written = state.cite_group(&inner, src, place);
                        out.push(if place == MarkerPlace::Alt {
                            Event::Text(written.into())
                        } else {
                            Event::InlineHtml(written.into())
                        });
                        continue;
                    }
                    markers::Part::Text {
                        text,
                        src,
                        piece_start,
                    } => (text, src, piece_start),
                };
                if let Some(h) = heading.as_mut() {
                    h.3.push_str(t);
                } else {
                    plain.push_str(t);
                    stats.add(t);
                }
                // A backslash-escaped quote (`\"`) starts a text event of its
                // own and stays straight.
                let escaped =
                    piece_start && t.starts_with(['"', '\'']) && body_text[..src].ends_with('\\');
                out.push(Event::Text(if escaped {
                    CowStr::from(crate::parse::smart::literal_first(t))
                } else {
                    CowStr::from(t.to_string())
                }));
            }
            match sink {
                Sink::Footnote => footnotes.last_mut().expect("sink").1.extend(out),
                Sink::Heading => heading.as_mut().expect("sink").2.extend(out),
                Sink::Main => main.extend(out),
            }
            pending.clear();
        }
        // Every event becomes at most one event of the output.
        let mut emit: Option<Event> = None;
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level, id.map(|s| s.to_string()), Vec::new(), String::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, events, text)) = heading.take() {
                    // Whitespace folded: a marker left out leaves its spaces.
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    let text = crate::parse::smart::text(&text);
                    let id = state.heading_id(explicit.as_deref(), &text);
                    state.body.anchors.insert(id.clone());
                    state.body.headings.push(Heading {
                        level: level as u8,
                        id: id.clone(),
                        text: strip_controls(&text).into_owned(),
                    });
                    let target = match footnotes.last_mut() {
                        Some(f) => &mut f.1,
                        None => &mut main,
                    };
                    target.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id)),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    }));
                    target.extend(events);
                    target.push(Event::End(TagEnd::Heading(level)));
                    plain.push_str(&text);
                    plain.push('\n');
                    stats.add(&text);
                }
                continue;
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                // The label's id: unique among the headings' (which avoid it).
                let id = loop {
                    state.callouts += 1;
                    let id = format!("callout-{}", state.callouts);
                    if state.heading_ids.insert(id.clone()) {
                        break id;
                    }
                };
                state.body.anchors.insert(id.clone());
                let label = (input.callout_label)(callout::name(kind));
                emit = Some(Event::Html(callout::open(kind, &id, &label).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                emit = Some(Event::Html(CowStr::from(callout::CLOSE)));
            }
            Event::Start(Tag::BlockQuote(None)) => {
                if let Some((at, word)) = callout::unknown_marker(&body_text[range.clone()]) {
                    state.diags.push(
                        Diagnostic::warning("unknown-callout", format!("`[!{word}]` is not a callout kind; the block is shown as a plain quote"))
                            .at(input.file, state.pos(range.start + at))
                            .help("use [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION]"),
                    );
                }
                emit = Some(Event::Start(Tag::BlockQuote(None)));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // An indented `[^b]:` under another note reads as part of it,
                // but Markdown ends that note there: the text after it
                // becomes `[^b]`'s, and the other note loses it.
                let line_start = body_text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                let indented = range.start > line_start
                    && body_text[line_start..range.start].trim().is_empty();
                let outer = footnotes
                    .last()
                    .map(|f| f.0.clone())
                    .or_else(|| footnote_defs.last().map(|d| d.0.clone()));
                if let (true, Some(outer)) = (indented, outer) {
                    state.diags.push(
                        Diagnostic::warning(
                            "nested-footnote",
                            format!("footnote `[^{label}]` is indented under footnote `[^{outer}]`, but Markdown ends `[^{outer}]` here"),
                        )
                        .at(input.file, state.pos(range.start))
                        .help(format!(
                            "the text after it belongs to `[^{label}]`: write `[^{label}]:` at the start of a line after the whole of `[^{outer}]`"
                        )),
                    );
                }
                footnotes.push((label.to_string(), Vec::new(), state.marker_ids.len()));
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, events, from)) = footnotes.pop() {
                    let markers = state.marker_ids[from..].to_vec();
                    footnote_defs.push((label, events, markers));
                }
                continue;
            }
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                let next = state.footnote_numbers.len() + 1;
                let number = *state.footnote_numbers.entry(label.clone()).or_insert(next);
                let backrefs = state.footnote_backrefs.entry(label.clone()).or_default();
                let anchor = safe_id(&label);
                let ref_id = format!("fnref-{anchor}-{}", backrefs.len() + 1);
                backrefs.push(ref_id.clone());
                state.marker_ids.push(ref_id.clone());
                let (shown, label) = (input.note_marker)(u32::try_from(number).unwrap_or(u32::MAX));
                let mut html = format!(
                    "\u{2060}<sup class=\"footnote-ref\"><a href=\"#fn-{anchor}\" id=\"{ref_id}\" aria-label=\""
                );
                escape_html_into(&mut html, &label);
                html.push_str("\">");
                escape_html_into(&mut html, &shown);
                html.push_str("</a></sup>");
                emit = Some(Event::InlineHtml(CowStr::from(html)));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_string)
                    }
                    CodeBlockKind::Indented => None,
                };
                code = Some((lang, String::new(), range.start));
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, src, start)) = code.take() {
                    let highlight = src.len() <= crate::parse::highlight::MAX_HIGHLIGHT_BYTES;
                    if !highlight {
                        state.diags.push(
                            Diagnostic::warning(
                                "code-not-highlighted",
                                format!(
                                    "this code block is {} KiB; blocks over {} KiB are shown without highlighting",
                                    src.len() >> 10,
                                    crate::parse::highlight::MAX_HIGHLIGHT_BYTES >> 10
                                ),
                            )
                            .at(input.file, state.pos(start))
                            .help("split the code into smaller blocks, or link to the file instead of including it"),
                        );
                    }
                    emit = Some(Event::Html(CowStr::from(
                        crate::parse::highlight::code_block(lang.as_deref(), &src, highlight),
                    )));
                }
            }
            Event::Text(t) if code.is_some() => {
                code.as_mut().expect("checked").1.push_str(&t);
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                if let Some(target) = state.internal_target(&dest_url) {
                    match target {
                        Ok((lang, rel_path, anchor)) => {
                            let n = state.body.links.len();
                            state.body.links.push(InternalLink {
                                lang,
                                rel_path,
                                anchor,
                                pos: state.pos(range.start),
                            });
                            let mut html = format!("<a href=\"{TOKEN_START}{n}{TOKEN_END}\"");
                            if !title.is_empty() {
                                html.push_str(" title=\"");
                                escape_html_into(&mut html, &title);
                                html.push('"');
                            }
                            html.push('>');
                            emit = Some(Event::InlineHtml(CowStr::from(html)));
                            links.push(LinkKind::Internal);
                        }
                        Err(msg) => {
                            state.diags.push(
                                Diagnostic::error("broken-link", msg)
                                    .at(input.file, state.pos(range.start))
                                    .help("link to another article by its file path, e.g. other.md or ../en/other.md"),
                            );
                            emit = Some(Event::InlineHtml(CowStr::from("<a>")));
                            links.push(LinkKind::Internal);
                        }
                    }
                } else {
                    if let Some(anchor) = dest_url.strip_prefix('#') {
                        state.body.local_anchors.push((
                            crate::base::text::percent_decode(anchor),
                            state.pos(range.start),
                        ));
                    }
                    let dest = if has_scheme(&dest_url) && !is_safe_scheme(&dest_url) {
                        state.diags.push(
                            Diagnostic::error("unsafe-link", format!("link to `{dest_url}` uses a scheme that is not allowed"))
                                .at(input.file, state.pos(range.start))
                                .help("links may use http:, https:, mailto: or tel:, or point at another article's .md file"),
                        );
                        CowStr::from("#")
                    } else {
                        dest_url
                    };
                    emit = Some(Event::Start(Tag::Link {
                        link_type,
                        dest_url: dest,
                        title,
                        id: CowStr::from(""),
                    }));
                    links.push(LinkKind::Normal);
                }
            }
            Event::End(TagEnd::Link) => match links.pop() {
                Some(LinkKind::Internal) => emit = Some(Event::InlineHtml(CowStr::from("</a>"))),
                _ => emit = Some(Event::End(TagEnd::Link)),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = if has_scheme(&dest_url) && !is_safe_scheme(&dest_url) {
                    state.diags.push(
                        Diagnostic::error(
                            "unsafe-link",
                            format!("image `{dest_url}` uses a scheme that is not allowed"),
                        )
                        .at(input.file, state.pos(range.start))
                        .help("use an http(s) URL or a relative path"),
                    );
                    CowStr::from("#")
                } else {
                    dest_url
                };
                images += 1;
                emit = Some(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                images = images.saturating_sub(1);
                emit = Some(Event::End(TagEnd::Image));
            }
            // Raw HTML is shown as text: briefings arrive from many hands and tools,
            // and the theme owns the markup (as Hugo does by default).
            // (Escaped here, so that smart punctuation leaves its quotes.)
            Event::Html(h) | Event::InlineHtml(h) => {
                plain.push_str(&h);
                let mut escaped = String::with_capacity(h.len() + 16);
                escape_html_into(&mut escaped, &h);
                emit = Some(Event::InlineHtml(CowStr::from(escaped)));
            }
            Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.3.push_str(&t);
                } else {
                    plain.push_str(&t);
                    stats.add(&t);
                }
                emit = Some(Event::Code(t));
            }
            Event::SoftBreak | Event::HardBreak => {
                plain.push(' ');
                emit = Some(event);
            }
            Event::End(end @ (TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell)) => {
                plain.push('\n');
                emit = Some(Event::End(end));
            }
            other => emit = Some(other),
        }
        let target = match sink {
            Sink::Footnote => &mut footnotes.last_mut().expect("sink").1,
            Sink::Heading => &mut heading.as_mut().expect("sink").2,
            Sink::Main => &mut main,
        };
        target.extend(emit);
    }

    crate::parse::smart::events(&mut main);
    let mut html = String::with_capacity(body_text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, main.into_iter());

    // A definition never referenced, or repeating a label, is not shown: the
    // markers written inside it must not be linked back to.
    let mut shown_labels = HashSet::new();
    let mut hidden: HashSet<&str> = HashSet::new();
    for (label, _, markers) in &footnote_defs {
        if !state.footnote_numbers.contains_key(label) || !shown_labels.insert(label) {
            hidden.extend(markers.iter().map(String::as_str));
        }
    }
    if !hidden.is_empty() {
        for r in &mut state.body.references {
            r.backrefs.retain(|b| !hidden.contains(b.as_str()));
        }
        for b in state.footnote_backrefs.values_mut() {
            b.retain(|b| !hidden.contains(b.as_str()));
        }
    }

    // Footnotes in order of first reference; unreferenced ones are reported.
    let mut notes: Vec<Footnote> = Vec::new();
    let mut note_ids: HashSet<String> = HashSet::new();
    for (label, events, _) in footnote_defs {
        match state.footnote_numbers.get(&label) {
            Some(&number) => {
                if !note_ids.insert(format!("fn-{}", safe_id(&label))) {
                    continue;
                }
                let mut note_html = String::new();
                let mut events = events;
                crate::parse::smart::events(&mut events);
                pulldown_cmark::html::push_html(&mut note_html, events.into_iter());
                notes.push(Footnote {
                    id: format!("fn-{}", safe_id(&label)),
                    number,
                    html: strip_controls(&note_html).into_owned(),
                    backrefs: state.footnote_backrefs.remove(&label).unwrap_or_default(),
                });
            }
            None => state.diags.push(
                Diagnostic::warning(
                    "unused-footnote",
                    format!("footnote `[^{label}]` is defined but never referenced"),
                )
                .in_file(input.file)
                .help(format!(
                    "refer to it with [^{label}] in the text, or remove the definition"
                )),
            ),
        }
    }
    notes.sort_by_key(|n| n.number);

    // Citations never cited: warned about, still listed (numbered after the rest).
    for (i, c) in input.citations.iter().enumerate() {
        if !state.ref_slot.contains_key(&i) {
            let number = c.id.number().unwrap_or_else(|| {
                let n = state.next_key_number;
                state.next_key_number += 1;
                n
            });
            state.diags.push(
                Diagnostic::warning(
                    "uncited-citation",
                    format!("citation `{}` is never cited in the text", c.id.0),
                )
                .in_file(input.file)
                .help(format!(
                    "cite it with [{}] or remove it from `citations:`",
                    if c.id.number().is_some() {
                        c.id.0.clone()
                    } else {
                        format!("@{}", c.id.0)
                    }
                )),
            );
            state.body.references.push(Reference {
                citation: i,
                number,
                anchor: safe_id(&c.id.0),
                backrefs: Vec::new(),
            });
        }
    }
    state.body.references.sort_by_key(|r| r.number);

    for r in &state.body.references {
        state.body.anchors.insert(format!("ref-{}", r.anchor));
    }
    for n in &notes {
        state.body.anchors.insert(n.id.clone());
    }
    state.body.footnotes = notes;
    // Control characters that HTML and XML forbid are dropped from the output
    // (not from the input, so that positions stay those of the file). Only
    // the input or a numeric character reference (`&#1;`) can bring them, so
    // a body with neither needs no second look at the output.
    if input_has_controls {
        state.body.html = strip_controls(&html).into_owned();
        state.body.plain_text = strip_controls(&plain).into_owned();
    } else {
        state.body.html = html;
        state.body.plain_text = plain;
    }
    state.body.stats = stats;
    (state.body, state.diags)
}

/// Warns about each link reference definition whose label is a citation's
/// marker (`[1]: https://…` beside citation 1): CommonMark makes `[1]` a link
/// to the definition's URL, and brief follows it, so that text means what it
/// means everywhere else; the editor most likely meant the citation.
fn shadowed_citations(parser: &Parser, state: &mut State) {
    let mut defs: Vec<(&str, usize, &str)> = parser
        .reference_definitions()
        .iter()
        .filter(|(label, _)| markers::is_cite_reference(label))
        .map(|(label, def)| (label, def.span.start, def.dest.as_ref()))
        .collect();
    defs.sort_by_key(|d| d.1);
    for (label, at, dest) in defs {
        let Some(ids) = marker_ids(label) else {
            continue;
        };
        let Some(cited) = ids.iter().find_map(|(_, id)| {
            state
                .input
                .citations
                .iter()
                .find(|c| c.id.0.eq_ignore_ascii_case(id))
        }) else {
            continue;
        };
        let label = label.trim();
        state.diags.push(
            Diagnostic::warning(
                "definition-shadows-citation",
                format!(
                    "`[{label}]: {dest}` is a link reference definition, so `[{label}]` in the text links to {dest} instead of citing `{}`",
                    cited.id.0
                ),
            )
            .at(state.input.file, state.pos(at))
            .help(format!(
                "to cite, remove this line (the reference list links to the source); to keep the link, rename its label, e.g. `[src-{}]:`, and write `[text][src-{}]`",
                label.trim_start_matches('@'),
                label.trim_start_matches('@')
            )),
        );
    }
}

/// Replaces link tokens with their resolved URLs (`urls[n]` for token `n`).
pub fn resolve_link_tokens(html: &str, urls: &[String]) -> String {
    if !html.contains(TOKEN_START) {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + urls.len() * 32);
    let mut rest = html;
    while let Some(start) = rest.find(TOKEN_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + TOKEN_START.len_utf8()..];
        let Some(end) = after.find(TOKEN_END) else {
            out.push_str(after);
            return out;
        };
        let n: usize = after[..end].parse().unwrap_or(usize::MAX);
        match urls.get(n) {
            Some(u) => escape_html_into(&mut out, u),
            None => out.push('#'),
        }
        rest = &after[end + TOKEN_END.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The start of a text with whitespace folded, cut at `max_chars` with "…".
pub fn plain_excerpt(text: &str, max_chars: usize) -> String {
    let mut s: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > max_chars {
        s = s.chars().take(max_chars).collect::<String>() + "…";
    }
    s
}
