//! What the search stage hands the render: each page's term records and stored documents, ready
//! to be written with the page and gathered into the index, and the index's plan and version.

use std::sync::{Arc, Mutex};

use super::SearchInput;
use crate::page::Kind;
use crate::search::{Collector, DocRecord, Docs, PageRecord, Plan};
use crate::site::Site;

/// A page's search terms (encoded), owned or in a record someone else holds too.
pub(super) enum Terms {
    Own(Docs),
    Shared(Arc<PageRecord>),
}

impl Terms {
    pub(super) fn encoded(&self) -> &Docs {
        match self {
            Terms::Own(docs) => docs,
            Terms::Shared(record) => &record.docs,
        }
    }

    pub(super) fn docs(&self) -> Vec<DocRecord> {
        self.encoded().read()
    }
}

/// A page's stored search documents, owned or in a record someone else holds too.
pub(super) enum Store {
    /// The bytes, and the record's hash.
    Own(crate::spill::Spilled<Vec<u8>>, u64),
    Shared(Arc<PageRecord>),
}

impl Store {
    pub(super) fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Store::Own(bytes, _) => bytes.all(),
            Store::Shared(record) => record.store.all(),
        }
    }

    /// The record's hash (of its documents, which the bytes are made from).
    pub(super) fn hash(&self) -> u64 {
        match self {
            Store::Own(_, hash) => *hash,
            Store::Shared(record) => record.hash,
        }
    }
}

/// Per page (site order), the generated link texts of its documents' references, in the order
/// they stand in each document's text: (document local, texts), documents without any left
/// out. Known once the site is resolved; `text` gives a reference's (page, index in the page's
/// references) text.
pub(super) type LinkTexts = Vec<Vec<(u8, Vec<String>)>>;

pub(super) fn link_texts(
    terms: &[Option<Terms>],
    text: &(dyn Fn(usize, usize) -> String + Sync),
) -> LinkTexts {
    use rayon::prelude::*;
    terms
        .par_iter()
        .enumerate()
        .map(|(p, t)| {
            let docs: Vec<DocRecord> = t.as_ref().map(Terms::docs).unwrap_or_default();
            docs.iter()
                .filter(|d| !d.refs.is_empty())
                .map(|d| {
                    let texts = d.refs.iter().map(|&i| text(p, i as usize)).collect();
                    (d.local, texts)
                })
                .collect()
        })
        .collect()
}

/// The search input laid out for the render (all empty when the site has no search).
pub(super) struct Prepared {
    pub collector: Option<Arc<Collector>>,
    /// Per page (site order): its terms, for the index.
    pub terms: Vec<Option<Terms>>,
    /// Per page: its stored documents, taken when the page's file of them is written.
    pub stores: Vec<Mutex<Option<Store>>>,
    /// In a session (whose vocabulary outlives the build): every record, for the words in use.
    pub used: Vec<Arc<PageRecord>>,
    pub plan: Option<Plan>,
    /// Each page's record hash (site order), for the index version.
    pub hashes: Vec<u64>,
}

pub(super) fn prepare(search: Option<SearchInput>, site: &Site) -> Prepared {
    let Some((collector, records)) = search else {
        return Prepared {
            collector: None,
            terms: Vec::new(),
            stores: Vec::new(),
            used: Vec::new(),
            plan: None,
            hashes: Vec::new(),
        };
    };
    let hashes: Vec<u64> = records
        .iter()
        .map(|r| r.as_ref().map_or(0, |r| r.hash))
        .collect();
    // A collector that outlives the build needs to know which words are still used.
    let used: Vec<_> = match collector.tracks_words() {
        true => records.iter().flatten().cloned().collect(),
        false => Vec::new(),
    };
    // The terms are added to (the generated link text of references): taken from a record no
    // one else holds, else copied. A record's documents are let go once written.
    let (terms, stores): (Vec<_>, Vec<_>) = records
        .into_iter()
        .map(|r| match r.map(Arc::try_unwrap) {
            None => (None, Mutex::new(None)),
            Some(Ok(r)) => (
                Some(Terms::Own(r.docs)),
                Mutex::new(Some(Store::Own(r.store, r.hash))),
            ),
            Some(Err(shared)) => (
                Some(Terms::Shared(shared.clone())),
                Mutex::new(Some(Store::Shared(shared))),
            ),
        })
        .unzip();
    let kinds: Vec<Kind> = site.pages.iter().map(|p| p.fm.kind).collect();
    let indexed: Vec<bool> = terms.iter().map(Option::is_some).collect();
    let plan = Plan::new(&site.order, &kinds, &indexed);
    Prepared {
        collector: Some(collector),
        terms,
        stores,
        used,
        plan: Some(plan),
        hashes,
    }
}
