//! A page's view model: every value its template reads, by name.
//!
//! The same code fills a [`View`] for rendering (into a Tera context) and for
//! the incremental rebuild's page digest (into a hasher): the digest is the
//! hash of exactly what the template sees, so it cannot drift from it. A
//! value that reaches a template without passing through [`View::insert`]
//! does not exist. One exception keeps rebuilds fast: the body HTML of an
//! article, a pure function of its source file and its resolved links, is
//! recorded in a digest as those two ([`View::digest_only`]).

use std::hash::{Hash, Hasher};

use serde::Serialize;
use tera::Context;

/// The hasher of page digests: SipHash with fixed keys, deterministic within
/// a process (digests are compared within one `brief serve` session only).
pub type DigestHasher = std::collections::hash_map::DefaultHasher;

pub struct View {
    sink: Sink,
}

enum Sink {
    Render(Context),
    /// The serialized view, hashed at the end in one call: the serializer
    /// writes many tiny pieces, which a hasher takes one by one only slowly.
    Digest(Vec<u8>),
}

impl View {
    /// A view that becomes a Tera context.
    pub fn for_render() -> View {
        View {
            sink: Sink::Render(Context::new()),
        }
    }

    /// A view that becomes a digest.
    pub fn for_digest() -> View {
        View {
            sink: Sink::Digest(Vec::with_capacity(16 * 1024)),
        }
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        match &mut self.sink {
            Sink::Render(ctx) => ctx.insert(key, value),
            Sink::Digest(buf) => {
                buf.extend_from_slice(key.as_bytes());
                buf.push(0);
                // Serialization order is the values' own (struct fields,
                // sequences, ordered maps): the same value, the same bytes.
                serde_json::to_writer(&mut *buf, value).expect("view values serialize");
                buf.push(0xff);
            }
        }
    }

    /// Whether this view only becomes a digest: a value that is a pure
    /// function of cheaper inputs may then be left out, its inputs recorded
    /// with [`View::digest_only`] instead.
    pub fn is_digest(&self) -> bool {
        matches!(self.sink, Sink::Digest(_))
    }

    /// Records, in a digest only, the inputs a left-out value is made from.
    pub fn digest_only<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.is_digest() {
            self.insert(key, value);
        }
    }

    /// The Tera context of a view made with [`View::for_render`].
    pub fn into_context(self) -> Context {
        match self.sink {
            Sink::Render(ctx) => ctx,
            Sink::Digest(_) => unreachable!("a digest view has no context"),
        }
    }

    /// The digest of a view made with [`View::for_digest`], with the name of
    /// the template that reads it.
    pub fn finish(self, template: &str) -> u64 {
        match self.sink {
            Sink::Digest(buf) => {
                let mut h = DigestHasher::new();
                buf.hash(&mut h);
                template.hash(&mut h);
                h.finish()
            }
            Sink::Render(_) => unreachable!("a render view has no digest"),
        }
    }
}
