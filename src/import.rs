//! `brief import`: convert plain-text briefings into articles.

use std::path::PathBuf;

use crate::build::Failure;
use crate::diag::Diagnostics;

pub struct ImportOptions {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    pub lang: Option<String>,
    pub slug: Option<String>,
    pub date: Option<String>,
    pub force: bool,
}

pub struct ImportReport {
    /// What was recognized, for the terminal.
    pub summary: String,
    pub diagnostics: Diagnostics,
}

pub fn run(opts: &ImportOptions) -> Result<ImportReport, Failure> {
    let _ = opts;
    Err(Failure::from(Diagnostics::new()))
}
