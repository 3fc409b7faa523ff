//! The stylesheets tenet writes for a handbook, so that no page needs an inline `<style>` (a
//! strict Content-Security-Policy forbids them):
//! - `assets/book.css`, linked by every page: the `[theme]` colours, and for paper the size of
//!   `[print] paper` and the running footer's book line (title and edition);
//! - `page.css` beside a lesson's handout and lesson plan: the running footer's page line,
//!   which names the lesson on every printed sheet.
//!
//! The footers' type and colour are the theme's (`tenet.css`); only their words are made here.

use crate::config::Config;
use crate::strings::Strings;

/// Where the handbook's stylesheet goes in the output.
pub const BOOK_PATH: &str = "assets/book.css";

/// The name of a printed page's own stylesheet, in its folder.
pub const PAGE_FILE: &str = "page.css";

/// `assets/book.css`: brand colours, paper size and the footer's book line.
pub fn book(config: &Config, strings: &Strings) -> String {
    let mut css = String::new();
    let theme = &config.theme;
    if theme.primary.is_some() || theme.accent.is_some() {
        css.push_str(":root{");
        if let Some(primary) = &theme.primary {
            css.push_str(&format!("--primary:{primary};"));
        }
        if let Some(accent) = &theme.accent {
            css.push_str(&format!("--highlight:{accent};"));
        }
        css.push_str("}\n");
    }
    let book = &config.book;
    let mut line = book.title.clone();
    if let Some(edition) = book.edition_line(strings.get("edition")) {
        line.push_str(" · ");
        line.push_str(&edition);
    }
    css.push_str(&format!(
        "@page{{size:{};@bottom-left{{content:{}}}}}\n",
        config.print.paper.css(),
        string(&line)
    ));
    css
}

/// A printed page's `page.css`: its line of the running footer (`before` the page counter).
pub fn page(line: &str) -> String {
    format!(
        "@page{{@bottom-right{{content:{} \" · \" counter(page) \" / \" counter(pages)}}}}\n",
        string(line)
    )
}

/// `text` as a CSS string: quoted, with quotes, backslashes and control characters escaped
/// (a title can hold any of them).
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\{:x} ", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("plain"), "\"plain\"");
        assert_eq!(string("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
        assert_eq!(string("line\nnext"), "\"line\\a next\"");
        assert_eq!(string("</style>&amp;"), "\"</style>&amp;\"");
    }

    #[test]
    fn page_line_comes_before_the_counter() {
        let css = page("Lesson 1.3 \"Principles\"");
        assert!(css.contains("content:\"Lesson 1.3 \\\"Principles\\\"\" \" · \" counter(page)"));
    }
}
