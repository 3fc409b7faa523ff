//! The fixed words of the theme ("Key Message", "Trainer tip", "Aim", ...), by language.
//!
//! Templates read them as `t.key_message` etc.; block labels and reference texts use them too,
//! so a handbook in another language gets its chrome in that language. English is complete and
//! is the fallback for any key a language lacks.

use std::collections::BTreeMap;

const EN: &[(&str, &str)] = &[
    ("key_message", "Key Message"),
    ("key_messages", "Key messages"),
    ("trainer_tip", "Trainer tip"),
    ("activity", "Activity"),
    ("slide", "Slide"),
    ("example", "Example"),
    ("note", "Note"),
    ("warning", "Warning"),
    ("required", "Required"),
    ("optional", "Optional"),
    ("aim", "Aim"),
    ("duration", "Duration"),
    ("learning_outcomes", "Learning outcomes"),
    (
        "outcomes_intro",
        "By the end of this lesson, learners will be able to:",
    ),
    ("on_this_page", "On this page"),
    ("contents", "Contents"),
    ("show_all_contents", "Show all contents"),
    ("previous", "Previous"),
    ("next", "Next"),
    ("home", "Home"),
    ("referred_to_by", "Referred to by"),
    ("principles", "Principles"),
    ("principles_applied", "Principles"),
    ("related", "Related"),
    ("lessons", "Lessons"),
    ("modules", "Modules"),
    ("case_studies", "Case studies"),
    ("chapters", "Chapters"),
    ("glossary", "Glossary"),
    ("terms", "Glossary terms"),
    ("pages", "Pages"),
    ("summary_of_key_messages", "Summary of Key Messages"),
    ("print_handout", "Print handout"),
    ("print", "Print"),
    ("lesson_plan", "Lesson plan"),
    ("plan_map", "Lesson map"),
    ("sections", "Sections"),
    ("total_time", "Total time of the activities"),
    ("at_least", "at least"),
    ("minutes", "minutes"),
    ("type", "Type"),
    ("print_handbook", "The whole handbook, to print"),
    ("print_module", "This module with all its lessons, to print"),
    ("back_to_lesson", "Back to the lesson"),
    ("search", "Search"),
    ("search_placeholder", "Search the handbook"),
    ("search_result", "result"),
    ("search_results", "results"),
    ("search_no_results", "No results for"),
    ("search_more", "Show more results"),
    ("search_all", "All"),
    ("searching", "Searching…"),
    ("search_in", "in"),
    ("skip_to_content", "Skip to content"),
    ("menu", "Menu"),
    ("edition", "Edition"),
    ("not_found_title", "Page not found"),
    (
        "not_found_text",
        "There is no page at this address. It may have moved: try the contents or the search.",
    ),
    ("back_home", "Go to the home page"),
    ("kind_page", "Page"),
    ("kind_principle", "Principle"),
    ("kind_module", "Module"),
    ("kind_lesson", "Lesson"),
    ("kind_case_study", "Case study"),
    ("kind_chapter", "Chapter"),
    ("kind_term", "Term"),
    ("in_lesson", "in"),
    ("lesson_map", "Lesson at a glance"),
    ("activities", "Activities"),
    ("slides", "Slides"),
    ("tags", "Tags"),
    ("about_principle", "About"),
    ("no_backlinks", "Nothing refers to this page yet."),
    ("all_of_kind", "All"),
    ("letter_other", "#"),
];

/// The fixed words for one language.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(transparent)]
pub struct Strings(BTreeMap<&'static str, String>);

impl Strings {
    /// The words for a BCP 47 language tag. Only English is built in so far; every other
    /// language falls back to it key by key.
    pub fn for_language(_language: &str) -> Strings {
        Strings(EN.iter().map(|(k, v)| (*k, v.to_string())).collect())
    }

    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The label of a page kind ("Lesson").
    pub fn kind(&self, kind: crate::page::Kind) -> &str {
        self.get(match kind {
            crate::page::Kind::Page => "kind_page",
            crate::page::Kind::Principle => "kind_principle",
            crate::page::Kind::Module => "kind_module",
            crate::page::Kind::Lesson => "kind_lesson",
            crate::page::Kind::CaseStudy => "kind_case_study",
            crate::page::Kind::Chapter => "kind_chapter",
            crate::page::Kind::Term => "kind_term",
        })
    }

    /// The plural heading of a group of pages of one kind ("Lessons").
    pub fn kind_plural(&self, kind: crate::page::Kind) -> &str {
        self.get(match kind {
            crate::page::Kind::Page => "pages",
            crate::page::Kind::Principle => "principles",
            crate::page::Kind::Module => "modules",
            crate::page::Kind::Lesson => "lessons",
            crate::page::Kind::CaseStudy => "case_studies",
            crate::page::Kind::Chapter => "chapters",
            crate::page::Kind::Term => "glossary",
        })
    }

    /// The label of a block kind ("Key Message").
    pub fn block(&self, kind: crate::page::BlockKind) -> &str {
        use crate::page::BlockKind::*;
        self.get(match kind {
            KeyMessage => "key_message",
            TrainerTip => "trainer_tip",
            Activity => "activity",
            Slide => "slide",
            Example => "example",
            Note => "note",
            Warning => "warning",
        })
    }
}
