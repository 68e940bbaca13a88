//! Commands beside build and check: `serve`, `new`/`translate` (scaffold), `import`, `status`.
//!
//! `new`, `translate` and `import` share [`common`] (loading the site,
//! checking languages and slugs, validating and writing a file) and
//! [`frontmatter_writer`]; no command reaches into another.

pub mod common;
/// Behind the default feature `external`: `check --external`, the one
/// command that fetches from the network.
#[cfg(feature = "external")]
pub mod external;
pub mod frontmatter_writer;
pub mod import;
pub mod scaffold;
/// Behind the default feature `server`: the HTTP server and the file watcher
/// are not part of the build pipeline.
#[cfg(feature = "server")]
pub mod serve;
pub mod status;
