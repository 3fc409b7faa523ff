//! The EPUB's ZIP container (EPUB 3 Open Container Format): `mimetype` first and stored
//! uncompressed (so that its bytes sit at a known place at the start of the file), then
//! `META-INF/container.xml` naming the package document, then the entries in the order given,
//! deflated. Every entry has the same fixed time (ZIP's earliest, 1980-01-01 00:00) and the
//! same permissions, so that the same book makes the same bytes.

use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

/// Where the package document is, inside the container.
pub const PACKAGE: &str = "EPUB/package.opf";

/// An EPUB being written, in memory.
pub struct Container {
    zip: ZipWriter<Cursor<Vec<u8>>>,
}

fn options(method: CompressionMethod) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

impl Container {
    /// A container holding the `mimetype` and `container.xml` entries.
    pub fn new() -> Result<Container, String> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let fail = |e: &dyn std::fmt::Display| format!("cannot write the EPUB: {e}");
        zip.start_file("mimetype", options(CompressionMethod::Stored))
            .map_err(|e| fail(&e))?;
        zip.write_all(b"application/epub+zip")
            .map_err(|e| fail(&e))?;
        let mut container = Container { zip };
        container.add(
            "META-INF/container.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                 <container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n\
                 <rootfiles>\n\
                 <rootfile full-path=\"{PACKAGE}\" media-type=\"application/oebps-package+xml\"/>\n\
                 </rootfiles>\n\
                 </container>\n"
            )
            .as_bytes(),
        )?;
        Ok(container)
    }

    /// Adds an entry, deflated.
    pub fn add(&mut self, path: &str, data: &[u8]) -> Result<(), String> {
        let fail = |e: &dyn std::fmt::Display| format!("cannot write {path} into the EPUB: {e}");
        self.zip
            .start_file(path, options(CompressionMethod::Deflated))
            .map_err(|e| fail(&e))?;
        self.zip.write_all(data).map_err(|e| fail(&e))
    }

    /// The finished file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        self.zip
            .finish()
            .map(Cursor::into_inner)
            .map_err(|e| format!("cannot finish the EPUB: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mimetype_is_first_and_stored_and_bytes_repeat() {
        let make = || {
            let mut c = Container::new().unwrap();
            c.add("EPUB/a.xhtml", b"<p>hello hello hello hello</p>")
                .unwrap();
            c.finish().unwrap()
        };
        let bytes = make();
        // Local file header, then (at 30) the name, then (at 38) the stored content.
        assert_eq!(&bytes[0..4], b"PK\x03\x04");
        assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 0, "stored");
        assert_eq!(
            u16::from_le_bytes([bytes[28], bytes[29]]),
            0,
            "no extra field"
        );
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..58], b"application/epub+zip");
        assert_eq!(bytes, make());
    }
}
