//! "Cite this briefing": the briefing itself as a reference (BibLaTeX, RIS,
//! CSL-JSON), its Highwire Press `citation_*` meta tags for Zotero and
//! Google Scholar, and `data:` URIs that carry an export inside the page, so
//! downloads need no file of their own and no JavaScript.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::output::authors::ResolvedAuthor;
use crate::output::references::{babel_language, bib_escape, date_parts};
use crate::parse::frontmatter::DateValue;

/// What a citation of the briefing says.
pub struct Briefing<'a> {
    pub key: String,
    pub title: &'a str,
    pub authors: &'a [ResolvedAuthor],
    pub date: &'a DateValue,
    pub publisher: &'a str,
    /// The report institution (`[site] organisation`, else the publisher).
    pub institution: &'a str,
    pub url: String,
    pub lang: &'a str,
}

/// A `data:` URI of `text` as UTF-8, percent-encoded (RFC 2397): only ASCII
/// letters, digits and `-_.~` stay as they are, so the URI is safe in any
/// attribute and URL parser.
pub fn data_uri(mime: &str, text: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const SET: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    format!(
        "data:{mime};charset=utf-8,{}",
        utf8_percent_encode(text, SET)
    )
}

fn bib_author(a: &ResolvedAuthor) -> String {
    match (&a.family, &a.given) {
        (Some(f), Some(g)) => {
            let f = if f.contains(char::is_whitespace) {
                format!("{{{}}}", bib_escape(f))
            } else {
                bib_escape(f)
            };
            format!("{f}, {}", bib_escape(g))
        }
        _ => format!("{{{}}}", bib_escape(&a.display)),
    }
}

impl Briefing<'_> {
    /// BibLaTeX `@report` (type "Briefing").
    pub fn bibtex(&self) -> String {
        let mut s = format!("@report{{{},\n", self.key);
        s.push_str(&format!("  title = {{{}}},\n", bib_escape(self.title)));
        if !self.authors.is_empty() {
            let names: Vec<String> = self.authors.iter().map(bib_author).collect();
            s.push_str(&format!("  author = {{{}}},\n", names.join(" and ")));
        }
        s.push_str("  type = {Briefing},\n");
        s.push_str(&format!(
            "  institution = {{{{{}}}}},\n",
            bib_escape(self.institution)
        ));
        s.push_str(&format!("  date = {{{}}},\n", self.date.ymd()));
        s.push_str(&format!(
            "  url = {{{}}},\n",
            self.url.replace('{', "%7B").replace('}', "%7D")
        ));
        if let Some(l) = babel_language(self.lang) {
            s.push_str(&format!("  langid = {{{l}}},\n"));
        }
        s.push_str("}\n");
        s
    }

    /// RIS (`TY  - RPRT`), the format of EndNote, Zotero and Mendeley imports.
    pub fn ris(&self) -> String {
        let clean = |s: &str| s.replace(['\r', '\n'], " ");
        let mut s = String::from("TY  - RPRT\r\n");
        s.push_str(&format!("TI  - {}\r\n", clean(self.title)));
        for a in self.authors {
            s.push_str(&format!("AU  - {}\r\n", clean(&a.written)));
        }
        let d = self.date.date;
        s.push_str(&format!("PY  - {}\r\n", d.year()));
        s.push_str(&format!(
            "DA  - {:04}/{:02}/{:02}/\r\n",
            d.year(),
            u8::from(d.month()),
            d.day()
        ));
        s.push_str(&format!("PB  - {}\r\n", clean(self.institution)));
        s.push_str(&format!("UR  - {}\r\n", self.url));
        s.push_str(&format!("LA  - {}\r\n", self.lang));
        s.push_str("ER  - \r\n");
        s
    }

    /// CSL-JSON (a list of one `report` item).
    pub fn csl_json(&self) -> String {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.key));
        m.insert("type".into(), json!("report"));
        m.insert("title".into(), json!(self.title));
        let names = crate::output::authors::csl_names(self.authors);
        if !names.is_empty() {
            m.insert("author".into(), Value::Array(names));
        }
        m.insert("genre".into(), json!("Briefing"));
        m.insert("publisher".into(), json!(self.institution));
        m.insert("issued".into(), date_parts(self.date));
        m.insert("URL".into(), json!(self.url));
        m.insert("language".into(), json!(self.lang));
        let mut s =
            serde_json::to_string_pretty(&Value::Array(vec![Value::Object(m)])).expect("JSON");
        s.push('\n');
        s
    }

    /// Highwire Press tags, in the order Zotero's and Google Scholar's
    /// documentation list them.
    pub fn highwire(&self) -> Vec<Meta> {
        let mut v = vec![Meta::new("citation_title", self.title)];
        for a in self.authors {
            v.push(Meta::new("citation_author", &a.written));
        }
        let d = self.date.date;
        v.push(Meta::new(
            "citation_publication_date",
            &format!("{:04}/{:02}/{:02}", d.year(), u8::from(d.month()), d.day()),
        ));
        v.push(Meta::new("citation_language", self.lang));
        v.push(Meta::new("citation_publisher", self.publisher));
        v.push(Meta::new(
            "citation_technical_report_institution",
            self.institution,
        ));
        v.push(Meta::new("citation_public_url", &self.url));
        v
    }
}

/// One `<meta name content>` tag.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub name: &'static str,
    pub content: String,
}

impl Meta {
    fn new(name: &'static str, content: &str) -> Meta {
        Meta {
            name,
            content: content.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_uris_encode_everything_but_unreserved() {
        assert_eq!(
            data_uri("text/plain", "a b&\"<é"),
            "data:text/plain;charset=utf-8,a%20b%26%22%3C%C3%A9"
        );
    }
}
