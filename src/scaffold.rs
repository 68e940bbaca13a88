//! `brief new` and `brief translate`: write article skeletons.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

pub fn new_article(
    root: &Path,
    lang: &str,
    slug: &str,
    force: bool,
) -> Result<PathBuf, Diagnostic> {
    let _ = (root, lang, slug, force);
    Err(Diagnostic::error("unimplemented", "new is being written"))
}

pub fn translate(
    root: &Path,
    slug: &str,
    to: &str,
    from: Option<&str>,
    force: bool,
) -> Result<PathBuf, Diagnostic> {
    let _ = (root, slug, to, from, force);
    Err(Diagnostic::error(
        "unimplemented",
        "translate is being written",
    ))
}
