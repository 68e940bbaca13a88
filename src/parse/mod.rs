//! Stage 2, parse: one source file → one `Article` (front-matter, body, disclosure).

pub mod aliases;
pub mod article;
pub mod callout;
pub mod disclosure;
pub mod frontmatter;
pub mod highlight;
pub mod link_dest;
pub mod markdown;
pub mod markers;
pub mod script;
pub mod smart;
pub mod values;
