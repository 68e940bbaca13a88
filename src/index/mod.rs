//! Stage 4, index: the search index of the linked site.

pub mod search;
