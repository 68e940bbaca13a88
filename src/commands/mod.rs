//! Commands beside build and check: `serve`, `new`/`translate` (scaffold), `import`, `status`.

pub mod import;
pub mod scaffold;
/// Behind the default feature `server`: the HTTP server and the file watcher
/// are not part of the build pipeline.
#[cfg(feature = "server")]
pub mod serve;
pub mod status;
