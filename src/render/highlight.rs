//! The stylesheet for build-time highlighted code: light colours, and dark ones when the
//! reader's system is in dark mode. Written only when some page has code.

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style};

use crate::page::markdown::HIGHLIGHT_PREFIX;

/// Where the stylesheet goes in the output.
pub const PATH: &str = "assets/highlight.css";

pub fn stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let style = ClassStyle::SpacedPrefixed {
        prefix: HIGHLIGHT_PREFIX,
    };
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|theme| css_for_theme_with_class_style(theme, style).ok())
            .unwrap_or_default()
    };
    let mut out = String::from("/* Code colours, made by tenet from syntect's themes. */\n");
    out.push_str(&css("InspiredGitHub"));
    out.push_str("\n@media (prefers-color-scheme: dark) {\n");
    out.push_str(&css("base16-ocean.dark"));
    out.push_str("\n}\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stylesheet_has_both_schemes() {
        let css = super::stylesheet();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
