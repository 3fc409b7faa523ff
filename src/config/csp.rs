//! A Content-Security-Policy read well enough to tell whether it blocks what a page asks for:
//! inline code (style and event handler attributes, `<script>` and `<style>` elements,
//! `javascript:` URLs) and images, media and frames from other sites. It follows the fallback
//! of CSP level 3 (`style-src-attr` → `style-src` → `default-src`, ...) and its source
//! expressions `*`, `'none'`, `'unsafe-inline'`, schemes (`https:`) and hosts
//! (`example.org`, `*.example.org`, with or without a scheme, port or path). Nonces and hashes
//! are not followed: a page of tenet's carries none.

use crate::linkcheck::UrlKind;
use crate::linkcheck::html::Inline;

/// One policy: its directives, each a name and its source list (lower-cased).
#[derive(Debug, Clone)]
pub struct Policy {
    directives: Vec<(String, Vec<String>)>,
}

impl Policy {
    pub fn parse(text: &str) -> Policy {
        let mut directives: Vec<(String, Vec<String>)> = Vec::new();
        for part in text.split(';') {
            let mut words = part.split_ascii_whitespace();
            let Some(name) = words.next() else {
                continue;
            };
            let name = name.to_ascii_lowercase();
            // The first of two directives of one name is the one that counts.
            if directives.iter().any(|(n, _)| *n == name) {
                continue;
            }
            directives.push((name, words.map(str::to_ascii_lowercase).collect()));
        }
        Policy { directives }
    }

    /// The first of `chain` the policy sets, as `name list`, with its sources.
    fn governing(&self, chain: &[&str]) -> Option<(String, &[String])> {
        chain.iter().find_map(|wanted| {
            self.directives
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(name, list)| (format!("{name} {}", list.join(" ")), list.as_slice()))
        })
    }

    /// The directive (as written) that blocks `inline` code, if one does.
    pub fn blocks_inline(&self, inline: Inline) -> Option<String> {
        let chain: &[&str] = match inline {
            Inline::StyleAttribute => &["style-src-attr", "style-src", "default-src"],
            Inline::Style => &["style-src-elem", "style-src", "default-src"],
            Inline::EventHandler => &["script-src-attr", "script-src", "default-src"],
            Inline::Script | Inline::ScriptUrl => &["script-src-elem", "script-src", "default-src"],
        };
        let (shown, list) = self.governing(chain)?;
        (!list.iter().any(|s| s == "'unsafe-inline'")).then_some(shown)
    }

    /// The directive (as written) that blocks loading `url` as a `kind`, if one does. Media
    /// stands for audio, video, frames and objects alike: it is blocked only when every one of
    /// their directives would block it.
    pub fn blocks_url(&self, kind: UrlKind, url: &str) -> Option<String> {
        let chains: &[&[&str]] = match kind {
            UrlKind::Image => &[&["img-src", "default-src"]],
            UrlKind::Stylesheet => &[&["style-src-elem", "style-src", "default-src"]],
            UrlKind::Script => &[&["script-src-elem", "script-src", "default-src"]],
            UrlKind::Media => &[
                &["frame-src", "child-src", "default-src"],
                &["media-src", "default-src"],
                &["object-src", "default-src"],
            ],
            UrlKind::Link => return None,
        };
        let mut blocked = None;
        for chain in chains {
            let (shown, list) = self.governing(chain)?;
            if list.iter().any(|source| allows(source, url)) {
                return None;
            }
            blocked.get_or_insert(shown);
        }
        blocked
    }
}

/// Whether one source expression allows `url` (an absolute http or https URL).
fn allows(source: &str, url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let scheme = scheme.to_ascii_lowercase();
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = host.split(':').next().unwrap_or("").to_ascii_lowercase();
    if source == "*" {
        return scheme == "http" || scheme == "https";
    }
    if let Some(s) = source.strip_suffix(':')
        && !s.contains('/')
    {
        return s == scheme || (s == "http" && scheme == "https");
    }
    if source.starts_with('\'') {
        return false;
    }
    let (source_scheme, source_host) = match source.split_once("://") {
        Some((s, h)) => (Some(s), h),
        None => (None, source),
    };
    if let Some(s) = source_scheme
        && s != scheme
        && !(s == "http" && scheme == "https")
    {
        return false;
    }
    let source_host = source_host.split(['/', ':']).next().unwrap_or("");
    match source_host.strip_prefix("*.") {
        Some(parent) => host.ends_with(&format!(".{parent}")),
        None => source_host == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_blocks_inline_code_and_other_sites() {
        let policy = Policy::parse(super::super::DEFAULT_CSP);
        for inline in [
            Inline::StyleAttribute,
            Inline::Style,
            Inline::EventHandler,
            Inline::Script,
            Inline::ScriptUrl,
        ] {
            assert_eq!(
                policy.blocks_inline(inline).as_deref(),
                Some("default-src 'self' file:"),
                "{inline:?}"
            );
        }
        assert_eq!(
            policy
                .blocks_url(UrlKind::Image, "https://example.org/a.png")
                .as_deref(),
            Some("img-src 'self' file: data:")
        );
        assert!(
            policy
                .blocks_url(UrlKind::Media, "https://www.youtube.com/embed/x")
                .is_some()
        );
        assert_eq!(
            policy.blocks_url(UrlKind::Link, "https://example.org/"),
            None
        );
    }

    #[test]
    fn sources_allow_what_they_name() {
        let policy = Policy::parse(
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https://*.example.org cdn.net; frame-src https:",
        );
        assert_eq!(policy.blocks_inline(Inline::StyleAttribute), None);
        assert_eq!(
            policy.blocks_inline(Inline::Script).as_deref(),
            Some("default-src 'self'")
        );
        assert_eq!(
            policy.blocks_url(UrlKind::Image, "https://img.example.org/a.png"),
            None
        );
        assert!(
            policy
                .blocks_url(UrlKind::Image, "https://example.org/a.png")
                .is_some()
        );
        assert_eq!(
            policy.blocks_url(UrlKind::Image, "http://cdn.net:8080/x.png"),
            None
        );
        assert_eq!(
            policy.blocks_url(UrlKind::Media, "https://www.youtube.com/embed/x"),
            None
        );
        // No policy for a kind: nothing blocked.
        let open = Policy::parse("object-src 'none'");
        assert_eq!(open.blocks_inline(Inline::StyleAttribute), None);
        assert_eq!(open.blocks_url(UrlKind::Image, "https://a.org/x.png"), None);
        let star = Policy::parse("img-src *");
        assert_eq!(star.blocks_url(UrlKind::Image, "https://a.org/x.png"), None);
    }
}
