//! The model's words, shared by every stage: the kinds of pages and of blocks, and how a page's
//! title is shown with its number. Nothing here depends on any other module.

/// The kind of a page, from its front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Kind {
    #[default]
    Page,
    Principle,
    Module,
    Lesson,
    CaseStudy,
    Chapter,
    Term,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Page,
        Kind::Principle,
        Kind::Module,
        Kind::Lesson,
        Kind::CaseStudy,
        Kind::Chapter,
        Kind::Term,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Principle => "principle",
            Kind::Module => "module",
            Kind::Lesson => "lesson",
            Kind::CaseStudy => "case-study",
            Kind::Chapter => "chapter",
            Kind::Term => "term",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The id of the generated index page listing every page of this kind.
    pub fn index_id(self) -> Option<&'static str> {
        match self {
            Kind::Page => None,
            Kind::Principle => Some("principles"),
            Kind::Module => Some("modules"),
            Kind::Lesson => Some("lessons"),
            Kind::CaseStudy => Some("case-studies"),
            Kind::Chapter => Some("chapters"),
            Kind::Term => Some("glossary"),
        }
    }
}

/// The kind of a `:::` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    KeyMessage,
    TrainerTip,
    Activity,
    Slide,
    Example,
    Note,
    Warning,
}

impl BlockKind {
    pub const ALL: [BlockKind; 7] = [
        BlockKind::KeyMessage,
        BlockKind::TrainerTip,
        BlockKind::Activity,
        BlockKind::Slide,
        BlockKind::Example,
        BlockKind::Note,
        BlockKind::Warning,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BlockKind::KeyMessage => "key-message",
            BlockKind::TrainerTip => "trainer-tip",
            BlockKind::Activity => "activity",
            BlockKind::Slide => "slide",
            BlockKind::Example => "example",
            BlockKind::Note => "note",
            BlockKind::Warning => "warning",
        }
    }

    pub fn parse(name: &str) -> Option<BlockKind> {
        BlockKind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        BlockKind::ALL.iter().map(|k| k.name()).collect()
    }
}

/// A page's title with its number in front ("1.3 Principles of Peacekeeping"), unless the
/// title already carries the number ("Module 1: Foundations").
pub fn display_title(title: &str, number: Option<&str>) -> String {
    match number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(number) => {
            let has_it = title
                .split(|c: char| !(c.is_alphanumeric() || c == '.'))
                .any(|word| word.trim_end_matches('.') == number);
            if has_it {
                title.to_string()
            } else {
                format!("{number} {title}")
            }
        }
        None => title.to_string(),
    }
}

/// Minutes in a duration as written: "20 minutes", "20 min", "1 hour", "1.5 h", "90".
pub fn minutes(duration: &str) -> Option<u32> {
    let text = duration.trim().to_lowercase();
    let number: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let value: f64 = number.parse().ok()?;
    let unit = text[number.len()..].trim_start();
    let factor = if unit.starts_with('h') { 60.0 } else { 1.0 };
    Some((value * factor).round() as u32)
}
