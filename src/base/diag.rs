//! Diagnostics: every problem `brief` reports, from any stage, is a [`Diagnostic`].
//!
//! Stages never print; they push diagnostics into a [`Diagnostics`] list. The CLI
//! renders the list once, as text (with the source line and a caret, through
//! codespan-reporting) or as JSON (one object per problem).

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a file: 1-based line and column, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };
    pub fn new(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable code, e.g. `unknown-field`; documented in README.
    pub code: &'static str,
    pub message: String,
    /// Path of the file the problem is in, relative to the site root where possible.
    pub file: Option<PathBuf>,
    pub pos: Option<Pos>,
    pub help: Option<String>,
}

/// A [`Diagnostic`] as the build cache reads it back: codes are `'static`
/// (constants in the source), so each distinct one read is leaked once.
#[derive(Deserialize)]
struct StoredDiagnostic {
    severity: Severity,
    code: String,
    message: String,
    file: Option<PathBuf>,
    pos: Option<Pos>,
    help: Option<String>,
}

impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Diagnostic, D::Error> {
        let d = StoredDiagnostic::deserialize(de)?;
        use std::collections::HashSet;
        use std::sync::{LazyLock, Mutex};
        static CODES: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Default::default);
        let mut codes = CODES.lock().unwrap_or_else(|e| e.into_inner());
        let code = match codes.get(d.code.as_str()) {
            Some(c) => *c,
            None => {
                let c: &'static str = Box::leak(d.code.into_boxed_str());
                codes.insert(c);
                c
            }
        };
        Ok(Diagnostic {
            severity: d.severity,
            code,
            message: d.message,
            file: d.file,
            pos: d.pos,
            help: d.help,
        })
    }
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            pos: None,
            help: None,
        }
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }
    pub fn at(mut self, file: impl Into<PathBuf>, pos: Pos) -> Self {
        self.file = Some(file.into());
        self.pos = Some(pos);
        self
    }
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    fn sort_key(&self) -> (Option<&Path>, Option<Pos>, Severity, &str, &str) {
        (
            self.file.as_deref(),
            self.pos,
            self.severity,
            self.code,
            &self.message,
        )
    }
}

/// An ordered, de-duplicated collection of diagnostics.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
    /// Sorts by file and position and drops exact duplicates, so that output does
    /// not depend on the order in which parallel stages finished.
    pub fn normalize(&mut self) {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
    }
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Byte offsets of line starts, for turning offsets into line/column and back.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// `text` must already have its line endings normalized to `\n`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Pos::new(line + 1, column + 1)
    }
    pub fn offset(&self, text: &str, pos: Pos) -> usize {
        let Some(&start) = self.starts.get(pos.line.saturating_sub(1)) else {
            return text.len();
        };
        let line_end = text[start..].find('\n').map_or(text.len(), |e| start + e);
        text[start..line_end]
            .char_indices()
            .nth(pos.column.saturating_sub(1))
            .map_or(line_end, |(i, _)| start + i)
    }
}

/// Reads a source file the way the loader does (BOM dropped, line endings
/// normalized), so that reported columns match the snippet shown.
fn read_for_snippet(root: &Path, file: &Path) -> Option<String> {
    let path = if file.is_absolute() {
        file.to_path_buf()
    } else {
        root.join(file)
    };
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(crate::base::text::normalize_newlines(crate::base::text::strip_bom(&text)).into_owned())
}

/// Whether a character must not reach a terminal as it is: C0 controls but
/// tab and line feed, DEL and C1 controls (`ESC]0;…BEL` retitles a terminal,
/// `ESC[2J` clears it, U+009B is an 8-bit CSI).
fn is_terminal_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n')) || ('\u{80}'..='\u{9f}').contains(&c)
}

/// `s` with every terminal control character written as `\u{1b}`, for text
/// output (JSON output escapes them as JSON does).
pub fn escape_for_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_terminal_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_terminal_control(c) {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A source file's text as shown in a snippet: control characters escaped
/// (see [`escape_for_terminal`]), with what is needed to move an offset of
/// the original text to the shown one, and a shown column back to the
/// original's (so `file:line:column` is the same as in JSON output).
struct Snippet {
    /// For each escaped character: its offset in the original text, its
    /// offset in the shown text, and how many bytes and characters the
    /// escaping had added up to and including it.
    shifts: Vec<(usize, usize, usize, usize)>,
}

impl Snippet {
    fn new(src: &str) -> (String, Snippet) {
        let mut shifts = Vec::new();
        if !src.chars().any(is_terminal_control) {
            return (src.to_string(), Snippet { shifts });
        }
        let mut out = String::with_capacity(src.len() + 16);
        let (mut bytes, mut chars) = (0, 0);
        for (i, c) in src.char_indices() {
            if is_terminal_control(c) {
                let at = out.len();
                let _ = write!(out, "{}", c.escape_unicode());
                // The escape is ASCII: as many characters as bytes.
                bytes += out.len() - at - c.len_utf8();
                chars += out.len() - at - 1;
                shifts.push((i, at, bytes, chars));
            } else {
                out.push(c);
            }
        }
        (out, Snippet { shifts })
    }
    /// The offset in the shown text of the character at `offset` of the original.
    fn shown(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|s| s.0 < offset);
        offset + before.checked_sub(1).map_or(0, |i| self.shifts[i].2)
    }
    /// Characters the escaping added before `offset` of the shown text.
    fn added_chars_before(&self, shown: usize) -> usize {
        let before = self.shifts.partition_point(|s| s.1 < shown);
        before.checked_sub(1).map_or(0, |i| self.shifts[i].3)
    }
}

