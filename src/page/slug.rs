//! Heading anchors: GitHub-style slugs, unique within a page.

use std::collections::HashSet;

/// GitHub's rule: lower-case, keep letters, digits, `-` and `_`, turn spaces into `-`, drop the
/// rest. Letters of every script are kept, so Arabic or Chinese headings get anchors too.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            slug.extend(c.to_lowercase());
        } else if c == ' ' {
            slug.push('-');
        }
    }
    slug
}

/// Hands out anchors that are unique within one page.
#[derive(Default)]
pub struct Anchors {
    taken: HashSet<String>,
}

impl Anchors {
    /// Reserves an anchor that must keep its exact name (a block id, an explicit heading id).
    /// Returns false when it was already taken.
    pub fn reserve(&mut self, anchor: &str) -> bool {
        self.taken.insert(anchor.to_string())
    }

    /// A unique anchor for a heading: its slug, or the slug with `-1`, `-2`, ... appended.
    pub fn unique(&mut self, text: &str) -> String {
        let base = slugify(text);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        if self.taken.insert(base.clone()) {
            return base;
        }
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unused suffix exists")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_github() {
        assert_eq!(slugify("Consent of the Parties"), "consent-of-the-parties");
        assert_eq!(
            slugify("1.3 Principles: What & Why?"),
            "13-principles-what--why"
        );
        assert_eq!(slugify("Non-use of force"), "non-use-of-force");
        assert_eq!(slugify("Impartialité"), "impartialité");
        assert_eq!(slugify("الموافقة"), "الموافقة");
    }

    #[test]
    fn repeated_headings_get_suffixes() {
        let mut anchors = Anchors::default();
        assert!(anchors.reserve("key-message-1"));
        assert_eq!(anchors.unique("Summary"), "summary");
        assert_eq!(anchors.unique("Summary"), "summary-1");
        assert_eq!(anchors.unique("Key Message 1"), "key-message-1-1");
        assert!(!anchors.reserve("summary"));
    }
}
