//! The checked values of the front-matter: dates, `http(s)` URLs, citation
//! ids. Each is checked while it is deserialized, so that serde_yaml attaches
//! the position of the bad value to the error.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::base::dates;

/// A publication date: a calendar date, optionally with a time and offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateValue {
    pub date: time::Date,
    pub datetime: Option<time::OffsetDateTime>,
}

/// The years a date may have: four digits. `-0001-01-01` and `+10000-01-01`
/// parse as dates but are typing mistakes, and no feed reader takes them.
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

impl DateValue {
    /// A date `YYYY-MM-DD` or RFC 3339 date-time, with a year in [`YEARS`].
    pub fn parse(s: &str) -> Option<DateValue> {
        Self::parse_any_year(s).filter(|d| YEARS.contains(&d.date.year()))
    }
    fn parse_any_year(s: &str) -> Option<DateValue> {
        let s = s.trim();
        if let Ok(date) = time::Date::parse(s, dates::YMD) {
            return Some(DateValue {
                date,
                datetime: None,
            });
        }
        let dt =
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
        Some(DateValue {
            date: dt.date(),
            datetime: Some(dt),
        })
    }
    /// RFC 3339, as Atom and the sitemap want it.
    pub fn rfc3339(&self) -> String {
        match self.datetime {
            Some(dt) => dt
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            None => format!("{}T00:00:00Z", self.ymd()),
        }
    }
    pub fn ymd(&self) -> String {
        dates::ymd(self.date)
    }
    /// Sort key: instants where known, midnight UTC otherwise.
    pub fn timestamp(&self) -> i64 {
        match self.datetime {
            Some(dt) => dt.unix_timestamp(),
            None => self.date.midnight().assume_utc().unix_timestamp(),
        }
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.datetime {
            Some(_) => f.write_str(&self.rfc3339()),
            None => f.write_str(&self.ymd()),
        }
    }
}

impl Serialize for DateValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Runs `check` inside the visitor, so that serde_yaml attaches the position
/// of the scalar itself to the error (an error raised after `String::deserialize`
/// returns gets the position of the enclosing mapping instead).
fn checked_str<'de, D, T>(d: D, check: fn(&str) -> Result<T, String>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct V<T>(fn(&str) -> Result<T, String>);
    impl<T> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.0)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(V(check))
}

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked_str(d, |s| {
            match DateValue::parse_any_year(s) {
            Some(v) if !YEARS.contains(&v.date.year()) => Err(format!(
                "invalid date `{s}`: the year must be between {} and {}",
                YEARS.start(),
                YEARS.end()
            )),
            Some(v) => Ok(v),
            None => Err(format!(
                "invalid date `{s}`: write YYYY-MM-DD (2025-07-28) or RFC 3339 (2025-07-28T09:00:00+09:00)"
            )),
        }
        })
    }
}

/// An `http(s)` URL without spaces or control characters, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct HttpUrl(pub String);

impl HttpUrl {
    /// Accepts an absolute `http://` or `https://` URL, with a host and
    /// nothing that must be percent-encoded first; the url crate checks the
    /// host (domain, IP address, port) the way browsers parse it. The prefix
    /// and characters are checked on the text as written because the parser
    /// forgives what a citation should not need (`https:example.org`,
    /// `https:///x`, spaces, tabs and leading blanks).
    pub fn check(s: &str) -> Result<HttpUrl, String> {
        let scheme = ["https://", "http://"]
            .into_iter()
            .find(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)));
        let Some(scheme) = scheme else {
            return Err(format!(
                "citation url `{s}` must start with http:// or https:// (other schemes such as javascript: or data: are refused)"
            ));
        };
        let no_host = || format!("citation url `{s}` has no host");
        let rest = &s[scheme.len()..];
        if rest.is_empty() || rest.starts_with('/') {
            return Err(no_host());
        }
        if s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
        {
            return Err(format!(
                "citation url `{s}` contains spaces or characters that must be percent-encoded"
            ));
        }
        match url::Url::parse(s) {
            Ok(_) => Ok(HttpUrl(s.to_string())),
            Err(url::ParseError::EmptyHost) => Err(no_host()),
            Err(e) => Err(format!("citation url `{s}` is not a valid URL: {e}")),
        }
    }
}

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked_str(d, HttpUrl::check)
    }
}

/// A citation id, written as a string (`"6"`, `"xinhua-waic"`) or a number (`6`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CitationId(pub String);

impl CitationId {
    pub fn number(&self) -> Option<u32> {
        if self.0.bytes().all(|b| b.is_ascii_digit()) {
            self.0.parse().ok()
        } else {
            None
        }
    }
}

impl<'de> Deserialize<'de> for CitationId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CitationId;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a citation id such as \"6\" or \"xinhua-waic\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CitationId, E> {
                Ok(CitationId(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CitationId, E> {
                Err(E::custom(format!("citation id {v} must not be negative")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CitationId, E> {
                let v = v.trim();
                if v.is_empty() || v.contains(|c: char| c.is_whitespace() || "[]@;,".contains(c)) {
                    return Err(E::custom(format!(
                        "citation id `{v}` must be a number or a key without spaces, brackets, `@`, `;` or `,`"
                    )));
                }
                Ok(CitationId(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// An image for social cards (`image:`): an `http(s)` URL, or a path of a
/// file under the site's `static/` folder (`images/card.png`), which is
/// copied to the output root; checked by [`crate::base::urls::check_image`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ImageRef(pub String);

impl<'de> Deserialize<'de> for ImageRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked_str(d, |s| crate::base::urls::check_image(s).map(ImageRef))
    }
}

/// One author of the article (`authors:`), as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleAuthor {
    /// `Family, Given` for a person (read like a citation's `author`), or a
    /// name kept whole (an organisation, a desk).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<HttpUrl>,
}

impl ArticleAuthor {
    /// Cleans every string with `clean` (control characters); an empty
    /// name is an error (without a position: the caller knows it).
    pub fn clean(
        &mut self,
        clean: impl Fn(String) -> String,
    ) -> Result<(), crate::base::diag::Diagnostic> {
        self.name = clean(std::mem::take(&mut self.name));
        self.affiliation = self.affiliation.take().map(&clean);
        self.role = self.role.take().map(&clean);
        if self.name.trim().is_empty() {
            return Err(crate::base::diag::Diagnostic::error(
                "front-matter-invalid",
                "an author has an empty name",
            )
            .help("write `name: \"Family, Given\"` for a person, or the organisation's name"));
        }
        Ok(())
    }
}
