//! The whole pipeline: a handbook whose one page is the input (beside a home page and a
//! principle it can reference) is built into a temporary folder; no panic, no hang, and every
//! file written is UTF-8 where it is HTML, under the output folder.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("book.toml", "[book]\ntitle = \"Fuzz\"\n");
    write(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nSee [[page]].\n",
    );
    write(
        "content/principles/consent.md",
        "+++\ntitle = \"Consent\"\nkind = \"principle\"\n+++\n\n## Why\n\n::: key-message {principles=consent}\nFirst.\n:::\n",
    );
    write("content/lessons/page.md", text);
    let out = root.join("site");
    let report = tenet::build(root, Some(out.clone()));
    if !report.has_errors() {
        for entry in walk(&out) {
            if entry.extension().is_some_and(|e| e == "html") {
                std::fs::read_to_string(&entry).expect("HTML output is UTF-8");
            }
        }
    }
    // Nothing is written beside the handbook but its output folder.
    for entry in std::fs::read_dir(root).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(
            ["book.toml", "content", "site"].contains(&name.to_string_lossy().as_ref()),
            "{name:?} written beside the handbook"
        );
    }
});

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}
