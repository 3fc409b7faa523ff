//! FNV-1a, 64 bits: the project's one hash that is the same on every machine and with every
//! compiler, for what is written down and compared later (an edition's `base_hash`, the PDFs'
//! manifest, an EPUB's identifiers and file names).

/// FNV-1a of `bytes`, its offset basis mixed with `seed` (0: plain FNV-1a).
pub fn hash(bytes: impl IntoIterator<Item = u8>, seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// [`hash`] of `bytes` with no seed, as 16 hex digits.
pub fn hex(bytes: impl IntoIterator<Item = u8>) -> String {
    format!("{:016x}", hash(bytes, 0))
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_values() {
        assert_eq!(super::hex([]), "cbf29ce484222325");
        assert_eq!(super::hex(*b"a"), "af63dc4c8601ec8c");
    }
}
