//! Full-text search that works for Japanese: the build-time half.
//!
//! Text is normalized (NFKC, lowercase) and split into tokens: overlapping
//! character bigrams for runs of CJK characters (so any word of two or more
//! characters is found without a dictionary), and words for other scripts,
//! with light English stemming. `themes/default/static/search.js` implements
//! the same tokenizer for queries; a test runs both on the same strings.
//!
//! The index of a language is split into shards by a hash of the token, so a
//! query downloads only the shards of its own tokens. What a result shows
//! (title, address, date, summary and the plain text of its key points,
//! citations and body) is one record per document, each compressed by itself
//! (raw deflate) and laid end to end in the language's document pack
//! (`docs-N.bin`, a new pack every [`PACK_BYTES`]); `meta.json` lists each
//! record's compressed length, so search.js fetches the records of the
//! results it shows with HTTP Range requests (adjacent records in one
//! request) and nothing else, and picks the excerpt of each result from that
//! text with the same tokenizer.

use std::borrow::{Borrow, Cow};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use rustc_hash::FxBuildHasher;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::parse::article::Article;
use crate::parse::script::is_cjk;

/// Field weights: matches in titles count most, body text least.
pub const WEIGHT_TITLE: u32 = 8;
pub const WEIGHT_KEY_POINTS: u32 = 4;
pub const WEIGHT_TERMS: u32 = 4;
pub const WEIGHT_SUMMARY: u32 = 3;
/// Citation titles, publishers and authors.
pub const WEIGHT_CITATIONS: u32 = 2;
pub const WEIGHT_BODY: u32 = 1;

/// Results search.js shows at first (and adds at a time): the document
/// records a first query fetches.
pub const PAGE: usize = 10;
/// Aim for shards of about this many postings, so that a query of several
/// tokens (a Japanese word of five characters is four bigrams) stays small.
const POSTINGS_PER_SHARD: usize = 2_000;
const MAX_SHARDS: usize = 1024;
/// Format version of the files, checked by search.js.
pub const FORMAT_VERSION: u32 = 3;
/// A document pack is closed once it holds this many bytes, so that no file
/// grows past a few megabytes whatever the size of the site.
pub const PACK_BYTES: usize = 8 << 20;

/// Light English stemming; search.js has the same rules.
pub fn stem(word: &str) -> String {
    let mut scratch = String::new();
    stem_into(word, &mut scratch).to_string()
}

/// [`stem`] without allocating: the stem is a slice of `word`, or, for the
/// one rule that appends a letter, of `scratch`.
fn stem_into<'a>(word: &'a str, scratch: &'a mut String) -> &'a str {
    if !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word;
    }
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        scratch.clear();
        scratch.push_str(&word[..n - 3]);
        scratch.push('y');
        return scratch;
    }
    if word.ends_with("sses") {
        return &word[..n - 2];
    }
    if n > 5 && word.ends_with("ing") {
        return &word[..n - 3];
    }
    if n > 4 && word.ends_with("ed") && !word.ends_with("eed") {
        return &word[..n - 2];
    }
    if n > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        return &word[..n - 1];
    }
    word
}

/// Splits text into search tokens (see the module docs).
pub fn tokenize(text: &str) -> Vec<String> {
    struct Strings(Vec<String>);
    impl Sink for Strings {
        fn token(&mut self, t: &str) {
            self.0.push(t.to_string());
        }
        fn pair(&mut self, a: char, b: char) {
            self.0.push([a, b].iter().collect());
        }
    }
    let mut tokens = Strings(Vec::new());
    Tokenizer::default().run(text, &mut tokens);
    tokens.0
}

/// Receives the tokens of a text, in order. CJK bigrams come as their two
/// characters, so that an index can key them by number instead of by string.
trait Sink {
    fn token(&mut self, t: &str);
    fn pair(&mut self, a: char, b: char);
}

/// The tokenizer's buffers, reused from text to text: tokens are handed out
/// as `&str` slices of them, so tokenizing allocates nothing per token.
#[derive(Default)]
struct Tokenizer {
    /// The NFKC form of the text, when it is not already in NFKC.
    nfkc: String,
    /// The word being read, lowercased.
    word: String,
    /// A stem that is not a slice of its word.
    stemmed: String,
}

/// The state of one [`Tokenizer::run`].
struct Run<'t, F> {
    word: &'t mut String,
    stemmed: &'t mut String,
    /// The last character of the current CJK run, and the run's length.
    cjk_last: char,
    cjk_len: usize,
    sink: &'t mut F,
}

