//! `entries.pack`: every entry of the build cache in one file, so that a
//! build reads (and a first build writes) one file instead of one per
//! source file.
//!
//! After the file's header, records follow one another: the entry's key (32
//! bytes), the payload's length and CRC-32 (4 bytes each, little-endian),
//! the payload. A build appends the entries it made; when more than half of
//! the file is entries no source uses any more, the live ones are copied to
//! a new file that replaces the old one. Where each record is, is kept in the
//! state; without a state the records are found by walking the file, which
//! stops at the first incomplete one (an append that was interrupted).

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{header, header_problem, Key};

/// Where a record's payload is in the file, and its length.
pub type Slot = (u64, u32);

const RECORD_HEAD: usize = 32 + 4 + 4;

/// An open pack.
pub struct Pack {
    path: PathBuf,
    /// The file, mapped: a build reads most of it, and a map neither copies
    /// the bytes nor needs fresh memory for them.
    map: Option<memmap2::Mmap>,
    /// Key → its record.
    pub index: HashMap<Key, Slot>,
    /// Bytes of the file.
    len: u64,
    /// Set when the file is not usable at all: it is written afresh.
    discard: bool,
}

/// Why a record could not be used.
pub enum Bad {
    Damaged,
    Missing,
}

impl Pack {
    /// Opens the pack at `path`; `index` is where the state says records are.
    /// `Err` says why the whole file is unusable (it is then replaced).
    pub fn open(
        path: &Path,
        program: &Key,
        index: Option<HashMap<Key, Slot>>,
    ) -> (Pack, Option<&'static str>) {
        let mut pack = Pack {
            path: path.to_path_buf(),
            map: None,
            index: HashMap::new(),
            len: 0,
            discard: false,
        };
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (pack, None),
            Err(_) => {
                pack.discard = true;
                return (pack, Some("cannot be read"));
            }
        };
        let expected = header(program);
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        // SAFETY: brief writes the pack only while it holds the cache's lock,
        // which this build holds, and only appends to it or replaces it by a
        // rename: the mapped bytes do not change while they are read. (Bytes
        // another program changed are caught by the checksums.)
        let map = (len >= expected.len() as u64)
            .then(|| unsafe { memmap2::Mmap::map(&file) }.ok())
            .flatten();
        let problem = match &map {
            None => Some("is not a brief cache file"),
            Some(m) => header_problem(m, program),
        };
        if problem.is_some() {
            pack.discard = true;
            return (pack, problem);
        }
        let map = map.expect("checked above");
        pack.len = map.len() as u64;
        pack.index = match index {
            Some(index) => index,
            None => walk(&map, expected.len()),
        };
        pack.map = Some(map);
        (pack, None)
    }

    /// The payload of the record of `key`, checked.
    pub fn get(&self, key: &Key) -> Result<Option<&[u8]>, Bad> {
        let Some(&(at, len)) = self.index.get(key) else {
            return Ok(None);
        };
        let map = self.map.as_ref().ok_or(Bad::Missing)?;
        let start = at.checked_sub(RECORD_HEAD as u64).ok_or(Bad::Damaged)? as usize;
        let end = at as usize + len as usize;
        if end > map.len() {
            return Err(Bad::Missing);
        }
        let (head, payload) = map[start..end].split_at(RECORD_HEAD);
        if &head[..32] != key
            || head[32..36] != len.to_le_bytes()
            || head[36..40] != crc32fast::hash(payload).to_le_bytes()
        {
            return Err(Bad::Damaged);
        }
        Ok(Some(payload))
    }

    /// Starts writing: records not in `live` are dropped, records are added
    /// with [`Writer::add`]. When the file holds more dead bytes than live
    /// ones (or is unusable), the live records are copied to a new file that
    /// replaces it at [`Writer::finish`]; otherwise new records are appended
    /// (an interrupted append leaves an incomplete last record, which walking
    /// the file ignores and no state names).
    pub fn writer(mut self, program: &Key, live: &HashSet<Key>) -> std::io::Result<Writer> {
        self.index.retain(|k, _| live.contains(k));
        let head = header(program);
        let kept: u64 = self
            .index
            .values()
            .map(|(_, l)| u64::from(*l) + RECORD_HEAD as u64)
            .sum();
        let garbage = self.len.saturating_sub(kept + head.len() as u64);
        if !self.discard && self.map.is_some() && garbage <= kept {
            let file = std::fs::OpenOptions::new().append(true).open(&self.path)?;
            return Ok(Writer {
                out: std::io::BufWriter::new(file),
                fresh: None,
                at: self.len,
                index: self.index,
                path: self.path,
            });
        }
        let dir = self.path.parent().expect("the pack is in a folder");
        let (file, tmp) = tempfile::NamedTempFile::new_in(dir)?.into_parts();
        let mut w = Writer {
            out: std::io::BufWriter::new(file),
            fresh: Some(tmp),
            at: 0,
            index: HashMap::new(),
            path: self.path.clone(),
        };
        w.out.write_all(&head)?;
        w.at = head.len() as u64;
        let mut keys: Vec<&Key> = self.index.keys().collect();
        keys.sort_by_key(|k| self.index[*k].0);
        for key in keys {
            if let Ok(Some(payload)) = self.get(key) {
                w.add(*key, payload)?;
            }
        }
        Ok(w)
    }
}

