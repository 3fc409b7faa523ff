//! The PDF file Chromium printed, read and finished with `lopdf`: where each named destination
//! landed (the page a contents entry names), and the finishing touches Chromium does not make
//! — the outline (bookmarks) built from the page's own structure, the author, the language
//! (kept when Chromium set it) and a viewer that opens with the bookmarks shown. The tagged
//! structure Chromium wrote is kept as it is.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object, ObjectId, text_string};

/// One bookmark: the named destination it leads to, its level (1 at the top; deeper levels
/// nest under the last shallower entry before them) and its title.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct OutlineItem {
    pub dest: String,
    pub level: u32,
    pub title: String,
}

/// What goes into the finished PDF besides what Chromium wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Finish {
    pub outline: Vec<OutlineItem>,
    pub author: Option<String>,
    /// The document's language (`lang` of its `<html>`), for a PDF Chromium wrote without one.
    pub lang: Option<String>,
}

/// A printed PDF, parsed.
pub struct Pdf {
    doc: Document,
}

impl Pdf {
    pub fn parse(bytes: &[u8]) -> Result<Pdf, String> {
        Document::load_mem(bytes)
            .map(|doc| Pdf { doc })
            .map_err(|e| format!("cannot read the PDF Chromium printed: {e}"))
    }

    /// The page (from 1) of every named destination whose page is known.
    pub fn destination_pages(&self) -> HashMap<String, u32> {
        let pages: HashMap<ObjectId, u32> = self
            .doc
            .get_pages()
            .into_iter()
            .map(|(n, id)| (id, n))
            .collect();
        let mut found = HashMap::new();
        for (name, dest) in self.destinations() {
            if let Some(page) = dest_page(&self.doc, dest).and_then(|id| pages.get(&id)) {
                found.insert(name, *page);
            }
        }
        found
    }

    /// Every named destination: the catalog's `/Dests` dictionary (Chromium's) and the
    /// `/Names` tree's `/Dests`.
    fn destinations(&self) -> Vec<(String, &Object)> {
        let mut found = Vec::new();
        let Ok(catalog) = self.doc.catalog() else {
            return found;
        };
        if let Ok(dests) = catalog
            .get_deref(b"Dests", &self.doc)
            .and_then(Object::as_dict)
        {
            for (name, dest) in dests.iter() {
                found.push((String::from_utf8_lossy(name).into_owned(), dest));
            }
        }
        if let Ok(names) = catalog
            .get_deref(b"Names", &self.doc)
            .and_then(Object::as_dict)
            && let Ok(tree) = names
                .get_deref(b"Dests", &self.doc)
                .and_then(Object::as_dict)
        {
            name_tree(&self.doc, tree, &mut found, 0);
        }
        found
    }

    /// Writes the outline, author and language; returns the finished file.
    pub fn finish(mut self, finish: &Finish) -> Result<Vec<u8>, String> {
        let outlines = write_outline(&mut self.doc, &finish.outline);
        let info = self
            .doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .ok();
        let author = finish.author.as_deref().filter(|a| !a.trim().is_empty());
        if let Some(author) = author {
            match info.and_then(|id| self.doc.get_dictionary_mut(id).ok()) {
                Some(info) => info.set("Author", text_string(author)),
                None => {
                    let mut info = Dictionary::new();
                    info.set("Author", text_string(author));
                    let id = self.doc.add_object(info);
                    self.doc.trailer.set("Info", id);
                }
            }
        }
        let catalog = self
            .doc
            .catalog_mut()
            .map_err(|e| format!("the PDF Chromium printed has no catalog: {e}"))?;
        match outlines {
            Some(id) => {
                catalog.set("Outlines", id);
                catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
            }
            None => {
                catalog.remove(b"Outlines");
            }
        }
        if let Some(lang) = finish.lang.as_deref().filter(|l| !l.is_empty())
            && !catalog.has(b"Lang")
        {
            catalog.set("Lang", text_string(lang));
        }
        let mut out = Vec::new();
        self.doc
            .save_to(&mut out)
            .map_err(|e| format!("cannot write the finished PDF: {e}"))?;
        Ok(out)
    }
}

