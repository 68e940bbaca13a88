//! Shared by every stage: diagnostics, text utilities, URLs, the YAML wrapper.

pub mod dates;
pub mod diag;
pub mod route;
pub mod text;
pub mod urls;
pub mod yaml;
