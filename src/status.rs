//! `brief status`: the translation matrix and locale coverage.

use std::path::Path;

use crate::build::Failure;
use crate::diag::Diagnostics;

pub struct StatusReport {}

impl StatusReport {
    pub fn to_text(&self) -> String {
        String::new()
    }
    pub fn to_json(&self) -> String {
        String::new()
    }
}

pub fn status(root: &Path) -> Result<StatusReport, Failure> {
    let _ = root;
    Err(Failure::from(Diagnostics::new()))
}
