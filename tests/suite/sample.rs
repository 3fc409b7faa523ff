//! The repository's own sample handbook (book.toml + content/ at the root): it builds without
//! errors, has what the demo must show, every link works, and a lesson page stays light.

use std::path::Path;

use crate::common::*;

fn count_kind(site: &Path, kind_class: &str) -> usize {
    files(site)
        .iter()
        .filter(|f| f.ends_with("index.html"))
        .filter(|f| {
            let html = std::fs::read_to_string(site.join(f)).unwrap();
            let body = &html[html.find("<body").unwrap()..];
            body[..body.find('>').unwrap()]
                .split([' ', '"', '='])
                .any(|w| w == format!("kind-{kind_class}"))
        })
        .count()
}

#[test]
fn the_sample_handbook_has_what_the_demo_needs() {
    let (_keep, site) = build_sample();
    for principle in [
        "consent",
        "impartiality",
        "non-use-of-force",
        "legitimacy",
        "credibility",
        "national-ownership",
    ] {
        assert!(
            site.join(format!("principles/{principle}/index.html"))
                .is_file(),
            "{principle}"
        );
    }
    assert!(count_kind(&site, "module") >= 2);
    assert!(count_kind(&site, "lesson") >= 6);
    assert!(count_kind(&site, "case-study") >= 2);
    assert!(count_kind(&site, "chapter") >= 3);
    assert!(count_kind(&site, "term") >= 20);
    let lesson =
        std::fs::read_to_string(site.join("lessons/module-1/1.3-principles/index.html")).unwrap();
    assert_eq!(
        count_class(&lesson, "key-message"),
        13,
        "lesson 1.3 has 13 key messages"
    );
    assert!(
        count_class(&lesson, "trainer-tip") >= 1
            && count_class(&lesson, "activity") >= 1
            && count_class(&lesson, "slide") >= 1
    );
    assert_eq!(broken_links(&site), Vec::<String>::new());
}

/// The first load of a lesson page (HTML, stylesheets, scripts, icons; images aside) is at most
/// 50 KB uncompressed in at most 5 requests.
#[test]
fn a_lesson_page_loads_light() {
    let (_keep, site) = build_sample();
    let page = site.join("lessons/module-1/1.3-principles/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let head = &html[..html.find("<body").unwrap()];
    let mut requests = vec![page.clone()];
    for link in links(head) {
        let file = link.split(['?', '#']).next().unwrap().to_string();
        requests.push(page.parent().unwrap().join(file));
    }
    // Web fonts or icon fonts would show up as @font-face in the stylesheet.
    let css = std::fs::read_to_string(site.join("assets/tenet.css")).unwrap();
    // (An image inlined as a data: URL is no extra request.)
    let fetched = css
        .match_indices("url(")
        .filter(|(at, _)| {
            !css[at + 4..]
                .trim_start_matches(['"', '\''])
                .starts_with("data:")
        })
        .count();
    assert!(
        !css.contains("@font-face") && fetched == 0,
        "no web fonts or extra files from CSS"
    );
    let bytes: u64 = requests
        .iter()
        .map(|f| {
            std::fs::metadata(f)
                .unwrap_or_else(|e| panic!("{f:?}: {e}"))
                .len()
        })
        .sum();
    assert!(
        requests.len() <= 5,
        "{} requests: {requests:?}",
        requests.len()
    );
    assert!(bytes <= 50 * 1024, "{bytes} bytes on first load");
}
