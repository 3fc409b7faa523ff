//! A page's references and headings as byte strings ([`crate::spill::List`]): a build reads
//! them when it resolves the site and when it renders a page, so they can be spilled with the
//! body instead of held for every page (at 100,000 pages they were 158 and 74 MB of the
//! parse's heap).

use super::{Heading, Ref, RefTarget};
use crate::diagnostics::Pos;
use crate::spill::{Codec, List, Reader, Varint};

/// A page's references, encoded, held or spilled.
pub type Refs = List<Ref>;

/// A page's headings, encoded, held or spilled.
pub type Headings = List<Heading>;

impl Codec for Ref {
    fn encode(&self, out: &mut Vec<u8>) {
        match &self.target {
            RefTarget::Id { id, anchor } => {
                out.push(0);
                out.put_str(id);
                out.put_opt(anchor.as_deref());
            }
            RefTarget::File {
                path,
                anchor,
                written,
            } => {
                out.push(1);
                out.put_str(path);
                out.put_opt(anchor.as_deref());
                out.put_str(written);
            }
        }
        out.put_varint(self.pos.line as u64);
        out.put_varint(self.pos.column as u64);
        out.put_varint(self.block.map_or(0, |b| b as u64 + 1));
        out.push(u8::from(self.has_text));
        out.put_opt(self.title.as_deref());
    }

    fn decode(r: &mut Reader<'_>) -> Option<Ref> {
        let target = match r.byte()? {
            0 => RefTarget::Id {
                id: r.str()?.to_string(),
                anchor: r.opt()?.map(str::to_string),
            },
            _ => RefTarget::File {
                path: r.str()?.to_string(),
                anchor: r.opt()?.map(str::to_string),
                written: r.str()?.to_string(),
            },
        };
        let pos = Pos {
            line: r.varint()? as usize,
            column: r.varint()? as usize,
        };
        let block = match r.varint()? {
            0 => None,
            b => Some(b as usize - 1),
        };
        let has_text = r.byte()? != 0;
        let title = r.opt()?.map(str::to_string);
        Some(Ref {
            target,
            pos,
            block,
            has_text,
            title,
        })
    }
}

impl Codec for Heading {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.level);
        out.put_str(&self.anchor);
        out.put_str(&self.text);
    }

    fn decode(r: &mut Reader<'_>) -> Option<Heading> {
        Some(Heading {
            level: r.byte()?,
            anchor: r.str()?.to_string(),
            text: r.str()?.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spill::Spill;

    fn sample() -> Vec<Ref> {
        vec![
            Ref {
                target: RefTarget::Id {
                    id: "lessons/1.3-principles".into(),
                    anchor: Some("key-message-2".into()),
                },
                pos: Pos {
                    line: 12,
                    column: 300,
                },
                block: Some(0),
                has_text: false,
                title: None,
            },
            Ref {
                target: RefTarget::File {
                    path: "glossary/mandate.md".into(),
                    anchor: None,
                    written: "../glossary/mandate.md".into(),
                },
                pos: Pos { line: 1, column: 1 },
                block: None,
                has_text: true,
                title: Some("Le « mandat »".into()),
            },
            Ref {
                target: RefTarget::Id {
                    id: String::new(),
                    anchor: Some(String::new()),
                },
                pos: Pos { line: 0, column: 0 },
                block: Some(200),
                has_text: true,
                title: Some(String::new()),
            },
        ]
    }

    fn same(a: &[Ref], b: &[Ref]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                x.target == y.target
                    && x.pos == y.pos
                    && x.block == y.block
                    && x.has_text == y.has_text
                    && x.title == y.title
            })
    }

    #[test]
    fn references_read_back_as_they_were_written() {
        let refs = sample();
        let encoded = Refs::new(&refs);
        assert_eq!(encoded.len(), 3);
        assert!(same(&encoded.read(), &refs));
        assert!(Refs::new(&[]).read().is_empty());
        let headings = vec![
            Heading {
                level: 2,
                anchor: "why-it-matters".into(),
                text: "Why it matters".into(),
            },
            Heading {
                level: 6,
                anchor: "لماذا".into(),
                text: "لماذا؟".into(),
            },
        ];
        assert_eq!(Headings::new(&headings).read(), headings);
    }

    #[test]
    fn spilled_references_read_back_too() {
        let spill = Spill::new(tempfile::tempfile().unwrap());
        let refs = sample();
        let mut encoded = Refs::new(&refs);
        encoded.spill(Some(&spill));
        assert!(!spill.is_empty());
        assert!(same(&encoded.read(), &refs));
    }
}