/// Writes records into a pack; see [`Pack::writer`].
pub struct Writer {
    out: std::io::BufWriter<File>,
    /// The new file, when the pack is written afresh.
    fresh: Option<tempfile::TempPath>,
    at: u64,
    index: HashMap<Key, Slot>,
    path: PathBuf,
}

impl Writer {
    pub fn add(&mut self, key: Key, payload: &[u8]) -> std::io::Result<()> {
        let mut head = [0u8; RECORD_HEAD];
        head[..32].copy_from_slice(&key);
        head[32..36].copy_from_slice(&(payload.len() as u32).to_le_bytes());
        head[36..].copy_from_slice(&crc32fast::hash(payload).to_le_bytes());
        self.out.write_all(&head)?;
        self.out.write_all(payload)?;
        self.at += RECORD_HEAD as u64;
        self.index.insert(key, (self.at, payload.len() as u32));
        self.at += payload.len() as u64;
        Ok(())
    }

    /// Where every record is, once they are all on disk.
    pub fn finish(self) -> std::io::Result<HashMap<Key, Slot>> {
        self.out.into_inner().map_err(|e| e.into_error())?;
        if let Some(tmp) = self.fresh {
            tmp.persist(&self.path).map_err(|e| e.error)?;
        }
        Ok(self.index)
    }
}

/// The records of a pack found by walking it from `start`.
fn walk(map: &[u8], start: usize) -> HashMap<Key, Slot> {
    let mut index = HashMap::new();
    let mut at = start;
    while at + RECORD_HEAD <= map.len() {
        let head = &map[at..at + RECORD_HEAD];
        let n = u32::from_le_bytes(head[32..36].try_into().unwrap());
        let payload_at = at + RECORD_HEAD;
        if payload_at + n as usize > map.len() {
            break;
        }
        index.insert(head[..32].try_into().unwrap(), (payload_at as u64, n));
        at = payload_at + n as usize;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Key {
        [n; 32]
    }

    fn write(
        pack: Pack,
        program: &Key,
        new: impl IntoIterator<Item = (Key, Vec<u8>)>,
        live: &HashSet<Key>,
    ) -> HashMap<Key, Slot> {
        let mut w = pack.writer(program, live).unwrap();
        for (k, p) in new {
            w.add(k, &p).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn appends_compacts_and_walks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entries.pack");
        let program = key(9);
        let payload = |n: u8| vec![n; 100 + n as usize];
        let live: HashSet<Key> = (1..=3).map(key).collect();
        let (pack, problem) = Pack::open(&path, &program, None);
        assert!(problem.is_none());
        let index = write(pack, &program, (1..=3).map(|n| (key(n), payload(n))), &live);
        let size = std::fs::metadata(&path).unwrap().len();

        // Appending keeps the records already written where they are.
        let (pack, _) = Pack::open(&path, &program, Some(index));
        let live: HashSet<Key> = [1, 2, 3, 4].map(key).into();
        let index = write(pack, &program, [(key(4), payload(4))], &live);
        let appended = std::fs::metadata(&path).unwrap().len();
        assert_eq!(appended, size + 40 + payload(4).len() as u64);

        // Walking the file finds the same records as the index says.
        let (walked, _) = Pack::open(&path, &program, None);
        assert_eq!(walked.index, index);
        for n in 1..=4 {
            assert_eq!(walked.get(&key(n)).ok().flatten(), Some(&payload(n)[..]));
        }

        // Once dead records outweigh live ones, the file is rewritten.
        let live: HashSet<Key> = [4, 5].map(key).into();
        let index = write(walked, &program, [(key(5), payload(5))], &live);
        let (pack, _) = Pack::open(&path, &program, Some(index));
        assert_eq!(pack.index.len(), 2);
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            header(&program).len() as u64 + 80 + payload(4).len() as u64 + payload(5).len() as u64
        );
        assert_eq!(pack.get(&key(5)).ok().flatten(), Some(&payload(5)[..]));
        assert!(pack.get(&key(1)).ok().flatten().is_none());

        // A record cut short is not found by walking; a damaged one is refused.
        let mut bytes = std::fs::read(&path).unwrap();
        let len = bytes.len();
        bytes.truncate(len - 10);
        let at = header(&program).len() + 40 + 3;
        bytes[at] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let (pack, _) = Pack::open(&path, &program, None);
        assert_eq!(pack.index.len(), 1);
        assert!(matches!(pack.get(&key(4)), Err(Bad::Damaged)));

        // Another program's pack is refused whole.
        let (pack, problem) = Pack::open(&path, &key(8), None);
        assert_eq!(problem, Some("was written by another version of brief"));
        assert!(pack.index.is_empty());
    }
}
