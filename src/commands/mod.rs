//! Commands beside build and check: `serve`, `new`/`translate` (scaffold), `import`, `status`.

pub mod import;
pub mod scaffold;
pub mod serve;
pub mod status;