impl<F: Sink> Run<'_, F> {
    fn flush_word(&mut self) {
        if !self.word.is_empty() {
            self.sink.token(stem_into(self.word, self.stemmed));
            self.word.clear();
        }
    }

    /// Ends a CJK run: a run of one character is a token by itself; longer
    /// runs have already emitted their bigrams.
    fn flush_cjk(&mut self) {
        if self.cjk_len == 1 {
            let mut buf = [0u8; 4];
            self.sink.token(self.cjk_last.encode_utf8(&mut buf));
        }
        self.cjk_len = 0;
    }

    fn cjk(&mut self, c: char) {
        self.flush_word();
        if self.cjk_len > 0 {
            self.sink.pair(self.cjk_last, c);
        }
        self.cjk_last = c;
        self.cjk_len += 1;
    }

    fn alphanumeric(&mut self, c: char) {
        if self.cjk_len > 0 {
            self.flush_cjk();
        }
        self.word.push(c);
    }

    fn separator(&mut self) {
        self.flush_word();
        if self.cjk_len > 0 {
            self.flush_cjk();
        }
    }

    /// A character of the normalized (NFKC, lowercased) text.
    fn char(&mut self, c: char) {
        if is_cjk(c) {
            self.cjk(c);
        } else if c.is_alphanumeric() {
            self.alphanumeric(c);
        } else {
            self.separator();
        }
    }
}

/// Characters where NFKC can cut a text in two: they have combining class 0,
/// are never the second half of a composition, and their decompositions (if
/// any) start with such a character; so `nfkc(a + c + b)` is `nfkc(a) +
/// nfkc(c + b)`. Japanese text is mostly made of them, so the rare character
/// that does change (full-width `（`, half-width katakana) is normalized with
/// its neighbours alone instead of the whole text.
fn is_nfkc_cut(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x7F | 0x3001..=0x3002 | 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x30FC
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

impl Tokenizer {
    /// Calls `emit` with each token of `text`, in order; the same tokens as
    /// [`tokenize`].
    fn run(&mut self, text: &str, sink: &mut impl Sink) {
        let Tokenizer {
            nfkc,
            word,
            stemmed,
        } = self;
        word.clear();
        let mut run = Run {
            word,
            stemmed,
            cjk_last: '\0',
            cjk_len: 0,
            sink,
        };
        if text.is_ascii() {
            run.chars(text);
        } else {
            // A segment starts at a cut character (or the text's start) and
            // runs to the next one. Segments of nothing but cut characters are
            // read as they are, the others are normalized each by itself.
            let mut read = 0; // text[..read] has been read
            let mut segment = 0; // the current segment's start
            let mut dirty = false; // it holds a character that is not a cut
            for (i, c) in text.char_indices() {
                if is_nfkc_cut(c) {
                    if dirty {
                        run.normalized(&text[segment..i], nfkc);
                        read = i;
                        dirty = false;
                    }
                    segment = i;
                } else if !dirty {
                    run.chars(&text[read..segment]);
                    read = segment;
                    dirty = true;
                }
            }
            if dirty {
                run.normalized(&text[read..], nfkc);
            } else {
                run.chars(&text[read..]);
            }
        }
        run.separator();
    }
}

impl<F: Sink> Run<'_, F> {
    /// Reads `text` after normalizing it (NFKC), reusing `buffer`.
    fn normalized(&mut self, text: &str, buffer: &mut String) {
        if unicode_normalization::is_nfkc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
        {
            self.chars(text);
        } else {
            buffer.clear();
            buffer.extend(text.nfkc());
            self.chars(buffer);
        }
    }

    /// Reads text that is in NFKC. Lowercasing character by character, as it
    /// is read, is the same as lowercasing the whole text first.
    fn chars(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    self.alphanumeric(c.to_ascii_lowercase());
                } else {
                    self.separator();
                }
            } else if is_cjk(c) {
                // No character of the CJK ranges has a lowercase form.
                self.cjk(c);
            } else {
                for l in c.to_lowercase() {
                    self.char(l);
                }
            }
        }
    }
}

// The maps below use FxHash (rustc-hash): they are keyed by the site's own
// tokens, so a fast hash is safe, and SipHash was a visible share of the
// build. Iteration order never reaches the output: postings are sorted by
// token.

/// A token as a hash-map key: short tokens (nearly all; a CJK bigram is six
/// bytes) are stored inline rather than in an allocation of their own.
/// Looked up by the token's bytes.
#[derive(Clone)]
enum Key {
    Inline { len: u8, bytes: [u8; 22] },
    Heap(Box<[u8]>),
}

