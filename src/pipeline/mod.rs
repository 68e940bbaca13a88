//! The driver: runs the stages for every command (`build`, `check`, serve's incremental rebuilds).

pub mod build;
pub mod cache;
pub mod incremental;
pub mod session;
