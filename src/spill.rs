//! Spill: bytes a build makes early and needs late (page bodies, the search index's page
//! documents), written to one unnamed file while the build runs instead of being held in
//! memory from the parse to the render. A large handbook's bodies are most of what a build
//! would otherwise hold (900 MB of HTML at 100,000 pages).
//!
//! The file is made inside the build's temporary output folder and unlinked at once where the
//! system allows it (Unix), so it never shows in the output, nor survives the process. Writes
//! and reads take positions (`pwrite`/`pread`), so the parallel parse and render never wait on
//! one another. An I/O error is remembered, not thrown: reads then give nothing, and the
//! session reports the error, which fails the build before anything is moved into place.
//!
//! Values spilled as lists ([`List`]: references, headings, search term records) are encoded
//! with the LEB128 varints of [`Varint`] and [`Reader`], the one varint encoding of the
//! project (the search index's files use it too).

use std::borrow::Cow;
use std::fs::File;
use std::ops::Range;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The file, and where its next bytes go.
#[derive(Debug)]
pub struct Spill {
    file: File,
    end: AtomicU64,
    failure: Mutex<Option<String>>,
}

impl Spill {
    /// Spills into `file`, which must be empty, opened to read and write.
    pub fn new(file: File) -> Arc<Spill> {
        Arc::new(Spill {
            file,
            end: AtomicU64::new(0),
            failure: Mutex::new(None),
        })
    }

    /// Writes `bytes`; returns where they are, or None after an I/O error (remembered).
    fn put(&self, bytes: &[u8]) -> Option<u64> {
        let at = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        match write_at(&self.file, bytes, at) {
            Ok(()) => Some(at),
            Err(e) => {
                self.fail(format!("cannot write the build's temporary file: {e}"));
                None
            }
        }
    }

    /// `len` bytes from `at` (empty after an I/O error, which is remembered).
    fn get(&self, at: u64, len: usize) -> Vec<u8> {
        let mut bytes = vec![0; len];
        match read_at(&self.file, &mut bytes, at) {
            Ok(()) => bytes,
            Err(e) => {
                self.fail(format!("cannot read the build's temporary file: {e}"));
                Vec::new()
            }
        }
    }

    fn fail(&self, message: String) {
        let mut failure = self.failure.lock().expect("spill lock");
        failure.get_or_insert(message);
    }

    /// The first I/O error met, if any.
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().expect("spill lock").clone()
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.end.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut at: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, bytes, at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &File, mut bytes: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, bytes, at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        bytes = &mut bytes[n..];
        at += n as u64;
    }
    Ok(())
}

/// Bytes held in memory, or spilled.
#[derive(Debug, Clone)]
pub enum Spilled<T> {
    Held(T),
    Out {
        spill: Arc<Spill>,
        at: u64,
        len: u32,
    },
}

impl<T: AsRef<[u8]>> Spilled<T> {
    /// Spills `value` when there is a spill (and it takes it), else holds it.
    pub fn into(value: T, spill: Option<&Arc<Spill>>) -> Spilled<T> {
        let bytes = value.as_ref();
        match spill {
            Some(spill) if u32::try_from(bytes.len()).is_ok() => match spill.put(bytes) {
                Some(at) => Spilled::Out {
                    spill: spill.clone(),
                    at,
                    len: bytes.len() as u32,
                },
                None => Spilled::Held(value),
            },
            _ => Spilled::Held(value),
        }
    }

    /// Spills a held value (when there is a spill).
    pub fn spill(&mut self, spill: Option<&Arc<Spill>>)
    where
        T: Default,
    {
        if spill.is_some()
            && let Spilled::Held(value) = self
        {
            *self = Spilled::into(std::mem::take(value), spill);
        }
    }

    /// A new value in the same place as this one: spilled to the same file, or held.
    pub fn beside(&self, value: T) -> Spilled<T> {
        match self {
            Spilled::Held(_) => Spilled::Held(value),
            Spilled::Out { spill, .. } => Spilled::into(value, Some(spill)),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Spilled::Held(value) => value.as_ref().len(),
            Spilled::Out { len, .. } => *len as usize,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes in `range` (clamped to the value).
    pub fn bytes(&self, range: Range<usize>) -> Cow<'_, [u8]> {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        match self {
            Spilled::Held(value) => Cow::Borrowed(&value.as_ref()[start..end]),
            Spilled::Out { spill, at, .. } => Cow::Owned(spill.get(at + start as u64, end - start)),
        }
    }

    /// All the bytes.
    pub fn all(&self) -> Cow<'_, [u8]> {
        self.bytes(0..self.len())
    }
}

/// A page body: HTML, held or spilled.
pub type Text = Spilled<String>;

impl Text {
    /// The text in `range` (byte offsets on character boundaries).
    pub fn text(&self, range: Range<usize>) -> Cow<'_, str> {
        match self.bytes(range) {
            Cow::Borrowed(b) => String::from_utf8_lossy(b),
            Cow::Owned(b) => match String::from_utf8(b) {
                Ok(s) => Cow::Owned(s),
                Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
            },
        }
    }

    /// All the text.
    pub fn all_text(&self) -> Cow<'_, str> {
        self.text(0..self.len())
    }
}

