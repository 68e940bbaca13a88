//! A page's view model: every value its template reads, by name.
//!
//! The same code fills a [`View`] for rendering (into a Tera context) and for
//! the incremental rebuild's page digest (serialized with postcard into a
//! buffer, hashed with XXH3): the digest is the hash of exactly what the
//! template sees, so it cannot drift from it. A value that reaches a template
//! without passing through [`View::insert`] does not exist. Exceptions keep
//! rebuilds fast, each a pure function of inputs the digest records instead
//! ([`View::digest_only`], or a value made in its digest form when
//! [`View::is_digest`]): the body HTML of an article (its source file and its
//! resolved links), a localized date (the date; the page records its
//! language), an article's term labels and links (the taxonomy and the term).
//! A value many pages show alike (an article's card) is digested once per
//! pass, by the same code, and pages record its digest
//! ([`View::shared_digest`]). The view models borrow from the site (`&str`,
//! slices) where they can, so neither a render nor a digest copies what it
//! only reads.

use std::cell::Cell;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use tera::Context;

pub struct View {
    sink: Sink,
}

enum Sink {
    Render(Context),
    /// The serialized view, hashed at the end in one call: the serializer
    /// writes many tiny pieces, which a hasher takes one by one only slowly.
    Digest(Vec<u8>, Arc<SharedDigests>),
}

/// The digests of values that many pages of one site show alike (an
/// article's card), each made once per digest pass by the same code that
/// makes the value for rendering; a page's digest records the value's digest
/// in its place. Valid for one linked site only: make one per pass.
pub struct SharedDigests {
    items: Vec<OnceLock<u64>>,
}

impl SharedDigests {
    /// Room for items `0..len`.
    pub fn new(len: usize) -> Arc<SharedDigests> {
        Arc::new(SharedDigests {
            items: (0..len).map(|_| OnceLock::new()).collect(),
        })
    }
}

