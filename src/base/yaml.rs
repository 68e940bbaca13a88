//! The only module that names the YAML crate.
//!
//! serde_yaml's last release is marked deprecated. Every YAML parse in `brief`
//! goes through this module, so a maintained fork with the same API (for
//! example `serde_norway`) replaces it by changing the `use` line below.
//!
//! [`from_str`] also guards against hostile texts before the backend sees
//! them: flow collections nested deeper than [`MAX_FLOW_DEPTH`] (libyaml's
//! scanner is quadratic in that depth) and aliases that expand the document to
//! more than a few times its own size ("billion laughs", or one long anchor
//! repeated thousands of times). Both are [`YamlErrorKind::TooComplex`].

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};

use serde_yaml as backend;

pub use backend::{Mapping, Value};

/// A YAML error with its 1-based position inside the YAML text, and the message
/// without serde_yaml's own " at line X column Y" suffix.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub kind: YamlErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Invalid YAML, or a value of the wrong type.
    Syntax,
    /// Nested too deeply, or aliases that expand too far: refused unread.
    TooComplex,
}

/// Flow collections (`[…]`, `{…}`) nested deeper than this are refused.
pub const MAX_FLOW_DEPTH: usize = 64;

const ALIAS_MESSAGE: &str = "YAML aliases (*name) expand this text to many times its size";

impl From<backend::Error> for YamlError {
    fn from(e: backend::Error) -> Self {
        let loc = e.location();
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        let mut kind = YamlErrorKind::Syntax;
        if message.starts_with("recursion limit exceeded") {
            kind = YamlErrorKind::TooComplex;
            message = "the YAML is nested too deeply".into();
        } else if message.starts_with("repetition limit exceeded") {
            kind = YamlErrorKind::TooComplex;
            message = ALIAS_MESSAGE.into();
        } else if let Some(i) = message.find(ALIAS_MESSAGE) {
            // serde_yaml prefixes custom errors with the path of the value.
            kind = YamlErrorKind::TooComplex;
            message.drain(..i);
        }
        YamlError {
            message,
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
            kind,
        }
    }
}

/// Refuses flow collections nested deeper than [`MAX_FLOW_DEPTH`], before the
/// backend scans them. Brackets inside quoted scalars and comments do not
/// count; a stray bracket in a plain scalar counts, which can only make the
/// check stricter, never let a deep text through.
fn check_flow_depth(text: &str) -> Result<(), YamlError> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    // The previous character (blanks as ' '): a quote opens a quoted scalar
    // only where a node may start.
    let mut prev = '\n';
    let mut chars = text.char_indices().peekable();
    let (mut line, mut line_start) = (1usize, 0usize);
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            line += 1;
            line_start = i + 1;
            // Quoted scalars rarely span lines; ending them here means a stray
            // quote in a plain scalar cannot hide the brackets that follow.
            quote = None;
        }
        match quote {
            Some('\'') => {
                if c == '\'' {
                    if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                        prev = c;
                    }
                }
                continue;
            }
            Some(_) => {
                if c == '\\' && chars.peek().is_some_and(|&(_, n)| n != '\n') {
                    chars.next();
                } else if c == '"' {
                    quote = None;
                    prev = c;
                }
                continue;
            }
            None => {}
        }
        match c {
            '#' if prev.is_whitespace() => {
                while chars.peek().is_some_and(|&(_, n)| n != '\n') {
                    chars.next();
                }
            }
            '\'' | '"' if matches!(prev, '\n' | ' ' | ',' | '[' | '{') => {
                quote = Some(c);
            }
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Err(YamlError {
                        message: format!(
                            "the YAML is nested more than {MAX_FLOW_DEPTH} levels deep"
                        ),
                        line: Some(line),
                        column: Some(text[line_start..i].chars().count() + 1),
                        kind: YamlErrorKind::TooComplex,
                    });
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = if c.is_whitespace() && c != '\n' {
            ' '
        } else {
            c
        };
    }
    Ok(())
}

/// Walks a document as the backend expands it, spending one unit per value
/// and one per byte of text; stops as soon as the budget is spent.
#[derive(Clone, Copy)]
struct Budget<'a> {
    left: &'a Cell<usize>,
}

impl Budget<'_> {
    fn spend<E: de::Error>(self, n: usize) -> Result<(), E> {
        let left = self.left.get();
        if n > left {
            return Err(E::custom(ALIAS_MESSAGE));
        }
        self.left.set(left - n);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Budget<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Budget<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(1)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(1)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(1)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(1)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.spend(1 + v.len())
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<(), E> {
        self.spend(1 + v.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.spend(1)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.spend(1)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.spend(1)?;
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.spend(1)?;
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend(1)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend(1)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use serde::de::VariantAccess;
        self.spend(1)?;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

/// Refuses texts that are cheap to write and expensive to read (see the
/// module docs). A text without `*` has no aliases and skips the walk.
fn check_complexity(text: &str) -> Result<(), YamlError> {
    check_flow_depth(text)?;
    if !text.contains('*') {
        return Ok(());
    }
    // Without aliases a document never expands beyond its own size (escapes
    // such as `\L` grow at most 3 bytes for 2), so this only stops aliases.
    let left = Cell::new(text.len().saturating_mul(4).saturating_add(4096));
    Budget { left: &left }
        .deserialize(backend::Deserializer::from_str(text))
        .map_err(YamlError::from)
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_complexity(text)?;
    backend::from_str(text).map_err(YamlError::from)
}

pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, YamlError> {
    backend::from_value(value).map_err(YamlError::from)
}

pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    backend::to_string(value).map_err(YamlError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_err(text: &str) -> Option<(usize, usize)> {
        check_flow_depth(text)
            .err()
            .map(|e| (e.line.unwrap(), e.column.unwrap()))
    }

    #[test]
    fn flow_depth() {
        let deep = "[".repeat(MAX_FLOW_DEPTH + 1);
        assert_eq!(
            depth_err(&format!("a: 1\nb: {deep}")),
            Some((2, 4 + MAX_FLOW_DEPTH))
        );
        // Brackets in quoted scalars and comments do not nest.
        assert_eq!(depth_err(&format!("t: \"{deep}\"\nu: '{deep}'")), None);
        assert_eq!(depth_err(&format!("t: x # {deep}")), None);
        assert_eq!(depth_err(&format!("t: 'it''s {deep}'")), None);
        // A stray quote inside a plain scalar hides nothing on the next line.
        assert!(depth_err(&format!("t: it's\nu: {deep}")).is_some());
        assert!(depth_err(&format!("t: \"open\nu: {deep}")).is_some());
        // Balanced brackets never add up.
        assert_eq!(depth_err(&"[[]]".repeat(10_000)), None);
    }

    #[test]
    fn aliases_within_budget_work() {
        let v: Value = from_str("a: &x [1, 2]\nb: *x\nc: *x\n").unwrap();
        assert_eq!(v["c"], v["a"]);
        let many = format!(
            "a: &x [{}]\nb: [{}]\n",
            vec!["v"; 2000].join(","),
            vec!["*x"; 2000].join(",")
        );
        let e = from_str::<Value>(&many).unwrap_err();
        assert_eq!(e.kind, YamlErrorKind::TooComplex);
        assert!(e.line.is_some());
    }
}
