//! Page titles as the site shows them; the output paths and relative URLs are
//! [`crate::layout`]'s.

pub use crate::layout::{encode_path, href, output_path, root_of};
use crate::site::Site;

pub use crate::model::display_title;

/// The display title of a page of the site.
pub fn page_title(site: &Site, page: usize) -> String {
    let fm = &site.pages[page].fm;
    display_title(&fm.title, fm.number.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_shown_once() {
        assert_eq!(
            display_title("Principles of Peacekeeping", Some("1.3")),
            "1.3 Principles of Peacekeeping"
        );
        assert_eq!(
            display_title("Module 1: Foundations", Some("1")),
            "Module 1: Foundations"
        );
        assert_eq!(display_title("Consent", None), "Consent");
    }
}
