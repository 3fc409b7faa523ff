//! Byte encodings of the index: LEB128 varints, raw deflate, base64.

use flate2::{Compress, Compression, FlushCompress};

/// Appends unsigned LEB128 varints.
pub trait Varint {
    fn put_varint(&mut self, value: u64);
    fn put_str(&mut self, text: &str);
}

impl Varint for Vec<u8> {
    fn put_varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.push(value as u8);
    }

    /// A varint byte length, then the UTF-8 bytes.
    fn put_str(&mut self, text: &str) {
        self.put_varint(text.len() as u64);
        self.extend_from_slice(text.as_bytes());
    }
}

/// Reads varints back.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    pub fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(byte & 0x7F) << shift;
            if byte < 0x80 {
                return Some(value);
            }
            shift += 7;
        }
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let len = self.varint()? as usize;
        let bytes = self.bytes.get(self.at..self.at + len)?;
        self.at += len;
        std::str::from_utf8(bytes).ok()
    }
}

/// Raw deflate (no zlib or gzip header), as the browser's `DecompressionStream("deflate-raw")`
/// reads it.
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    // A compressor's tables are large to set up, so each thread keeps one and resets it.
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::new(LEVEL), false));
    }
    COMPRESSOR.with_borrow_mut(|c| {
        c.reset();
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        loop {
            let consumed = c.total_in() as usize;
            let status = c
                .compress_vec(&bytes[consumed..], &mut out, FlushCompress::Finish)
                .expect("compressing in memory");
            if status == flate2::Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(1024));
        }
    })
}

/// Compression level: the fastest; a build spends more time here than anywhere else in search.
const LEVEL: u32 = 1;

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut bytes = Vec::new();
        for v in [0u64, 1, 127, 128, 300, 1 << 40] {
            bytes.put_varint(v);
        }
        bytes.put_str("légitimité");
        assert_eq!(bytes[..4], [0, 1, 127, 0x80]);
        let mut r = Reader::new(&bytes);
        let back: Vec<u64> = (0..6).map(|_| r.varint().unwrap()).collect();
        assert_eq!(back, [0, 1, 127, 128, 300, 1 << 40]);
        assert_eq!(r.str(), Some("légitimité"));
        assert_eq!(r.varint(), None);
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xFF, 0xEE]), "/+4=");
    }

    #[test]
    fn deflate_round_trips() {
        let text = b"consent consent consent impartiality".repeat(20);
        let packed = deflate(&text);
        assert!(packed.len() < text.len() / 4);
        assert_eq!(
            deflate(&text),
            packed,
            "a reused compressor gives the same bytes"
        );
        let mut out = Vec::new();
        use std::io::Write;
        flate2::write::DeflateDecoder::new(&mut out)
            .write_all(&packed)
            .unwrap();
        assert_eq!(out, text);
    }
}
