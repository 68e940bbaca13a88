//! The only module that names the YAML crate.
//!
//! serde_yaml's last release is marked deprecated. Every YAML parse in `brief`
//! goes through this module, so a maintained fork with the same API (for
//! example `serde_norway`) replaces it by changing the `use` line below.

use serde::de::DeserializeOwned;

use serde_yaml as backend;

pub use backend::{Mapping, Value};

/// A YAML error with its 1-based position inside the YAML text, and the message
/// without serde_yaml's own " at line X column Y" suffix.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl From<backend::Error> for YamlError {
    fn from(e: backend::Error) -> Self {
        let loc = e.location();
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        YamlError {
            message,
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
        }
    }
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    backend::from_str(text).map_err(YamlError::from)
}

pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, YamlError> {
    backend::from_value(value).map_err(YamlError::from)
}

pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    backend::to_string(value).map_err(YamlError::from)
}
