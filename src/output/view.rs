//! A page's view model: every value its template reads, by name.
//!
//! The same code fills a [`View`] for rendering (into a Tera context) and for
//! the incremental rebuild's page digest (into a hasher): the digest is the
//! hash of exactly what the template sees, so it cannot drift from it. A
//! value that reaches a template without passing through [`View::insert`]
//! does not exist.

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
    Digest(DigestHasher),
}

/// Feeds serialized bytes to a hasher.
struct HashWriter<'a>(&'a mut DigestHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
            sink: Sink::Digest(DigestHasher::new()),
        }
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        match &mut self.sink {
            Sink::Render(ctx) => ctx.insert(key, value),
            Sink::Digest(h) => {
                key.hash(h);
                // Serialization order is the values' own (struct fields,
                // sequences, ordered maps): the same value, the same bytes.
                serde_json::to_writer(HashWriter(h), value).expect("view values serialize");
                h.write_u8(0xff);
            }
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
            Sink::Digest(mut h) => {
                template.hash(&mut h);
                h.finish()
            }
            Sink::Render(_) => unreachable!("a render view has no digest"),
        }
    }
}
