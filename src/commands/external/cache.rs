//! The answers of `check --external`, kept in `.brief/external.json` in the
//! site root: per URL, when it was fetched and what it answered. An answer
//! younger than `--max-age` is used instead of fetching again; timeouts,
//! failed connections and 5xx are not kept (they are asked again next
//! time). The file is replaced in one step (written beside it, then
//! renamed), and one that cannot be read is ignored with a warning.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::fetch::Probe;

/// The cache file, relative to the site root.
pub const REL_PATH: &str = ".brief/external.json";
/// The format of the file; another version is read as empty.
const VERSION: u32 = 1;

pub fn path(root: &Path) -> PathBuf {
    root.join(REL_PATH)
}

/// Seconds since 1970.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    /// When it was fetched, in seconds since 1970.
    checked: u64,
    #[serde(flatten)]
    probe: Probe,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cache {
    version: u32,
    /// URL → its last lasting answer.
    urls: BTreeMap<String, Entry>,
    /// Answers of this run that are not kept (timeouts, 5xx).
    #[serde(skip)]
    passing: BTreeMap<String, Probe>,
}

impl Cache {
    /// The cache at `path`: empty when there is none, an error (why) when
    /// the file is there but unreadable.
    pub fn read(path: &Path) -> Result<Cache, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Cache::new()),
            Err(e) => return Err(e.to_string()),
        };
        let cache: Cache = serde_json::from_str(&text).map_err(|e| format!("invalid: {e}"))?;
        if cache.version != VERSION {
            return Err(format!("format version {}, not {VERSION}", cache.version));
        }
        Ok(cache)
    }

    fn new() -> Cache {
        Cache {
            version: VERSION,
            ..Cache::default()
        }
    }

    /// The cached answer for `url` if it is younger than `max_age`.
    pub fn fresh(&self, url: &str, now: u64, max_age: Duration) -> Option<&Probe> {
        self.urls
            .get(url)
            .filter(|e| {
                e.checked <= now && now - e.checked < max_age.as_secs().max(1) && !max_age.is_zero()
            })
            .map(|e| &e.probe)
    }

    /// Records this run's answer for `url`.
    pub fn record(&mut self, url: &str, now: u64, probe: Probe) {
        if probe.is_lasting() {
            self.passing.remove(url);
            self.urls.insert(
                url.to_string(),
                Entry {
                    checked: now,
                    probe,
                },
            );
        } else {
            self.urls.remove(url);
            self.passing.insert(url.to_string(), probe);
        }
    }

    /// The answer for `url`: this run's, else the cached one.
    pub fn get(&self, url: &str) -> Option<&Probe> {
        self.passing
            .get(url)
            .or_else(|| self.urls.get(url).map(|e| &e.probe))
    }

    /// Keeps only the URLs for which `keep` holds (those still cited).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.urls.retain(|u, _| keep(u));
    }

    /// Writes the cache to `path` in one step: a temporary file in the same
    /// folder, renamed over the old one.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let dir = path.parent().expect("a file in .brief/");
        std::fs::create_dir_all(dir)?;
        let mut text = serde_json::to_string_pretty(&Cache {
            version: VERSION,
            urls: self.urls.clone(),
            passing: BTreeMap::new(),
        })
        .expect("plain data");
        text.push('\n');
        let mut tmp = tempfile::Builder::new()
            .prefix(".external-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::external::Outcome;

    fn ok(status: u16) -> Probe {
        Probe {
            outcome: Outcome::Status(status),
            final_url: None,
            moved_to: None,
        }
    }

    #[test]
    fn ages_and_lasting_answers() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path());
        let mut c = Cache::read(&p).unwrap();
        c.record("https://a/", 1000, ok(200));
        c.record("https://b/", 1000, ok(503));
        c.write(&p).unwrap();
        let c = Cache::read(&p).unwrap();
        let day = Duration::from_secs(86400);
        assert_eq!(c.fresh("https://a/", 1000 + 86399, day), Some(&ok(200)));
        assert_eq!(c.fresh("https://a/", 1000 + 86400, day), None);
        assert_eq!(c.fresh("https://a/", 1000, Duration::ZERO), None);
        assert_eq!(c.fresh("https://b/", 1000, day), None);
        std::fs::write(&p, "{not json").unwrap();
        assert!(Cache::read(&p).is_err());
    }
}