/// A value written as bytes into a [`List`].
pub trait Codec: Sized {
    fn encode(&self, out: &mut Vec<u8>);
    /// None when the bytes end or are not this value's.
    fn decode(from: &mut Reader<'_>) -> Option<Self>;
}

/// A list of values as one byte string (a few bytes a value instead of their structs and
/// strings), held or spilled, read back whole.
#[derive(Debug, Clone)]
pub struct List<T> {
    bytes: Spilled<Vec<u8>>,
    count: usize,
    of: std::marker::PhantomData<fn() -> T>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            bytes: Spilled::default(),
            count: 0,
            of: std::marker::PhantomData,
        }
    }
}

impl<T: Codec> List<T> {
    pub fn new(values: &[T]) -> List<T> {
        List {
            bytes: Spilled::Held(Self::encode_all(values)),
            count: values.len(),
            of: std::marker::PhantomData,
        }
    }

    fn encode_all(values: &[T]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for v in values {
            v.encode(&mut bytes);
        }
        bytes.shrink_to_fit();
        bytes
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The values, in order (fewer only if the spill could not be read: an error the build
    /// reports).
    pub fn read(&self) -> Vec<T> {
        if self.count == 0 {
            return Vec::new();
        }
        let bytes = self.bytes.all();
        let mut reader = Reader::new(&bytes);
        let mut values = Vec::with_capacity(self.count);
        while values.len() < self.count {
            match T::decode(&mut reader) {
                Some(v) => values.push(v),
                None => break,
            }
        }
        values
    }

    /// Moves the bytes to the spill (when there is one).
    pub fn spill(&mut self, spill: Option<&Arc<Spill>>) {
        self.bytes.spill(spill);
    }

    /// Other values in the same place as these: spilled to the same file, or held.
    pub fn beside(&self, values: &[T]) -> List<T> {
        List {
            bytes: self.bytes.beside(Self::encode_all(values)),
            count: values.len(),
            of: std::marker::PhantomData,
        }
    }
}

/// Appends unsigned LEB128 varints (also the search index's encoding).
pub trait Varint {
    fn put_varint(&mut self, value: u64);
    /// A varint byte length, then the UTF-8 bytes.
    fn put_str(&mut self, text: &str);
    /// 0 for none, else the length plus one, then the bytes.
    fn put_opt(&mut self, text: Option<&str>);
}

impl Varint for Vec<u8> {
    fn put_varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.push(value as u8);
    }

    fn put_str(&mut self, text: &str) {
        self.put_varint(text.len() as u64);
        self.extend_from_slice(text.as_bytes());
    }

    fn put_opt(&mut self, text: Option<&str>) {
        match text {
            None => self.push(0),
            Some(t) => {
                self.put_varint(t.len() as u64 + 1);
                self.extend_from_slice(t.as_bytes());
            }
        }
    }
}

/// Reads what [`Varint`] wrote.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    pub fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    pub fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            value |= u64::from(b & 0x7F).checked_shl(shift)?;
            if b < 0x80 {
                return Some(value);
            }
            shift += 7;
        }
    }

    fn bytes(&mut self, len: usize) -> Option<&'a [u8]> {
        let bytes = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(bytes)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.varint()?).ok()?;
        std::str::from_utf8(self.bytes(len)?).ok()
    }

    /// A string [`Varint::put_opt`] wrote.
    pub fn opt(&mut self) -> Option<Option<&'a str>> {
        match self.varint()? {
            0 => Some(None),
            n => {
                let len = usize::try_from(n - 1).ok()?;
                std::str::from_utf8(self.bytes(len)?).ok().map(Some)
            }
        }
    }

    /// A length, then that many bytes (as [`Varint::put_str`] writes any bytes).
    pub fn blob(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.varint()?).ok()?;
        self.bytes(len)
    }
}

impl<T: Default> Default for Spilled<T> {
    fn default() -> Self {
        Spilled::Held(T::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spill() -> Arc<Spill> {
        Spill::new(tempfile::tempfile().unwrap())
    }

    #[test]
    fn spilled_text_reads_back_whole_and_in_part() {
        let spill = spill();
        let a = Text::into("first body: é".to_string(), Some(&spill));
        let b = Text::into("<p>second</p>".to_string(), Some(&spill));
        assert!(matches!(a, Spilled::Out { .. }));
        assert_eq!(a.all_text(), "first body: é");
        assert_eq!(b.all_text(), "<p>second</p>");
        assert_eq!(b.text(3..9), "second");
        assert_eq!(b.text(3..900), "second</p>");
        assert_eq!(spill.len(), ("first body: é".len() + 13) as u64);
        assert!(spill.failure().is_none());
    }

    #[test]
    fn without_a_spill_text_is_held() {
        let held = Text::into("kept".to_string(), None);
        assert!(matches!(held, Spilled::Held(_)));
        assert_eq!(held.text(1..3), "ep");
    }

    #[test]
    fn parallel_writes_do_not_overlap() {
        use rayon::prelude::*;
        let spill = spill();
        let texts: Vec<Text> = (0..500)
            .into_par_iter()
            .map(|i| Text::into(format!("page {i} ").repeat(i % 7 + 1), Some(&spill)))
            .collect();
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(t.all_text(), format!("page {i} ").repeat(i % 7 + 1));
        }
    }
}
