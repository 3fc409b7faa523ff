//! EPUB output (`tenet epub`, `tenet build --epub`): epubcheck finds nothing to say of the
//! sample handbook's books nor of its French and Arabic editions'; every key message is in the
//! book; every link inside a book leads to a file and an id it holds; right-to-left editions
//! read right to left; the same handbook makes the same bytes; a module's book holds only its
//! own pages, and its references to the rest of the handbook lead to the site (absolute
//! `base_url`) or are text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::epub::{build_epubs, entries, epubcheck, epubcheck_problems, texts};
use crate::common::{copy_case, copy_sample, editions_workspace};

/// The text of an HTML or XHTML document, whitespace collapsed.
fn plain_text(html: &str) -> String {
    use html5gum::{Token, Tokenizer};
    let mut text = String::new();
    for token in Tokenizer::new(html).flatten() {
        if let Token::String(s) = token {
            text.push_str(&String::from_utf8_lossy(&s));
            text.push(' ');
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of every key message block of an HTML page (`<div class="block key-message">`).
fn key_messages(html: &str) -> Vec<String> {
    use html5gum::{Token, Tokenizer};
    let mut found = Vec::new();
    // The text being gathered and how many divs deep inside the block.
    let mut open: Option<(String, usize)> = None;
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) if &tag.name[..] == b"div" => {
                if let Some((_, depth)) = &mut open {
                    *depth += 1;
                } else if tag.attributes.get(&b"class"[..]).is_some_and(|c| {
                    let c = String::from_utf8_lossy(c);
                    c.split(' ').any(|w| w == "key-message") && c.split(' ').any(|w| w == "block")
                }) {
                    open = Some((String::new(), 0));
                }
            }
            Token::EndTag(tag) if &tag.name[..] == b"div" => {
                if let Some((text, depth)) = &mut open {
                    if *depth == 0 {
                        found.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
                        open = None;
                    } else {
                        *depth -= 1;
                    }
                }
            }
            Token::String(s) => {
                if let Some((text, _)) = &mut open {
                    text.push_str(&String::from_utf8_lossy(&s));
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    found
}

/// Every XHTML page's text in a book, joined.
fn book_text(epub: &Path) -> String {
    texts(epub)
        .iter()
        .filter(|(name, _)| name.ends_with(".xhtml"))
        .map(|(_, text)| plain_text(text))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value of every `attr` attribute in a document.
fn attributes(html: &str, attr: &str) -> Vec<String> {
    use html5gum::{Token, Tokenizer};
    let mut found = Vec::new();
    for token in Tokenizer::new(html).flatten() {
        if let Token::StartTag(tag) = token
            && let Some(v) = tag.attributes.get(attr.as_bytes())
        {
            found.push(String::from_utf8_lossy(v).into_owned());
        }
    }
    found
}

/// Checks that every link and image of every page of a book leads to a file of the book and
/// (with a fragment) an id in it; returns the links to other sites.
fn check_links(epub: &Path) -> Vec<String> {
    let texts = texts(epub);
    let names: BTreeSet<String> = entries(epub).into_iter().map(|(n, _)| n).collect();
    let ids: BTreeMap<&str, BTreeSet<String>> = texts
        .iter()
        .map(|(name, text)| (name.as_str(), attributes(text, "id").into_iter().collect()))
        .collect();
    let mut outside = Vec::new();
    for (name, text) in texts.iter().filter(|(n, _)| n.ends_with(".xhtml")) {
        let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
        for url in attributes(text, "href")
            .into_iter()
            .chain(attributes(text, "src"))
        {
            if url.starts_with("https:") || url.starts_with("http:") || url.starts_with("mailto:") {
                outside.push(url);
                continue;
            }
            let (file, fragment) = url.split_once('#').unwrap_or((&url, ""));
            let target = if file.is_empty() {
                name.clone()
            } else {
                format!("{dir}/{file}")
            };
            assert!(
                names.contains(&target),
                "{}: {name} links to {url}, which the book does not hold",
                epub.display()
            );
            assert!(
                fragment.is_empty()
                    || ids
                        .get(target.as_str())
                        .is_some_and(|i| i.contains(fragment)),
                "{}: {name} links to {url}, but {target} has no such id",
                epub.display()
            );
        }
    }
    outside
}

#[test]
fn the_sample_and_both_editions_pass_epubcheck_without_a_warning() {
    let Some(jar) = epubcheck() else { return };
    let workspace = editions_workspace();
    let mut books = Vec::new();
    for handbook in ["base", "fr", "ar"] {
        let out = workspace.path().join(format!("out-{handbook}"));
        for epub in build_epubs(&workspace.path().join(handbook), &out) {
            // The sample's books, and each edition's whole handbook (its modules are made the
            // same way; a run of epubcheck takes seconds).
            if handbook == "base" || epub == "epub/handbook.epub" {
                books.push(out.join(epub));
            }
        }
    }
    assert_eq!(books.len(), 5, "{books:?}");
    let problems: Vec<String> = std::thread::scope(|scope| {
        let jar = &jar;
        let checks: Vec<_> = books
            .chunks(3)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|book| {
                            epubcheck_problems(jar, book)
                                .into_iter()
                                .map(move |p| format!("{}: {p}", book.display()))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        checks.into_iter().flat_map(|c| c.join().unwrap()).collect()
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_key_message_is_in_the_books_and_every_link_inside_a_book_resolves() {
    let workspace = editions_workspace();
    let root = workspace.path().join("base");
    let out = workspace.path().join("out");
    let books = build_epubs(&root, &out);
    assert_eq!(
        books,
        [
            "epub/handbook.epub",
            "epub/lessons/module-1.epub",
            "epub/lessons/module-2.epub"
        ]
    );
    // The key messages of every lesson page of the site.
    let mut by_module: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for module in ["module-1", "module-2"] {
        for lesson in std::fs::read_dir(out.join("lessons").join(module)).unwrap() {
            let page = lesson.unwrap().path().join("index.html");
            if let Ok(html) = std::fs::read_to_string(&page) {
                by_module
                    .entry(module.to_string())
                    .or_default()
                    .extend(key_messages(&html));
            }
        }
    }
    let all: Vec<&String> = by_module.values().flatten().collect();
    assert!(all.len() >= 10, "only {} key messages found", all.len());
    let handbook = book_text(&out.join("epub/handbook.epub"));
    for message in &all {
        assert!(message.starts_with("Key Message"), "{message}");
        assert!(
            handbook.contains(message.as_str()),
            "not in the book: {message}"
        );
    }
    for (module, messages) in &by_module {
        let book = book_text(&out.join(format!("epub/lessons/{module}.epub")));
        for message in messages {
            assert!(
                book.contains(message.as_str()),
                "not in {module}'s book: {message}"
            );
        }
    }
    for book in &books {
        let outside = check_links(&out.join(book));
        // The sample's base_url is "/": nothing leads out of a book but links to other sites
        // written in the pages.
        assert!(
            outside.iter().all(|u| !u.contains("/index.html")),
            "{book}: {outside:?}"
        );
    }
    // Trainer tips are asides, key messages keep their label; no script anywhere.
    let texts = texts(&out.join("epub/handbook.epub"));
    let pages: String = texts
        .iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(pages.contains("<aside class=\"block trainer-tip\" epub:type=\"tip\""));
    assert!(!pages.contains("<script"));
    assert!(!pages.contains("<details"));
    // Backlinks: the consent principle lists who refers to it.
    assert!(pages.contains("Referred to by"));
}

#[test]
fn a_module_book_holds_only_its_lessons_and_links_out_to_the_site_when_it_has_an_address() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    copy_sample(&root);
    let book = |out: &str| {
        let out = dir.path().join(out);
        build_epubs(&root, &out);
        out.join("epub/lessons/module-1.epub")
    };
    let relative = book("relative");
    let texts = texts(&relative);
    let pages: Vec<&String> = texts.keys().filter(|n| n.ends_with(".xhtml")).collect();
    // The module, its three lessons, the cover and the navigation document.
    assert_eq!(pages.len(), 6, "{pages:?}");
    let nav = &texts["EPUB/nav.xhtml"];
    for title in [
        "Module 1",
        "1.1 The Evolution of UN Peacekeeping",
        "1.2",
        "1.3",
    ] {
        assert!(nav.contains(title), "{title} not in the contents:\n{nav}");
    }
    assert!(!nav.contains("2.1"), "{nav}");
    let text = book_text(&relative);
    // A reference to a glossary term (outside the module): its text, no link.
    assert!(text.contains("multidimensional operations"));
    let outside = check_links(&relative);
    assert!(
        outside.iter().all(|u| !u.contains("glossary")),
        "{outside:?}"
    );

    // With an absolute base_url, the reference leads to the term's page on the site.
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    let toml = toml.replace(
        "base_url = \"/\"",
        "base_url = \"https://training.example.org/peacekeeping\"",
    );
    std::fs::write(root.join("book.toml"), toml).unwrap();
    let absolute = book("absolute");
    let outside = check_links(&absolute);
    assert!(
        outside.iter().any(|u| u
            == "https://training.example.org/peacekeeping/glossary/multidimensional-operation/index.html"),
        "{outside:?}"
    );
}

#[test]
fn right_to_left_editions_read_right_to_left_with_their_language_and_branding() {
    let workspace = editions_workspace();
    let ar_out = workspace.path().join("out-ar");
    build_epubs(&workspace.path().join("ar"), &ar_out);
    let ar = texts(&ar_out.join("epub/handbook.epub"));
    let opf = &ar["EPUB/package.opf"];
    assert!(
        opf.contains("<spine page-progression-direction=\"rtl\">"),
        "{opf}"
    );
    assert!(opf.contains("<dc:language>ar</dc:language>"), "{opf}");
    assert!(ar["EPUB/p0001.xhtml"].contains("lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\""));

    let fr_out = workspace.path().join("out-fr");
    build_epubs(&workspace.path().join("fr"), &fr_out);
    let fr = texts(&fr_out.join("epub/handbook.epub"));
    let opf = &fr["EPUB/package.opf"];
    assert!(opf.contains("<spine>"), "{opf}");
    assert!(opf.contains("<dc:language>fr</dc:language>"), "{opf}");
    assert!(
        opf.contains("<dc:title>Principes du maintien de la paix des Nations Unies</dc:title>")
    );
    // The edition's logo, title and edition line on the cover.
    let cover = &fr["EPUB/cover.xhtml"];
    assert!(cover.contains("src=\"logo.svg\""), "{cover}");
    assert!(
        cover.contains("2026, édition du centre de Dakar"),
        "{cover}"
    );
    assert!(fr.contains_key("EPUB/logo.svg"));
    assert!(fr["EPUB/cover.svg"].contains("Principes du maintien"));
    // The lesson the edition leaves out is not in it.
    assert!(fr["EPUB/nav.xhtml"].contains("2.2"));
    assert!(
        !fr["EPUB/nav.xhtml"].contains("2.3"),
        "{}",
        fr["EPUB/nav.xhtml"]
    );
}

#[test]
fn the_same_handbook_makes_the_same_bytes_with_mimetype_first_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    copy_sample(&root);
    let first = build_epubs(&root, &dir.path().join("one"));
    let second = build_epubs(&root, &dir.path().join("two"));
    assert_eq!(first, second);
    for book in &first {
        let one = std::fs::read(dir.path().join("one").join(book)).unwrap();
        let two = std::fs::read(dir.path().join("two").join(book)).unwrap();
        assert!(one == two, "{book} differs between two builds");
        // The first entry's local header: stored (method 0), named mimetype, no extra field.
        assert_eq!(&one[0..4], b"PK\x03\x04");
        assert_eq!(
            u16::from_le_bytes([one[8], one[9]]),
            0,
            "{book}: mimetype stored"
        );
        assert_eq!(
            u16::from_le_bytes([one[28], one[29]]),
            0,
            "{book}: no extra field"
        );
        assert_eq!(&one[30..38], b"mimetype");
        assert_eq!(&one[38..58], b"application/epub+zip");
        let names: Vec<String> = entries(&dir.path().join("one").join(book))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names[0], "mimetype");
        assert!(names.contains(&"META-INF/container.xml".to_string()));
        assert!(names.contains(&"EPUB/nav.xhtml".to_string()));
    }
}

#[test]
fn tenet_epub_writes_the_books_and_a_plain_build_none() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    copy_sample(&root);
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tenet"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let root_arg = root.to_str().unwrap();
    let out = dir.path().join("site");
    let said = run(&["epub", root_arg, "--out", out.to_str().unwrap()]);
    assert!(said.contains("made 3 EPUBs"), "{said}");
    assert!(out.join("epub/handbook.epub").is_file());
    assert!(out.join("epub/lessons/module-2.epub").is_file());
    assert!(out.join("index.html").is_file(), "the site is built too");
    let plain = dir.path().join("plain");
    run(&[
        "build",
        root_arg,
        "--out",
        plain.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(!plain.join("epub").exists());
    let with = dir.path().join("with");
    run(&[
        "build",
        "--epub",
        root_arg,
        "--out",
        with.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(with.join("epub/handbook.epub").is_file());
}

#[test]
fn raw_html_images_and_references_out_of_a_module_make_valid_books() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    copy_case("epub/raw-html", &root);
    let out = dir.path().join("site");
    let books = build_epubs(&root, &out);
    assert_eq!(books, ["epub/field.epub", "epub/handbook.epub"]);
    for book in &books {
        check_links(&out.join(book));
    }
    let handbook = texts(&out.join("epub/handbook.epub"));
    let lesson = handbook
        .values()
        .find(|t| t.contains("<h1>1.1 The First Day</h1>"))
        .expect("the lesson's page");
    // HTML5 written as XML: void tags closed, entities as characters, open paragraphs closed.
    assert!(
        lesson.contains("One<br/>two\u{a0}three © 2026 — <b>bold</b></p>"),
        "{lesson}"
    );
    assert!(
        lesson.contains("<p>A paragraph left open\n</p>"),
        "{lesson}"
    );
    assert!(
        lesson.contains("<div data-step=\"2\">Click <img alt=\"map again\""),
        "{lesson}"
    );
    assert!(
        !lesson.contains("<script")
            && !lesson.contains("onclick")
            && !lesson.contains("document.write")
    );
    assert!(lesson.contains("To prepare for the first day &amp; night in the field."));
    assert!(lesson.contains("Read a map &lt; 1:50,000."));
    // Both images are in the book (the SVG from a folder whose name has a space, under a name
    // without one), declared with their types; the image on another site is its alt text.
    let opf = &handbook["EPUB/package.opf"];
    let names: Vec<String> = entries(&out.join("epub/handbook.epub"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let images: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("EPUB/images/"))
        .collect();
    assert_eq!(images.len(), 2, "{images:?}");
    assert!(images.iter().all(|n| !n.contains(' ')));
    let png = entries(&out.join("epub/handbook.epub"))
        .into_iter()
        .find(|(n, _)| n.ends_with(".png"))
        .unwrap();
    assert!(png.1.starts_with(b"\x89PNG"));
    assert!(opf.contains("media-type=\"image/png\""), "{opf}");
    assert!(opf.contains("media-type=\"image/svg+xml\""), "{opf}");
    assert!(!lesson.contains("example.org/photo.png"));
    assert!(lesson.contains("A photo on another site"));
    // In the module's book, the glossary term leads to the site; in the whole handbook's, to
    // its page in the book.
    let outside = check_links(&out.join("epub/field.epub"));
    assert!(
        outside.contains(
            &"https://guide.example.org/field-guide/glossary/checkpoint/index.html".to_string()
        ),
        "{outside:?}"
    );
    assert!(
        check_links(&out.join("epub/handbook.epub"))
            .iter()
            .all(|u| !u.contains("guide.example.org"))
    );
    let Some(jar) = epubcheck() else { return };
    for book in &books {
        let problems = epubcheck_problems(&jar, &out.join(book));
        assert!(problems.is_empty(), "{book}: {}", problems.join("\n"));
    }
}

/// The 1,000-page synthetic handbook (`bench/out/handbook-1000`, which `bench/run.py` makes,
/// or the handbook `TENET_EPUB_HANDBOOK` names) passes epubcheck: about a minute, so run by
/// hand (`cargo test --release --test suite epub -- --ignored`).
#[test]
#[ignore]
fn a_thousand_page_handbook_passes_epubcheck() {
    let root = std::env::var_os("TENET_EPUB_HANDBOOK")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/out/handbook-1000"));
    if !root.join("book.toml").is_file() {
        eprintln!(
            "skipped: no handbook at {} (run bench/run.py first)",
            root.display()
        );
        return;
    }
    let Some(jar) = epubcheck() else { return };
    let out = tempfile::tempdir().unwrap();
    for book in build_epubs(&root, out.path()) {
        let book = out.path().join(book);
        check_links(&book);
        let problems = epubcheck_problems(&jar, &book);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