/// The entries of a name tree, depth first (at most a few levels: a tree is shallow).
fn name_tree<'a>(
    doc: &'a Document,
    node: &'a Dictionary,
    found: &mut Vec<(String, &'a Object)>,
    depth: u32,
) {
    if depth > 16 {
        return;
    }
    if let Ok(names) = node.get_deref(b"Names", doc).and_then(Object::as_array) {
        for pair in names.chunks(2) {
            if let [name, dest] = pair
                && let Ok(name) = name.as_str()
            {
                found.push((String::from_utf8_lossy(name).into_owned(), dest));
            }
        }
    }
    if let Ok(kids) = node.get_deref(b"Kids", doc).and_then(Object::as_array) {
        for kid in kids {
            if let Ok((_, kid)) = doc.dereference(kid)
                && let Ok(kid) = kid.as_dict()
            {
                name_tree(doc, kid, found, depth + 1);
            }
        }
    }
}

/// The page object a destination (`[page /XYZ ...]`, or a dictionary with `/D`) leads to.
fn dest_page(doc: &Document, dest: &Object) -> Option<ObjectId> {
    let (_, dest) = doc.dereference(dest).ok()?;
    let array = match dest {
        Object::Array(array) => array,
        Object::Dictionary(dict) => doc
            .dereference(dict.get(b"D").ok()?)
            .ok()?
            .1
            .as_array()
            .ok()?,
        _ => return None,
    };
    array.first()?.as_reference().ok()
}