impl Key {
    fn new(token: &str) -> Key {
        let b = token.as_bytes();
        if b.len() <= 22 {
            let mut bytes = [0u8; 22];
            bytes[..b.len()].copy_from_slice(b);
            Key::Inline {
                len: b.len() as u8,
                bytes,
            }
        } else {
            Key::Heap(b.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Key::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Key::Heap(b) => b,
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("made from a str")
    }
}

impl Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

// Hashes and compares as its bytes, as `Borrow` requires.
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Key {}

/// Weighted tokens of one article: each token once, with the sum of the
/// weights of the fields it appears in. Computed at parse time, in parallel.
pub fn article_terms(a: &Article, term_labels: &[String]) -> Terms {
    // Sized from the body's length (about one distinct token per six bytes
    // of Japanese or English prose), so that they rarely grow while filling.
    let capacity = (a.body.plain_text.len() / 6).min(1 << 16);
    let mut sink = WeightSink {
        words: HashMap::with_capacity_and_hasher(capacity / 4, FxBuildHasher),
        pairs: HashMap::with_capacity_and_hasher(capacity, FxBuildHasher),
        field: 0,
        weight: 0,
    };
    let mut tokenizer = Tokenizer::default();
    let mut field = |texts: &mut dyn Iterator<Item = &str>, w: u32| {
        sink.field += 1;
        sink.weight = w;
        for text in texts {
            tokenizer.run(text, &mut sink);
        }
    };
    field(&mut std::iter::once(a.fm.title.as_str()), WEIGHT_TITLE);
    field(
        &mut a.fm.key_points.iter().map(String::as_str),
        WEIGHT_KEY_POINTS,
    );
    field(
        &mut term_labels
            .iter()
            .map(String::as_str)
            .chain(a.fm.taxonomies.values().flatten().map(String::as_str)),
        WEIGHT_TERMS,
    );
    field(&mut a.fm.summary.iter().map(String::as_str), WEIGHT_SUMMARY);
    field(
        &mut a.fm.citations.iter().flat_map(|c| {
            std::iter::once(c.title.as_str())
                .chain(c.publisher.as_deref())
                .chain(c.author.as_deref())
        }),
        WEIGHT_CITATIONS,
    );
    // A reference's address is shown too, and found by its words, as
    // weakly as the body.
    field(
        &mut a
            .fm
            .citations
            .iter()
            .filter_map(|c| c.url.as_ref())
            .map(|u| u.0.as_str()),
        WEIGHT_BODY,
    );
    field(
        &mut std::iter::once(a.body.plain_text.as_str()),
        WEIGHT_BODY,
    );
    // In the maps' order: the order of a document's tokens never reaches the
    // output, where postings are sorted by token.
    let mut terms = Terms {
        tokens: String::with_capacity(sink.words.len() * 8),
        weights: Vec::with_capacity(sink.words.len()),
        pairs: Vec::new(),
    };
    for (t, (w, _)) in &sink.words {
        terms.push(t.as_str(), *w);
    }
    terms.pairs.reserve(sink.pairs.len());
    for (&key, (w, _)) in &sink.pairs {
        terms.push_pair(key, *w);
    }
    terms
}

/// Token → (summed weight, last field that counted it): a token counts once
/// per field, however often it occurs there. CJK bigrams, most of the tokens
/// of a Japanese text, are keyed by their two characters as one number.
struct WeightSink {
    words: HashMap<Key, (u32, usize), FxBuildHasher>,
    pairs: HashMap<u64, (u32, usize), FxBuildHasher>,
    field: usize,
    weight: u32,
}

impl WeightSink {
    fn count(field: usize, weight: u32, e: &mut (u32, usize)) {
        if e.1 != field {
            e.0 += weight;
            e.1 = field;
        }
    }
}

impl Sink for WeightSink {
    fn token(&mut self, t: &str) {
        match self.words.get_mut(t.as_bytes()) {
            Some(e) => WeightSink::count(self.field, self.weight, e),
            None => {
                self.words.insert(Key::new(t), (self.weight, self.field));
            }
        }
    }

    fn pair(&mut self, a: char, b: char) {
        let e = self.pairs.entry(pair_key(a, b)).or_insert((0, 0));
        WeightSink::count(self.field, self.weight, e);
    }
}

fn pair_key(a: char, b: char) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

/// The bigram of a [`pair_key`], as text.
fn pair_str(key: u64, buf: &mut [u8; 8]) -> &str {
    let a = char::from_u32((key >> 32) as u32).expect("made from a char");
    let b = char::from_u32(key as u32).expect("made from a char");
    let n = a.encode_utf8(&mut buf[..]).len();
    let m = b.encode_utf8(&mut buf[n..]).len();
    std::str::from_utf8(&buf[..n + m]).expect("two chars")
}

/// The weighted tokens of one document, compactly: CJK bigrams as numbers
/// (see [`WeightSink`]), other tokens joined by `\n` (tokens never contain
/// one), each with its weight, capped as the postings store them.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Terms {
    tokens: String,
    #[serde(with = "serde_bytes")]
    weights: Vec<u8>,
    #[serde(with = "packed_pairs")]
    pairs: Vec<(u64, u8)>,
}

/// The build cache stores bigram keys and weights as one byte string (nine
/// bytes each): decoding thousands of two-element arrays per document costs
/// more than the rest of the document.
mod packed_pairs {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(pairs: &[(u64, u8)], s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(pairs.len() * 9);
        for (key, weight) in pairs {
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.push(*weight);
        }
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(u64, u8)>, D::Error> {
        let bytes = serde_bytes::ByteBuf::deserialize(d)?;
        if bytes.len() % 9 != 0 {
            return Err(serde::de::Error::custom("packed pairs of the wrong length"));
        }
        Ok(bytes
            .chunks_exact(9)
            .map(|c| (u64::from_le_bytes(c[..8].try_into().unwrap()), c[8]))
            .collect())
    }
}

fn cap_weight(weight: u32) -> u8 {
    weight.min((1 << WEIGHT_BITS) - 1) as u8
}

impl Terms {
    pub fn push(&mut self, token: &str, weight: u32) {
        let mut chars = token.chars();
        if let (Some(a), Some(b), None) = (chars.next(), chars.next(), chars.next()) {
            if is_cjk(a) && is_cjk(b) {
                self.push_pair(pair_key(a, b), weight);
                return;
            }
        }
        if !self.weights.is_empty() {
            self.tokens.push('\n');
        }
        self.tokens.push_str(token);
        self.weights.push(cap_weight(weight));
    }