/// The files of the snippets: codespan's, with escaped text, and columns
/// counted in the original text.
struct ShownFiles {
    files: SimpleFiles<String, String>,
    snippets: Vec<Snippet>,
}

impl<'a> codespan_reporting::files::Files<'a> for ShownFiles {
    type FileId = usize;
    type Name = String;
    type Source = &'a str;
    fn name(&'a self, id: usize) -> Result<String, codespan_reporting::files::Error> {
        self.files.name(id)
    }
    fn source(&'a self, id: usize) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files.source(id)
    }
    fn line_index(
        &'a self,
        id: usize,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        self.files.line_index(id, byte)
    }
    fn line_range(
        &'a self,
        id: usize,
        line: usize,
    ) -> Result<std::ops::Range<usize>, codespan_reporting::files::Error> {
        self.files.line_range(id, line)
    }
    fn column_number(
        &'a self,
        id: usize,
        line: usize,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let range = self.files.line_range(id, line)?;
        let source = self.files.source(id)?;
        let shown = codespan_reporting::files::column_index(source, range.clone(), byte);
        let snippet = &self.snippets[id];
        let added = snippet.added_chars_before(byte) - snippet.added_chars_before(range.start);
        Ok(shown - added + 1)
    }
}

/// Renders diagnostics as text, with source snippets where the file can be read.
pub fn render_text(diags: &Diagnostics, root: &Path, color: bool) -> String {
    let mut files = ShownFiles {
        files: SimpleFiles::new(),
        snippets: Vec::new(),
    };
    // Per file: its id in `files`, its original text and line index (the
    // positions count in it), and how to move an offset into the shown text.
    let mut ids: std::collections::HashMap<PathBuf, Option<usize>> = Default::default();
    let mut sources: std::collections::HashMap<usize, (String, LineIndex)> = Default::default();
    let config = term::Config::default();
    let mut out = Vec::new();
    for d in diags.iter() {
        let mut csd = match d.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
        }
        .with_code(d.code)
        .with_message(escape_for_terminal(&d.message));
        let mut notes = Vec::new();
        if let Some(file) = &d.file {
            let name = escape_for_terminal(&file.display().to_string()).into_owned();
            let id = *ids.entry(file.clone()).or_insert_with(|| {
                read_for_snippet(root, file).map(|src| {
                    let (shown, snippet) = Snippet::new(&src);
                    let id = files.files.add(name.clone(), shown);
                    files.snippets.push(snippet);
                    let lines = LineIndex::new(&src);
                    sources.insert(id, (src, lines));
                    id
                })
            });
            match (id, d.pos) {
                (Some(id), Some(pos)) => {
                    let (src, lines) = &sources[&id];
                    let snippet = &files.snippets[id];
                    let start = lines.offset(src, pos);
                    let end = src[start..]
                        .chars()
                        .next()
                        .filter(|c| *c != '\n')
                        .map_or(start, |c| start + c.len_utf8());
                    // An escaped character is underlined whole.
                    let (start, end) = (
                        snippet.shown(start),
                        if end > start {
                            snippet.shown(end)
                        } else {
                            snippet.shown(start)
                        },
                    );
                    csd = csd.with_labels(vec![cs::Label::primary(id, start..end)]);
                }
                (_, Some(pos)) => notes.push(format!("at {name}:{}:{}", pos.line, pos.column)),
                (_, None) => notes.push(format!("in {name}")),
            }
        }
        if let Some(help) = &d.help {
            notes.push(format!("help: {}", escape_for_terminal(help)));
        }
        csd = csd.with_notes(notes);
        if color {
            let mut buf = term::termcolor::Buffer::ansi();
            let styles = term::Styles::default();
            let mut w = term::StylesWriter::new(&mut buf, &styles);
            let _ = term::emit_to_write_style(&mut w, &config, &files, &csd);
            out.extend_from_slice(buf.as_slice());
        } else {
            let _ = term::emit_to_io_write(&mut out, &config, &files, &csd);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One JSON object per line, stable field names, for CI and editor plugins.
pub fn render_json(diags: &Diagnostics) -> String {
    #[derive(Serialize)]
    struct Json<'a> {
        severity: Severity,
        code: &'a str,
        file: Option<String>,
        line: Option<usize>,
        column: Option<usize>,
        message: &'a str,
        help: Option<&'a str>,
    }
    let mut s = String::new();
    for d in diags.iter() {
        let j = Json {
            severity: d.severity,
            code: d.code,
            file: d.file.as_ref().map(|f| f.display().to_string()),
            line: d.pos.map(|p| p.line),
            column: d.pos.map(|p| p.column),
            message: &d.message,
            help: d.help.as_deref(),
        };
        let _ = writeln!(s, "{}", serde_json::to_string(&j).expect("plain data"));
    }
    s
}

/// Whether stderr is a terminal that should get colours.
pub fn stderr_wants_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