thread_local! {
    /// The buffer of the last digest made on this thread, reused by the
    /// next one: a site's pages are digested by the thousand, and a fresh
    /// buffer per page costs more in page faults than filling it.
    static DIGEST_BUFFER: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// A buffer kept for reuse grows no larger than this.
const KEPT_BUFFER: usize = 1 << 20;

/// The digest of bytes: XXH3, 64 bits, with a fixed seed (the same bytes,
/// the same digest, in any process).
pub fn digest_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Appends postcard's bytes to a digest buffer.
struct Append<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Append<'_> {
    type Output = ();
    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        self.0.push(byte);
        Ok(())
    }
    fn try_extend(&mut self, bytes: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// Appends a value to a digest buffer. postcard writes each value's data
/// without field names or escaping, every string, sequence and map with
/// its length first and every `Option` and enum with its tag, so the bytes
/// can be read back as one value only: different values, different bytes.
fn append<T: Serialize + ?Sized>(buf: &mut Vec<u8>, value: &T) -> postcard::Result<()> {
    postcard::serialize_with_flavor(value, Append(buf))
}

/// Appends a value after its key: the same value under another key differs
/// too.
fn append_entry<T: Serialize + ?Sized>(buf: &mut Vec<u8>, key: &str, value: &T) {
    let len = buf.len();
    if append(buf, &(key, value)).is_err() {
        // A sequence of unknown length (no derived `Serialize` makes one):
        // its JSON, after a byte no key's length starts with.
        buf.truncate(len);
        buf.push(0xff);
        let json = serde_json::to_string(value).expect("view values serialize");
        append(buf, &(key, json)).expect("strings serialize");
    }
}

impl View {
    /// A view that becomes a Tera context.
    pub fn for_render() -> View {
        View {
            sink: Sink::Render(Context::new()),
        }
    }

    /// A view that becomes a digest, sharing the digests of common values
    /// with the other pages of the same pass.
    pub fn for_digest(shared: Arc<SharedDigests>) -> View {
        View {
            sink: Sink::Digest(DIGEST_BUFFER.take(), shared),
        }
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        match &mut self.sink {
            Sink::Render(ctx) => ctx.insert(key, value),
            Sink::Digest(buf, _) => append_entry(buf, key, value),
        }
    }

    /// Whether this view only becomes a digest: a value that is a pure
    /// function of cheaper inputs may then be left out, its inputs recorded
    /// with [`View::digest_only`] instead.
    pub fn is_digest(&self) -> bool {
        matches!(self.sink, Sink::Digest(..))
    }

    /// Records, in a digest only, the inputs a left-out value is made from.
    pub fn digest_only<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.is_digest() {
            self.insert(key, value);
        }
    }

    /// In a digest, the digest of shared item `index` (the same item, the
    /// same value, on every page of the pass): `make` makes the value the
    /// first time it is asked for. `None` when rendering.
    pub fn shared_digest<T: Serialize>(
        &self,
        index: usize,
        make: impl FnOnce() -> T,
    ) -> Option<u64> {
        match &self.sink {
            Sink::Render(_) => None,
            Sink::Digest(_, shared) => Some(*shared.items[index].get_or_init(|| {
                let mut buf = Vec::with_capacity(1024);
                append_entry(&mut buf, "shared", &make());
                digest_bytes(&buf)
            })),
        }
    }

    /// The Tera context of a view made with [`View::for_render`].
    pub fn into_context(self) -> Context {
        match self.sink {
            Sink::Render(ctx) => ctx,
            Sink::Digest(..) => unreachable!("a digest view has no context"),
        }
    }

    /// The digest of a view made with [`View::for_digest`], with the name of
    /// the template that reads it.
    pub fn finish(self, template: &str) -> u64 {
        match self.sink {
            Sink::Digest(mut buf, _) => {
                append(&mut buf, template).expect("strings serialize");
                let digest = digest_bytes(&buf);
                if buf.capacity() <= KEPT_BUFFER {
                    buf.clear();
                    DIGEST_BUFFER.set(buf);
                }
                digest
            }
            Sink::Render(_) => unreachable!("a render view has no digest"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Card<'a> {
        title: &'a str,
        tags: Vec<&'a str>,
        date: Option<u32>,
    }

    #[derive(Serialize)]
    struct Page<'a> {
        cards: Vec<Card<'a>>,
        count: usize,
    }

    fn digest(fill: impl Fn(&mut View)) -> u64 {
        let mut view = View::for_digest(SharedDigests::new(2));
        fill(&mut view);
        view.finish("page.html")
    }

    fn page(title: &str, tags: &[&'static str], date: Option<u32>) -> u64 {
        let tags = tags.to_vec();
        digest(|v| {
            v.insert(
                "page",
                &Page {
                    cards: vec![
                        Card {
                            title: "first",
                            tags: vec!["a"],
                            date: Some(1),
                        },
                        Card {
                            title,
                            tags: tags.clone(),
                            date,
                        },
                    ],
                    count: 2,
                },
            )
        })
    }

    #[test]
    fn equal_views_have_equal_digests() {
        assert_eq!(
            page("second", &["x", "y"], None),
            page("second", &["x", "y"], None)
        );
        // The buffer reused from the last digest leaves nothing behind.
        let a = digest(|v| v.insert("s", &("ab", "c")));
        let _ = page("a much longer title than the strings above", &[], Some(7));
        assert_eq!(a, digest(|v| v.insert("s", &("ab", "c"))));
    }

    #[test]
    fn different_views_have_different_digests() {
        // The same characters cut differently.
        assert_ne!(
            digest(|v| v.insert("s", &("ab", "c"))),
            digest(|v| v.insert("s", &("a", "bc")))
        );
        assert_ne!(
            digest(|v| v.insert("s", &vec!["ab", "c"])),
            digest(|v| v.insert("s", &vec!["a", "bc"]))
        );
        // Or moved from one value to the next.
        assert_ne!(
            digest(|v| {
                v.insert("a", "xy");
                v.insert("b", "z");
            }),
            digest(|v| {
                v.insert("a", "x");
                v.insert("b", "yz");
            })
        );
        // The same value under another key, or for another template.
        assert_ne!(
            digest(|v| v.insert("a", "x")),
            digest(|v| v.insert("b", "x"))
        );
        let mut view = View::for_digest(SharedDigests::new(0));
        view.insert("a", "x");
        assert_ne!(view.finish("list.html"), digest(|v| v.insert("a", "x")));
        // A changed field deep inside, a tag moved between fields, an
        // `Option` set or cleared.
        let base = page("second", &["x", "y"], None);
        assert_ne!(base, page("Second", &["x", "y"], None));
        assert_ne!(base, page("second", &["x"], None));
        assert_ne!(base, page("second", &["xy"], None));
        assert_ne!(base, page("second", &["x", "y"], Some(0)));
        assert_ne!(page("second", &[], None), page("second", &[""], None));
        // Digest-only values count too.
        assert_ne!(
            digest(|v| v.digest_only("from", &1u64)),
            digest(|v| v.digest_only("from", &2u64))
        );
    }

    /// A sequence whose length serde does not know in advance.
    struct Evens(Vec<u32>);
    impl Serialize for Evens {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().filter(|n| *n % 2 == 0))
        }
    }

    #[test]
    fn values_postcard_cannot_write_are_digested_as_json() {
        let evens = |v: Vec<u32>| {
            digest(move |view| {
                view.insert("before", "x");
                view.insert("evens", &Evens(v.clone()));
                view.insert("after", "y");
            })
        };
        assert_eq!(evens(vec![1, 2, 4]), evens(vec![2, 3, 4]));
        assert_ne!(evens(vec![2, 4]), evens(vec![2, 6]));
        // What came before the value is kept.
        let without_before = digest(|view| {
            view.insert("evens", &Evens(vec![2, 4]));
            view.insert("after", "y");
        });
        assert_ne!(evens(vec![2, 4]), without_before);
    }

    #[test]
    fn digest_only_values_stay_out_of_renders() {
        let mut view = View::for_render();
        view.digest_only("from", &1u64);
        view.insert("a", "x");
        let ctx = view.into_context();
        assert!(ctx.get("from").is_none());
        assert_eq!(ctx.get("a").and_then(|v| v.as_str()), Some("x"));
    }
}
