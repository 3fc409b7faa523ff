//! Minifying what a build writes: pages (HTML with their inline CSS) and the theme's scripts
//! and stylesheets.

/// Minifies one HTML page (inline CSS too; there is no inline script worth the cost).
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
