//! Stages 5 and 6, render and write: pages, feeds, metadata, the atomic output folder.

pub mod authors;
pub mod cite_this;
pub mod csl;
pub mod env;
pub mod feeds;
pub mod metadata;
pub mod page;
pub mod redirects;
pub mod references;
pub mod render;
pub mod toc;
pub mod view;
pub mod write;