    fn push_pair(&mut self, key: u64, weight: u32) {
        self.pairs.push((key, cap_weight(weight)));
    }

    pub fn len(&self) -> usize {
        self.weights.len() + self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tokens other than CJK bigrams, and their (capped) weights.
    fn words(&self) -> impl Iterator<Item = (&str, u32)> {
        self.tokens
            .split('\n')
            .zip(self.weights.iter().map(|&w| u32::from(w)))
    }
}

/// 32-bit FNV-1a over UTF-8 bytes; search.js computes the same.
pub fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[derive(Debug, Serialize)]
pub struct Meta {
    pub v: u32,
    pub docs: usize,
    pub shards: usize,
    pub page: usize,
    /// How many records each pack holds, in document order.
    pub packs: Vec<usize>,
    /// Each document's compressed record length; a record starts where the
    /// previous one of its pack ends.
    pub lens: Vec<usize>,
}

/// The search files of one language.
#[derive(Debug, Default)]
pub struct LangIndex {
    /// `meta.json`.
    pub meta: String,
    /// `docs-N.bin`: the document packs.
    pub packs: Vec<Vec<u8>>,
    /// `index-N.json`.
    pub shards: Vec<String>,
}

/// Where an excerpt's text comes from, as a document record names it.
#[derive(Debug, Clone, Copy, Serialize)]
pub enum Part {
    /// A key point.
    #[serde(rename = "k")]
    KeyPoint,
    /// A citation: its title, publisher and author, or its address.
    #[serde(rename = "c")]
    Citation,
    /// A paragraph, heading or list item of the body.
    #[serde(rename = "b")]
    Body,
}

/// What a result shows: a document record, the JSON array `[title, url,
/// date, summary, [[part, text], …]]`, compressed.
#[derive(Debug)]
pub struct Shown<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: String,
    pub summary: String,
    pub text: Vec<(Part, Cow<'a, str>)>,
}

impl Serialize for ShownRow<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        (&d.title, &d.url, &d.date, &d.summary, &d.text).serialize(s)
    }
}

struct ShownRow<'s, 'a>(&'s Shown<'a>);

/// One searchable document: what a result shows, and its weighted tokens.
pub struct Doc<'a> {
    pub shown: Shown<'a>,
    pub terms: Terms,
}

impl Doc<'_> {
    /// The document's record before compression.
    fn json(&self) -> String {
        serde_json::to_string(&ShownRow(&self.shown)).expect("plain JSON")
    }
}

/// Compresses a record as raw deflate (RFC 1951), what the browser's
/// `DecompressionStream("deflate-raw")` reads. The same bytes give the same
/// output, so builds stay byte-identical.
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::default(),
    );
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

