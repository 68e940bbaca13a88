//! `brief`: a static-site generator for multilingual governance briefings.
//!
//! The pipeline is a compiler's, one folder per stage: [`input`] (load) →
//! [`parse`] → [`link`] → [`index`] → [`output`] (render, write);
//! [`pipeline`] drives the stages for every command, [`commands`] holds the
//! commands beside build and check, and [`base`] what every stage shares.
//! See ARCHITECTURE.md.

pub mod base;
pub mod commands;
pub mod index;
pub mod input;
pub mod link;
pub mod output;
pub mod parse;
pub mod pipeline;

pub use base::diag::{Diagnostic, Diagnostics, Pos, Severity};
pub use pipeline::build::{build, check, compile, BuildOptions, BuildReport, Failure};
