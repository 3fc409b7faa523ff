//! Colour arithmetic for legibility: WCAG contrast ratios, CSS `color-mix(in oklab, …)`, and
//! the check of a handbook's `[theme]` colours against the default theme's backgrounds in its
//! light and dark schemes (the places where the theme shows them as text).

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// WCAG AA's least contrast for body text.
pub const AA: f64 = 4.5;

/// `#rgb`, `#rrggbb` or `#rrggbbaa` (alpha ignored); `None` for anything else.
pub fn parse_hex(text: &str) -> Option<Rgb> {
    let hex = text.trim().strip_prefix('#')?;
    let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
    let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    match hex.len() {
        3 | 4 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
        6 | 8 => Some([pair(0)?, pair(2)?, pair(4)?]),
        _ => None,
    }
}

fn linear(v: u8) -> f64 {
    let v = f64::from(v) / 255.0;
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

fn gamma(v: f64) -> u8 {
    let v = v.clamp(0.0, 1.0);
    let v = if v <= 0.003_130_8 {
        v * 12.92
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    };
    (v * 255.0).round() as u8
}

/// WCAG relative luminance.
pub fn luminance(c: Rgb) -> f64 {
    0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2])
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn to_oklab(c: Rgb) -> [f64; 3] {
    let (r, g, b) = (linear(c[0]), linear(c[1]), linear(c[2]));
    let l = (0.412_221_470_8 * r + 0.536_332_536_3 * g + 0.051_445_992_9 * b).cbrt();
    let m = (0.211_903_498_2 * r + 0.680_699_545_1 * g + 0.107_396_956_6 * b).cbrt();
    let s = (0.088_302_461_9 * r + 0.281_718_837_6 * g + 0.629_978_700_5 * b).cbrt();
    [
        0.210_454_255_3 * l + 0.793_617_785 * m - 0.004_072_046_8 * s,
        1.977_998_495_1 * l - 2.428_592_205 * m + 0.450_593_709_9 * s,
        0.025_904_037_1 * l + 0.782_771_766_2 * m - 0.808_675_766 * s,
    ]
}

fn from_oklab(lab: [f64; 3]) -> Rgb {
    let l = (lab[0] + 0.396_337_777_4 * lab[1] + 0.215_803_757_3 * lab[2]).powi(3);
    let m = (lab[0] - 0.105_561_345_8 * lab[1] - 0.063_854_172_8 * lab[2]).powi(3);
    let s = (lab[0] - 0.089_484_177_5 * lab[1] - 1.291_485_548 * lab[2]).powi(3);
    [
        gamma(4.076_741_662_1 * l - 3.307_711_591_3 * m + 0.230_969_929_2 * s),
        gamma(-1.268_438_004_6 * l + 2.609_757_401_1 * m - 0.341_319_396_5 * s),
        gamma(-0.004_196_086_3 * l - 0.703_418_614_7 * m + 1.707_614_701 * s),
    ]
}

/// CSS `color-mix(in oklab, a share, b)`: `share` (0 to 1) of `a`, the rest of `b`.
pub fn mix(a: Rgb, share: f64, b: Rgb) -> Rgb {
    let (a, b) = (to_oklab(a), to_oklab(b));
    from_oklab([
        a[0] * share + b[0] * (1.0 - share),
        a[1] * share + b[1] * (1.0 - share),
        a[2] * share + b[2] * (1.0 - share),
    ])
}

const WHITE: Rgb = [0xff, 0xff, 0xff];
/// The default theme's page and surface backgrounds (`--bg`, `--surface` of tenet.css).
const LIGHT_PAGE: Rgb = [0xfb, 0xfb, 0xf9];
const DARK_PAGE: Rgb = [0x14, 0x17, 0x1b];
const DARK_SURFACE: Rgb = [0x1b, 0x1f, 0x24];

/// Where the default theme shows a `[theme]` colour as text, and how it reads there: for
/// `primary`, links on the page and on their tinted background, in each scheme; for `accent`,
/// key messages' label on their tinted background. Each entry: the scheme, what the text is,
/// and the contrast ratio (the theme derives the dark scheme's colours from the brand colours
/// as tenet.css does, with `color-mix`).
pub fn brand_contrasts(key: &str, colour: Rgb) -> Vec<(&'static str, &'static str, f64)> {
    match key {
        "primary" => {
            let dark = mix(colour, 0.45, WHITE);
            vec![
                ("light", "links", contrast(colour, LIGHT_PAGE)),
                (
                    "light",
                    "the current page in the contents",
                    contrast(colour, mix(colour, 0.10, WHITE)),
                ),
                ("dark", "links", contrast(dark, DARK_PAGE)),
                (
                    "dark",
                    "the current page in the contents",
                    contrast(dark, mix(colour, 0.22, DARK_SURFACE)),
                ),
            ]
        }
        "accent" => vec![
            (
                "light",
                "key messages",
                contrast(colour, mix(colour, 0.07, WHITE)),
            ),
            (
                "dark",
                "key messages",
                contrast(mix(colour, 0.40, WHITE), mix(colour, 0.16, DARK_SURFACE)),
            ),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colours_parse() {
        assert_eq!(parse_hex("#15a"), Some([0x11, 0x55, 0xaa]));
        assert_eq!(parse_hex("#0B6E4F"), Some([0x0b, 0x6e, 0x4f]));
        assert_eq!(parse_hex("#0b6e4f80"), Some([0x0b, 0x6e, 0x4f]));
        assert_eq!(parse_hex("teal"), None);
        assert_eq!(parse_hex("#12345"), None);
    }

    #[test]
    fn contrast_matches_wcag() {
        assert!((contrast([0, 0, 0], WHITE) - 21.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1.
        let grey = contrast([0x76, 0x76, 0x76], WHITE);
        assert!((grey - 4.54).abs() < 0.01, "{grey}");
    }

    #[test]
    fn oklab_mix_matches_css() {
        // The ends are the colours themselves; a round trip keeps a colour.
        assert_eq!(mix([0x1b, 0x5e, 0x9e], 1.0, WHITE), [0x1b, 0x5e, 0x9e]);
        assert_eq!(mix([0x1b, 0x5e, 0x9e], 0.0, WHITE), WHITE);
        // As Chromium paints color-mix(in oklab, …) of these.
        for (mixed, want) in [
            (mix([0x1b, 0x5e, 0x9e], 0.45, WHITE), [153u8, 181, 213]),
            (mix([0x1b, 0x5e, 0x9e], 0.22, DARK_SURFACE), [30, 44, 61]),
            (mix([0xb5, 0x65, 0x1d], 0.16, DARK_SURFACE), [50, 42, 39]),
        ] {
            for (got, want) in mixed.iter().zip(want) {
                assert!(got.abs_diff(want) <= 2, "{mixed:?} against {want:?}");
            }
        }
    }

    #[test]
    fn the_default_colours_read_and_a_pale_one_does_not() {
        for (key, colour) in [
            ("primary", [0x1b, 0x5e, 0x9e]),
            ("accent", [0x1b, 0x5e, 0x9e]),
        ] {
            for (scheme, what, ratio) in brand_contrasts(key, colour) {
                assert!(ratio >= AA, "{key} {scheme} {what}: {ratio}");
            }
        }
        let yellow = brand_contrasts("primary", [0xff, 0xcc, 0x00]);
        assert!(yellow.iter().any(|(s, _, r)| *s == "light" && *r < 2.0));
    }
}
