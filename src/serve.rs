//! `brief serve`: build, serve the output on loopback, rebuild on change.

use std::net::IpAddr;

use crate::build::BuildOptions;

pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    pub port: u16,
}

pub fn run(opts: ServeOptions) -> Result<(), String> {
    let _ = opts;
    Err("serve is being written".into())
}
