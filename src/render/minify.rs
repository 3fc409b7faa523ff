//! Minifying what a build writes: pages (HTML with their inline CSS) and the theme's scripts
//! and stylesheets. Pages and stylesheets need the `full-minify` feature (minify-html, and the
//! CSS minifier it brings, are a third of a clean build's compile time); without it they are
//! written as they are, and `[build] minify = "full"` is a warning.

/// Whether this build of tenet has the full minifier (`--features full-minify`).
pub const FULL: bool = cfg!(feature = "full-minify");

/// How deep a page's elements may nest for it to be minified: the minifier recurses per level,
/// and a deeper page (raw HTML nested thousands deep) would overflow its thread's stack.
pub const MINIFY_DEPTH: usize = 256;

/// An upper bound of how deep the elements of `html` nest: start tags less end tags, at most
/// (void elements and `/>` do not count; an end tag left out, as `<p>` allows, only raises it).
pub fn nesting_depth(html: &[u8]) -> usize {
    const VOID: [&[u8]; 14] = [
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"param", b"source", b"track", b"wbr",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    for at in memchr::memchr_iter(b'<', html) {
        let rest = &html[at + 1..];
        match rest.first() {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let name_end = rest
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .unwrap_or(rest.len());
                let name = &rest[..name_end];
                if VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
                    continue;
                }
                let tag_end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
                if tag_end > 0 && rest[tag_end - 1] == b'/' {
                    continue;
                }
                depth += 1;
                deepest = deepest.max(depth);
            }
            _ => {}
        }
    }
    deepest
}

/// Minifies one HTML page (inline CSS too; there is no inline script worth the cost); without
/// the `full-minify` feature, returns it as it is.
#[cfg(not(feature = "full-minify"))]
pub fn minify_html(html: &[u8]) -> Vec<u8> {
    html.to_vec()
}

/// Minifies one HTML page (inline CSS too; there is no inline script worth the cost).
#[cfg(feature = "full-minify")]
pub fn minify_html(html: &[u8]) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        minify_css: true,
        minify_js: false,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html, &cfg)
}

/// Minifies a theme's script (oxc: compressed, local names mangled, comments dropped) or
/// stylesheet (minify-html's CSS minifier, as the inside of a `<style>` element). Anything else,
/// or anything that does not parse or come out smaller, is returned as it was.
pub fn minify_asset(rel: &str, bytes: Vec<u8>) -> Vec<u8> {
    let smaller = |out: Vec<u8>, bytes: Vec<u8>| {
        if !out.is_empty() && out.len() < bytes.len() {
            out
        } else {
            bytes
        }
    };
    if rel.ends_with(".js") {
        let Ok(source) = std::str::from_utf8(&bytes) else {
            return bytes;
        };
        let allocator = oxc_allocator::Allocator::default();
        let parsed =
            oxc_parser::Parser::new(&allocator, source, oxc_span::SourceType::cjs()).parse();
        if !parsed.errors.is_empty() || parsed.panicked {
            return bytes;
        }
        let mut program = parsed.program;
        let minified = oxc_minifier::Minifier::new(oxc_minifier::MinifierOptions {
            mangle: Some(oxc_minifier::MangleOptions::default()),
            compress: Some(oxc_minifier::CompressOptions::safest()),
        })
        .minify(&allocator, &mut program);
        let code = oxc_codegen::Codegen::new()
            .with_options(oxc_codegen::CodegenOptions::minify())
            .with_scoping(minified.scoping)
            .build(&program)
            .code;
        return smaller(code.into_bytes(), bytes);
    }
    #[cfg(feature = "full-minify")]
    if rel.ends_with(".css") && !bytes.windows(7).any(|w| w.eq_ignore_ascii_case(b"</style")) {
        let mut wrapped = b"<style>".to_vec();
        wrapped.extend_from_slice(&bytes);
        wrapped.extend_from_slice(b"</style>");
        let cfg = minify_html::Cfg {
            minify_css: true,
            keep_closing_tags: true,
            ..minify_html::Cfg::default()
        };
        let out = minify_html::minify(&wrapped, &cfg);
        let inner = out
            .strip_prefix(b"<style>".as_slice())
            .and_then(|rest| rest.strip_suffix(b"</style>".as_slice()))
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        return smaller(inner, bytes);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_bounded_from_above() {
        assert_eq!(nesting_depth(b"<p>a<br>b<img src=x><span>c</span></p>"), 2);
        assert_eq!(nesting_depth(b"<div><p>one<p>two</div>"), 3);
        assert_eq!(nesting_depth(b"<svg><path d=x/></svg>"), 1);
        let deep = "<blockquote>".repeat(20_000);
        assert_eq!(nesting_depth(deep.as_bytes()), 20_000);
    }

    #[test]
    fn a_page_as_deep_as_allowed_is_minified_without_trouble() {
        // On a thread with the stack of a rayon worker (2 MiB).
        let html = format!(
            "<!doctype html><html><head></head><body>{}x{}</body></html>",
            "<div>".repeat(MINIFY_DEPTH),
            "</div>".repeat(MINIFY_DEPTH)
        );
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || minify_html(html.as_bytes()))
            .unwrap()
            .join()
            .unwrap();
        assert!(!out.is_empty());
    }
}
