//! Byte encodings of the index: LEB128 varints, raw deflate, base64.

use libdeflater::{CompressionLvl, Compressor};

/// The varints are the spill's (one encoding for both).
pub use crate::spill::{Reader, Varint};

/// Raw deflate (no zlib or gzip header), as the browser's `DecompressionStream("deflate-raw")`
/// reads it, at libdeflate's fastest level: higher levels make the shards (varints, little
/// redundancy) under 0.5% smaller and the page documents about 10% smaller, at twice the time
/// (BENCHMARKS.md, "Search").
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    // A compressor's tables are costly to set up, so each thread keeps one, and an output
    // buffer it reuses (a fresh zeroed buffer per page was a tenth of the search's time).
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<(Compressor, Vec<u8>)> = std::cell::RefCell::new((
            Compressor::new(CompressionLvl::new(1).expect("level 1 exists")),
            Vec::new(),
        ));
    }
    COMPRESSOR.with_borrow_mut(|(c, buffer)| {
        let bound = c.deflate_compress_bound(bytes.len());
        if buffer.len() < bound {
            buffer.resize(bound, 0);
        }
        let n = c
            .deflate_compress(bytes, buffer)
            .expect("the bound leaves room");
        // Exactly sized: page documents are kept until their page is rendered.
        buffer[..n].to_vec()
    })
}

/// Raw inflate, for tests that read the index back.
#[cfg(test)]
pub fn inflate(packed: &[u8]) -> Vec<u8> {
    let mut d = libdeflater::Decompressor::new();
    let mut size = packed.len() * 4 + 1024;
    loop {
        let mut out = vec![0; size];
        match d.deflate_decompress(packed, &mut out) {
            Ok(n) => {
                out.truncate(n);
                return out;
            }
            Err(libdeflater::DecompressionError::InsufficientSpace) => size *= 2,
            Err(e) => panic!("not raw deflate: {e:?}"),
        }
    }
}

/// Decodes standard base64 (padding optional), or `None` if `text` is not base64. Reads the
/// PDFs Chromium sends over the DevTools protocol, and the index back in tests.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let text = text.as_bytes();
    let body = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if body.len() % 4 == 1 || (body.len() < text.len() && !text.len().is_multiple_of(4)) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= u32::from(value(c)?) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    Some(out)
}

/// Decodes standard base64, for tests that read the index back.
#[cfg(test)]
pub fn unbase64(text: &str) -> Vec<u8> {
    decode_base64(text).expect("base64")
}

#[cfg(test)]
/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    base64_into(bytes, &mut out);
    String::from_utf8(out).expect("base64 is ASCII")
}

/// Appends the base64 of `bytes` to `out` (the index's largest loop after compression).
pub fn base64_into(bytes: &[u8], out: &mut Vec<u8>) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextet = |n: u32, shift: u32| ALPHABET[((n >> shift) & 63) as usize];
    out.reserve(bytes.len().div_ceil(3) * 4);
    let chunks = bytes.chunks_exact(3);
    let rest = chunks.remainder();
    for c in chunks {
        let n = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
        out.extend_from_slice(&[sextet(n, 18), sextet(n, 12), sextet(n, 6), sextet(n, 0)]);
    }
    match *rest {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend_from_slice(&[sextet(n, 18), sextet(n, 12), b'=', b'=']);
        }
        [a, b] => {
            let n = (u32::from(a) << 16) | (u32::from(b) << 8);
            out.extend_from_slice(&[sextet(n, 18), sextet(n, 12), sextet(n, 6), b'=']);
        }
        _ => {}
    }
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
        assert_eq!(base64(&[0xFB, 0xFF, 0xBF, 0x00]), "+/+/AA==");
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37) ^ 0xA5).collect();
            assert_eq!(unbase64(&base64(&bytes)), bytes);
            assert_eq!(
                decode_base64(base64(&bytes).trim_end_matches('=')),
                Some(bytes)
            );
        }
        for bad in [
            "Zg=", "Z", "Zm9v!", "Zm9vY", "Z===", "Zm 9v", "=", "Zg==Zg==",
        ] {
            assert_eq!(decode_base64(bad), None, "{bad}");
        }
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
        assert_eq!(inflate(&packed), text);
        assert_eq!(inflate(&deflate(b"")), b"");
    }
}