/// A document in compact form: its compressed record and its tokens. The
/// index stage makes them in parallel, and serve keeps them between
/// incremental rebuilds so that unchanged articles are not tokenized again.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CachedDoc {
    #[serde(with = "serde_bytes")]
    record: Vec<u8>,
    terms: Terms,
}

impl CachedDoc {
    pub fn new(doc: Doc) -> CachedDoc {
        CachedDoc {
            record: deflate(doc.json().as_bytes()),
            terms: doc.terms,
        }
    }
}

/// Postings are packed as `doc << 5 | weight` (weights stay below 32).
const WEIGHT_BITS: u32 = 5;

/// Accumulates the index of one language, document by document, so that the
/// tokens of the whole site never sit in memory at once.
#[derive(Default)]
pub struct IndexBuilder {
    // Hashed while accumulating; sorted when the shards are written.
    postings: HashMap<Key, Vec<u32>, FxBuildHasher>,
    pair_postings: HashMap<u64, Vec<u32>, FxBuildHasher>,
    total: usize,
    /// The compressed records, in document order.
    records: Vec<Vec<u8>>,
}

impl IndexBuilder {
    /// Adds the next document; documents are numbered in the order added.
    pub fn add(&mut self, doc: CachedDoc) {
        self.add_terms(&doc.terms);
        self.records.push(doc.record);
    }

    /// [`Self::add`] from a document kept elsewhere.
    pub fn add_cached(&mut self, doc: &CachedDoc) {
        self.add_terms(&doc.terms);
        self.records.push(doc.record.clone());
    }

    /// Adds the postings of the next document.
    fn add_terms(&mut self, terms: &Terms) {
        let n = self.records.len() as u32;
        for (t, w) in terms.words() {
            let packed = n << WEIGHT_BITS | w;
            match self.postings.get_mut(t.as_bytes()) {
                Some(list) => list.push(packed),
                None => {
                    self.postings.insert(Key::new(t), vec![packed]);
                }
            }
        }
        for &(key, w) in &terms.pairs {
            self.pair_postings
                .entry(key)
                .or_default()
                .push(n << WEIGHT_BITS | u32::from(w));
        }
        self.total += terms.len();
    }

    pub fn finish(mut self) -> LangIndex {
        let mut buf = [0u8; 8];
        for (key, list) in std::mem::take(&mut self.pair_postings) {
            self.postings
                .insert(Key::new(pair_str(key, &mut buf)), list);
        }
        let shards = self
            .total
            .div_ceil(POSTINGS_PER_SHARD)
            .clamp(1, MAX_SHARDS)
            .next_power_of_two();
        // Postings are moved to their shard, and each shard is flattened and
        // written before the next: the lists never exist twice over.
        let mut per_shard: Vec<Vec<(Key, Vec<u32>)>> = (0..shards).map(|_| Vec::new()).collect();
        for (token, list) in self.postings.drain() {
            per_shard[fnv1a(token.as_str()) as usize % shards].push((token, list));
        }
        let shard_texts: Vec<String> = per_shard
            .into_iter()
            .map(|entries| {
                let map: BTreeMap<&str, Vec<u32>> = entries
                    .iter()
                    .map(|(token, list)| {
                        // Delta-encoded document numbers, each followed by its weight.
                        let mut flat = Vec::with_capacity(list.len() * 2);
                        let mut prev = 0u32;
                        for packed in list {
                            let doc = packed >> WEIGHT_BITS;
                            flat.push(doc - prev);
                            flat.push(packed & ((1 << WEIGHT_BITS) - 1));
                            prev = doc;
                        }
                        (token.as_str(), flat)
                    })
                    .collect();
                serde_json::to_string(&map).expect("plain JSON")
            })
            .collect();
        // Records in document order, a new pack once one is full; each
        // record is moved, not copied.
        let records = std::mem::take(&mut self.records);
        let mut packs: Vec<Vec<u8>> = Vec::new();
        let mut counts = Vec::new();
        let mut lens = Vec::with_capacity(records.len());
        for record in records {
            lens.push(record.len());
            match packs.last_mut() {
                Some(pack) if pack.len() < PACK_BYTES => {
                    pack.extend_from_slice(&record);
                    *counts.last_mut().expect("one per pack") += 1;
                }
                _ => {
                    packs.push(record);
                    counts.push(1);
                }
            }
        }
        let meta = Meta {
            v: FORMAT_VERSION,
            docs: lens.len(),
            shards,
            page: PAGE,
            packs: counts,
            lens,
        };
        LangIndex {
            meta: serde_json::to_string(&meta).expect("plain JSON"),
            packs,
            shards: shard_texts,
        }
    }
}

#[cfg(test)]
mod tests;
