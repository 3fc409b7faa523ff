//! The stylesheet for build-time highlighted code: light colours, and dark ones when the
//! reader's system is in dark mode. Written only when some page has code.
//!
//! syntect's themes are made for editors: some of their colours are too faint to read on the
//! theme's code background (WCAG AA asks 4.5:1 for text). Each colour is darkened (light
//! scheme) or lightened (dark scheme) just enough to reach it, keeping its hue.

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{ClassStyle, css_for_theme_with_class_style};

use crate::page::markdown::HIGHLIGHT_PREFIX;

/// Where the stylesheet goes in the output.
pub const PATH: &str = "assets/highlight.css";

pub fn stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let style = ClassStyle::SpacedPrefixed {
        prefix: HIGHLIGHT_PREFIX,
    };
    let css = |name: &str, background: Color| {
        themes
            .themes
            .get(name)
            .map(|theme| readable(theme, background))
            .and_then(|theme| css_for_theme_with_class_style(&theme, style).ok())
            .unwrap_or_default()
    };
    let mut out = String::from("/* Code colours, made by tenet from syntect's themes. */\n");
    out.push_str(&css("InspiredGitHub", LIGHT_CODE_BACKGROUND));
    out.push_str("\n@media (prefers-color-scheme: dark) {\n");
    // The light theme's rules, made readable on the dark background, for the scopes the dark
    // theme has no rule for (which would keep their light colours); then the dark theme's.
    out.push_str(&css("InspiredGitHub", DARK_CODE_BACKGROUND));
    out.push_str(&css("base16-ocean.dark", DARK_CODE_BACKGROUND));
    out.push_str("\n}\n");
    out
}

/// The code background of the default theme (`--code-bg` of tenet.css), light and dark.
const LIGHT_CODE_BACKGROUND: Color = rgb(0xf4, 0xf5, 0xf7);
const DARK_CODE_BACKGROUND: Color = rgb(0x20, 0x25, 0x2b);

/// The contrast the text colours keep with their background: WCAG AA's 4.5:1, and a little.
const MIN_CONTRAST: f64 = 4.6;

const fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color { r, g, b, a: 0xff }
}

/// `theme` with every foreground readable on `page` (the code background), or on the
/// background its own rule sets; the theme's own page background is dropped (the code block's
/// is the theme's `--code-bg`).
fn readable(theme: &Theme, page: Color) -> Theme {
    let mut theme = theme.clone();
    theme.settings.background = None;
    if let Some(fg) = theme.settings.foreground.as_mut() {
        *fg = with_contrast(*fg, page);
    }
    for item in &mut theme.scopes {
        let background = item.style.background.unwrap_or(page);
        if let Some(fg) = item.style.foreground.as_mut() {
            *fg = with_contrast(*fg, background);
        }
    }
    theme
}

fn contrast(a: Color, b: Color) -> f64 {
    crate::colour::contrast([a.r, a.g, a.b], [b.r, b.g, b.b])
}

/// `fg`, moved toward black on a light background or white on a dark one in small steps until
/// it reaches [`MIN_CONTRAST`] on `bg` (as it is when it already does).
fn with_contrast(fg: Color, bg: Color) -> Color {
    let toward = if crate::colour::luminance([bg.r, bg.g, bg.b]) > 0.18 {
        0.0
    } else {
        255.0
    };
    let mix = |v: u8, t: f64| (f64::from(v) + (toward - f64::from(v)) * t).round() as u8;
    (0..=20)
        .map(|step| f64::from(step) / 20.0)
        .map(|t| Color {
            r: mix(fg.r, t),
            g: mix(fg.g, t),
            b: mix(fg.b, t),
            a: fg.a,
        })
        .find(|c| contrast(*c, bg) >= MIN_CONTRAST)
        .unwrap_or(fg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_colour_is_readable_on_its_background() {
        let themes = ThemeSet::load_defaults();
        for (name, page) in [
            ("InspiredGitHub", LIGHT_CODE_BACKGROUND),
            ("base16-ocean.dark", DARK_CODE_BACKGROUND),
        ] {
            let before = &themes.themes[name];
            let faint = before
                .scopes
                .iter()
                .filter_map(|i| i.style.foreground)
                .filter(|fg| contrast(*fg, page) < 4.5)
                .count();
            assert!(faint > 0, "{name} had no faint colour to mend");
            let theme = readable(before, page);
            for item in &theme.scopes {
                if let Some(fg) = item.style.foreground {
                    let bg = item.style.background.unwrap_or(page);
                    assert!(contrast(fg, bg) >= 4.5, "{name}: {fg:?} on {bg:?}");
                }
            }
        }
        // A colour that already reads is kept.
        let dark = rgb(0x32, 0x32, 0x32);
        assert_eq!(with_contrast(dark, LIGHT_CODE_BACKGROUND), dark);
    }

    #[test]
    fn the_stylesheet_has_both_schemes() {
        let css = super::stylesheet();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