/// Adds the outline's objects; returns the outline dictionary's id, or None when there are no
/// entries. Items whose destination the PDF lacks still get an entry (a viewer opens nothing).
fn write_outline(doc: &mut Document, items: &[OutlineItem]) -> Option<ObjectId> {
    if items.is_empty() {
        return None;
    }
    let root = doc.new_object_id();
    let ids: Vec<ObjectId> = items.iter().map(|_| doc.new_object_id()).collect();
    // Each item's parent (an earlier item of a lower level, or the root), then its children.
    let mut parent = vec![None; items.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&top| items[top].level >= item.level)
        {
            stack.pop();
        }
        parent[i] = stack.last().copied();
        stack.push(i);
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut top = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        match p {
            Some(p) => children[*p].push(i),
            None => top.push(i),
        }
    }
    // Every entry is shown open: /Count is the number of entries under it.
    let mut count = vec![0i64; items.len()];
    for i in (0..items.len()).rev() {
        count[i] = children[i].iter().map(|&c| 1 + count[c]).sum();
    }
    let link = |dict: &mut Dictionary, kids: &[usize]| {
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            dict.set("First", ids[first]);
            dict.set("Last", ids[last]);
        }
    };
    for (i, item) in items.iter().enumerate() {
        let siblings = match parent[i] {
            Some(p) => &children[p],
            None => &top,
        };
        let at = siblings
            .iter()
            .position(|&s| s == i)
            .expect("among its siblings");
        let mut dict = Dictionary::new();
        dict.set("Title", text_string(&item.title));
        dict.set("Parent", parent[i].map_or(root, |p| ids[p]));
        if at > 0 {
            dict.set("Prev", ids[siblings[at - 1]]);
        }
        if let Some(&next) = siblings.get(at + 1) {
            dict.set("Next", ids[next]);
        }
        link(&mut dict, &children[i]);
        if count[i] > 0 {
            dict.set("Count", count[i]);
        }
        dict.set("Dest", Object::Name(item.dest.as_bytes().to_vec()));
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    let mut outlines = Dictionary::new();
    outlines.set("Type", Object::Name(b"Outlines".to_vec()));
    link(&mut outlines, &top);
    outlines.set("Count", top.iter().map(|&t| 1 + count[t]).sum::<i64>());
    doc.objects.insert(root, Object::Dictionary(outlines));
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF of three pages with named destinations `a` (page 1), `b` and `c` (page 3).
    fn three_pages() -> Vec<u8> {
        let mut doc = Document::with_version("1.4");
        let pages_id = doc.new_object_id();
        let page_ids: Vec<ObjectId> = (0..3)
            .map(|_| {
                let mut page = Dictionary::new();
                page.set("Type", Object::Name(b"Page".to_vec()));
                page.set("Parent", pages_id);
                doc.add_object(page)
            })
            .collect();
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set(
            "Kids",
            page_ids
                .iter()
                .map(|&id| Object::Reference(id))
                .collect::<Vec<_>>(),
        );
        pages.set("Count", 3);
        doc.objects.insert(pages_id, Object::Dictionary(pages));
        let dest = |page: ObjectId| {
            Object::Array(vec![
                Object::Reference(page),
                Object::Name(b"XYZ".to_vec()),
                0.into(),
                800.into(),
                0.into(),
            ])
        };
        let mut dests = Dictionary::new();
        dests.set("a", dest(page_ids[0]));
        dests.set("b", dest(page_ids[2]));
        dests.set("c", dest(page_ids[2]));
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", pages_id);
        catalog.set("Dests", dests);
        let catalog = doc.add_object(catalog);
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn item(dest: &str, level: u32, title: &str) -> OutlineItem {
        OutlineItem {
            dest: dest.into(),
            level,
            title: title.into(),
        }
    }

    #[test]
    fn destinations_are_found_on_their_pages() {
        let pdf = Pdf::parse(&three_pages()).unwrap();
        let pages = pdf.destination_pages();
        assert_eq!(pages.len(), 3);
        assert_eq!((pages["a"], pages["b"], pages["c"]), (1, 3, 3));
        assert!(Pdf::parse(b"%PDF-1.4 not really").is_err());
    }

    #[test]
    fn the_outline_nests_by_level_and_the_metadata_is_set() {
        let finish = Finish {
            outline: vec![
                item("a", 1, "Part"),
                item("b", 2, "Chapter"),
                item("c", 3, "Key message: légitimité"),
                item("c", 2, "Second chapter"),
                item("a", 1, "Next part"),
            ],
            author: Some("Jane Doe".into()),
            lang: Some("fr".into()),
        };
        let bytes = Pdf::parse(&three_pages()).unwrap().finish(&finish).unwrap();
        let doc = Document::load_mem(&bytes).unwrap();
        let catalog = doc.catalog().unwrap();
        assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"fr");
        let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
        let info = doc.get_dictionary(info).unwrap();
        assert_eq!(info.get(b"Author").unwrap().as_str().unwrap(), b"Jane Doe");
        // Walk the outline: (depth, title) in order.
        fn walk(doc: &Document, first: Option<ObjectId>, depth: u32, out: &mut Vec<(u32, String)>) {
            let mut at = first;
            while let Some(id) = at {
                let dict = doc.get_dictionary(id).unwrap();
                let title = lopdf::decode_text_string(dict.get(b"Title").unwrap()).unwrap();
                out.push((depth, title));
                walk(
                    doc,
                    dict.get(b"First").and_then(Object::as_reference).ok(),
                    depth + 1,
                    out,
                );
                at = dict.get(b"Next").and_then(Object::as_reference).ok();
            }
        }
        let root = catalog.get(b"Outlines").unwrap().as_reference().unwrap();
        let root_dict = doc.get_dictionary(root).unwrap();
        assert_eq!(root_dict.get(b"Count").unwrap().as_i64().unwrap(), 5);
        let mut seen = Vec::new();
        walk(
            &doc,
            root_dict.get(b"First").and_then(Object::as_reference).ok(),
            1,
            &mut seen,
        );
        let expected: Vec<(u32, String)> = [
            (1, "Part"),
            (2, "Chapter"),
            (3, "Key message: légitimité"),
            (2, "Second chapter"),
            (1, "Next part"),
        ]
        .map(|(d, t)| (d, t.to_string()))
        .to_vec();
        assert_eq!(seen, expected);

        // A language Chromium already set is kept; no items, no outline.
        let mut keep = finish.clone();
        keep.outline.clear();
        keep.lang = Some("en".into());
        let again = Pdf::parse(&bytes).unwrap().finish(&keep).unwrap();
        let doc = Document::load_mem(&again).unwrap();
        assert_eq!(
            doc.catalog()
                .unwrap()
                .get(b"Lang")
                .unwrap()
                .as_str()
                .unwrap(),
            b"fr"
        );
        assert!(!doc.catalog().unwrap().has(b"Outlines"));
    }
}
