//! `brief`: a static-site generator for multilingual governance briefings.
//!
//! The pipeline is a compiler's: [`load`] → parse ([`frontmatter`],
//! [`markdown`], [`article`]) → [`link`] → [`render`] (with [`feeds`]) →
//! [`write`]. [`build`] strings the stages together. See ARCHITECTURE.md.

pub mod article;
pub mod build;
pub mod config;
pub mod diag;
pub mod disclosure;
pub mod feeds;
pub mod frontmatter;
pub mod highlight;
pub mod import;
pub mod incremental;
pub mod link;
pub mod load;
pub mod locale;
pub mod markdown;
pub mod metadata;
pub mod render;
pub mod scaffold;
pub mod script;
pub mod search;
pub mod serve;
pub mod status;
pub mod text;
pub mod urls;
pub mod write;
pub mod yaml;

pub use build::{build, check, compile, BuildOptions, BuildReport, Failure};
pub use diag::{Diagnostic, Diagnostics, Pos, Severity};
