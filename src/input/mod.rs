//! Stage 1, load: `book.toml`, the locale bundles, the source files.

pub mod config;
pub mod decode;
pub mod load;
pub mod locale;
