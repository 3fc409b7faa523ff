//! What templates see: one context per output page, as plain serializable structs.
//!
//! Every template gets `book`, `t` (the fixed words), `asset` (versioned static paths),
//! `sections` (links to the kind indexes) and `search_enabled` from the global context, and per
//! page: `root` (relative path to the site root), `page`, `nav` (its branch of the tree:
//! ancestors, siblings, children, previous and next), `backlinks` grouped by kind, and for index
//! pages `index`. A page never carries the whole tree: the full tree is one shared script,
//! `assets/tree.js`, that the theme loads when it wants it.

use serde::Serialize;

use super::Renderer;
use super::jobs::Job;
use super::links::{self, href, page_title};
use super::scripts::print_marker;
use crate::page::{BlockKind, Kind};
use crate::site::Source;

#[derive(Serialize)]
pub struct BookCx {
    pub title: String,
    pub language: String,
    pub dir: &'static str,
    pub edition: Option<String>,
    /// The edition as pages show it ([`BookConfig::edition_line`](crate::config::BookConfig::edition_line)).
    pub edition_line: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
}

/// `[theme]` branding, as templates use it.
#[derive(Serialize, Clone)]
pub struct BrandCx {
    /// Output path of the logo (a key of `asset`), if any.
    pub logo: Option<String>,
    /// Output path of the favicon (a key of `asset`) and its MIME type.
    pub favicon: String,
    pub favicon_type: &'static str,
    pub footer: Option<String>,
    /// CSS that sets the brand colours (`:root{--primary:...}`), if any.
    pub style: Option<String>,
}

#[derive(Serialize, Clone)]
pub struct LinkCx {
    pub id: String,
    pub title: String,
    pub url: String,
    pub number: Option<String>,
    pub kind: &'static str,
    pub kind_label: String,
    pub summary: Option<String>,
    pub current: bool,
    /// The page's own language and direction where they differ from the handbook's (an
    /// untranslated base page in an edition): its title and summary are in it.
    pub lang: Option<String>,
    pub dir: Option<&'static str>,
}

#[derive(Serialize)]
pub struct TocCx {
    pub level: u8,
    pub anchor: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct BlockCx {
    pub id: String,
    pub number: usize,
    pub label: String,
    pub html: String,
    pub principles: Vec<LinkCx>,
}

/// One slide of a lesson's deck: the slide block's content, and what sits with it in the
/// lesson (the trainer tips, key messages and activities between it and the next slide), for
/// the speaker view.
#[derive(Serialize)]
pub struct SlideCx {
    /// 1-based, as the deck's location hash names it.
    pub number: usize,
    /// The slide block's id in the lesson (its anchor there).
    pub id: String,
    pub label: String,
    pub html: String,
    pub notes: Vec<NoteCx>,
}

/// A trainer tip, key message or activity shown beside a slide in the speaker view.
#[derive(Serialize)]
pub struct NoteCx {
    pub kind: &'static str,
    pub label: String,
    pub duration: Option<String>,
    pub html: String,
}

#[derive(Serialize)]
pub struct ActivityCx {
    pub id: String,
    pub label: String,
    pub number: Option<String>,
    pub title: Option<String>,
    pub kind: Option<String>,
    pub duration: Option<String>,
}

#[derive(Serialize)]
pub struct PageCx {
    pub id: String,
    pub title: String,
    pub display_title: String,
    pub number: Option<String>,
    pub kind: &'static str,
    pub kind_label: String,
    pub summary: Option<String>,
    pub content: String,
    pub toc: Vec<TocCx>,
    pub aim: Option<String>,
    pub duration: Option<String>,
    pub outcomes: Vec<String>,
    pub tags: Vec<String>,
    pub principles: Vec<LinkCx>,
    pub related: Vec<LinkCx>,
    pub key_messages: Vec<BlockCx>,
    pub activities: Vec<ActivityCx>,
    pub slides: usize,
    pub trainer_tips: usize,
    pub has_code: bool,
    pub is_home: bool,
    /// The page's own language and direction where they differ from the handbook's (an
    /// untranslated base page in an edition).
    pub lang: Option<String>,
    pub dir: Option<&'static str>,
}

/// What a lesson plan adds to the lesson: the activities' total time.
#[derive(Serialize)]
pub struct PlanCx {
    /// Sum of the activities' durations, in minutes.
    pub minutes: u32,
    /// Whether every activity gave a duration (else the sum is a minimum).
    pub all_timed: bool,
    /// The sum in words ("45 minutes", "at least 45 minutes"), in the handbook's language.
    pub total: String,
}

pub use crate::model::minutes;

/// One page in the print view.
#[derive(Serialize)]
pub struct PrintPageCx {
    pub anchor: String,
    pub title: String,
    pub kind: &'static str,
    pub kind_label: String,
    /// How deep in the tree (0: the home page).
    pub depth: usize,
    pub new_page: bool,
    pub aim: Option<String>,
    pub outcomes: Vec<String>,
    pub html: String,
    /// The page's own language and direction where they differ from the handbook's (an
    /// untranslated base page in an edition).
    pub lang: Option<String>,
    pub dir: Option<&'static str>,
    /// Whether the page is in this view (a split handbook's view lists every page in its
    /// contents, and holds only the pages above the parts).
    pub here: bool,
    /// Where its contents entry leads: `#anchor` in this view, or the view that holds it.
    pub href: String,
}

#[derive(Serialize)]
pub struct BacklinkCx {
    pub title: String,
    pub url: String,
    /// For a key message: its text, and the page it is on.
    pub html: Option<String>,
    pub page: Option<LinkCx>,
    /// The referring page's own language and direction, where they differ from the
    /// handbook's (its title and text are in it).
    pub lang: Option<String>,
    pub dir: Option<&'static str>,
}

#[derive(Serialize)]
pub struct GroupCx {
    pub kind: &'static str,
    pub label: String,
    pub items: Vec<BacklinkCx>,
}

#[derive(Serialize, Default)]
pub struct NavCx {
    pub ancestors: Vec<LinkCx>,
    pub siblings: Vec<LinkCx>,
    pub children: Vec<LinkCx>,
    pub prev: Option<LinkCx>,
    pub next: Option<LinkCx>,
}

#[derive(Serialize)]
pub struct IndexGroupCx {
    pub label: String,
    pub anchor: String,
    pub items: Vec<LinkCx>,
    /// The label's language and direction where they differ from the handbook's (the initial
    /// of an untranslated term, the title of an untranslated module).
    pub lang: Option<String>,
    pub dir: Option<&'static str>,
}

#[derive(Serialize)]
pub struct IndexCx {
    pub kind: &'static str,
    pub title: String,
    pub count: usize,
    pub groups: Vec<IndexGroupCx>,
}

impl Renderer<'_> {
    /// What every template sees besides its page's data: the book, the fixed words (`t`), the
    /// brand, versioned asset paths, the kind indexes (`sections`), whether there is search,
    /// and the paper size. For rendering, or (`hashed`) as a hash.
    pub fn globals(&self, hashed: bool) -> JobCx {
        let mut cx = JobCx::new(hashed);
        cx.insert("book", &self.book_context());
        cx.insert("t", &self.strings);
        cx.insert("brand", &self.brand_context());
        cx.insert("asset", &self.assets);
        cx.insert("sections", &self.sections());
        cx.insert("search_enabled", &self.config.search.enabled);
        cx.insert("print_paper", self.config.print.paper.css());
        cx.insert("csp", &self.config.build.content_security_policy);
        cx
    }

    pub fn book_context(&self) -> BookCx {
        let book = &self.config.book;
        BookCx {
            title: book.title.clone(),
            language: book.language.clone(),
            dir: book.direction(),
            edition: book.edition.clone(),
            edition_line: book.edition_line(self.strings.get("edition")),
            description: book.description.clone(),
            author: book.author.clone(),
        }
    }

    pub fn brand_context(&self) -> BrandCx {
        let theme = &self.config.theme;
        let favicon = theme
            .favicon
            .as_deref()
            .map(|f| super::theme::brand_path("favicon", f))
            .unwrap_or_else(|| "assets/favicon.svg".into());
        let favicon_type = match favicon.rsplit('.').next() {
            Some("svg") => "image/svg+xml",
            Some("png") => "image/png",
            Some("ico") => "image/x-icon",
            Some("gif") => "image/gif",
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("webp") => "image/webp",
            _ => "image/svg+xml",
        };
        let mut style = String::new();
        if let Some(primary) = &theme.primary {
            style.push_str(&format!("--primary:{primary};"));
        }
        if let Some(accent) = &theme.accent {
            style.push_str(&format!("--highlight:{accent};"));
        }
        BrandCx {
            logo: theme
                .logo
                .as_deref()
                .map(|f| super::theme::brand_path("logo", f)),
            favicon,
            favicon_type,
            footer: theme.footer.clone(),
            style: (!style.is_empty()).then(|| format!(":root{{{style}}}")),
        }
    }

    /// Links to the kind indexes, root-relative (templates prefix `root`).
    pub fn sections(&self) -> Vec<LinkCx> {
        self.site
            .indexes
            .iter()
            .filter(|i| i.kind != Kind::Module)
            .map(|i| LinkCx {
                id: i.id.to_string(),
                title: self.strings.kind_plural(i.kind).to_string(),
                url: links::encode_path(&links::output_path(i.id)),
                number: None,
                kind: "index",
                kind_label: String::new(),
                summary: None,
                current: false,
                lang: None,
                dir: None,
            })
            .collect()
    }

    pub fn link(&self, page: usize, from: &str) -> LinkCx {
        let p = &self.site.pages[page];
        LinkCx {
            id: p.id.clone(),
            title: page_title(self.site, page),
            url: href(from, &p.id, None),
            number: p.fm.number.clone(),
            kind: p.fm.kind.name(),
            kind_label: self.strings.kind(p.fm.kind).to_string(),
            summary: p
                .fm
                .summary
                .clone()
                .or_else(|| p.lead.as_ref().map(|l| l.all_text().into_owned())),
            current: p.id == from,
            lang: p.language.clone(),
            dir: p.language.as_deref().map(crate::strings::direction),
        }
    }

    /// The template, output path and context of one job.
    pub fn job_context(&self, job: Job, theme: &super::Theme) -> (String, String, JobCx) {
        match job {
            Job::Page(p) => {
                let page = &self.site.pages[p];
                let index = self.site.indexes.iter().position(|i| i.page == Some(p));
                let template = match index {
                    Some(i) => index_template(self.site.indexes[i].kind),
                    None if page.id.is_empty() => "home.html".to_string(),
                    None => format!("{}.html", page.fm.kind.name()),
                };
                let template = if theme.tera.contains_template(&template) {
                    template
                } else {
                    "page.html".to_string()
                };
                let mut cx = JobCx::new(self.cheap);
                cx.insert("root", &links::root_of(&page.id));
                cx.insert("page", &self.page_context(p));
                cx.insert("nav", &self.nav(p));
                cx.insert("backlinks", &self.backlinks(p));
                if let Some(i) = index {
                    cx.insert("index", &self.index_context(i, &page.id));
                }
                (template, links::output_path(&page.id), cx)
            }
            Job::Handout(p) => {
                let (id, _) = job.printed(self.site).expect("a printed page");
                let mut cx = JobCx::new(self.cheap);
                cx.insert("root", &links::root_of(&id));
                cx.insert("page", &self.page_context_at(p, &id, true));
                // The handout sits in the lesson's folder.
                cx.insert("lesson_url", "../index.html");
                ("handout.html".to_string(), links::output_path(&id), cx)
            }
            Job::LessonPlan(p) => {
                let (id, _) = job.printed(self.site).expect("a printed page");
                let mut cx = JobCx::new(self.cheap);
                cx.insert("root", &links::root_of(&id));
                let page = self.page_context_at(p, &id, false);
                let minutes: Vec<Option<u32>> = page
                    .activities
                    .iter()
                    .map(|a| a.duration.as_deref().and_then(minutes))
                    .collect();
                cx.insert("plan", &{
                    let sum: u32 = minutes.iter().flatten().sum();
                    let all_timed = minutes.iter().all(Option::is_some);
                    let key = if all_timed {
                        "minutes"
                    } else {
                        "at_least_minutes"
                    };
                    PlanCx {
                        minutes: sum,
                        all_timed,
                        total: self.strings.count(key, sum),
                    }
                });
                cx.insert("page", &page);
                cx.insert("lesson_url", "../index.html");
                ("lesson-plan.html".to_string(), links::output_path(&id), cx)
            }
            Job::Slides(p) => {
                let (id, _) = job.printed(self.site).expect("a printed page");
                let mut cx = JobCx::new(self.cheap);
                cx.insert("root", &links::root_of(&id));
                cx.insert("page", &self.page_context_at(p, &id, true));
                cx.insert("slides", &self.slides(p, &id));
                cx.insert("lesson_url", "../index.html");
                ("slides.html".to_string(), links::output_path(&id), cx)
            }
            Job::Print(scope) => {
                let (id, _) = job.printed(self.site).expect("a printed page");
                let mut cx = JobCx::new(self.cheap);
                cx.insert("root", &links::root_of(&id));
                let title = match scope {
                    Some(m) => page_title(self.site, m),
                    None => self.book_context().title.clone(),
                };
                let mut page = self.generated_page(&id, &title);
                page.kind = "print";
                cx.insert("page", &page);
                cx.insert("print", &self.print_context(scope, &id));
                cx.insert(
                    "print_split",
                    &(scope.is_none() && self.print_views.is_split()),
                );
                ("print.html".to_string(), links::output_path(&id), cx)
            }
            Job::Index(i) => {
                let index = &self.site.indexes[i];
                let title = self.strings.kind_plural(index.kind).to_string();
                let mut cx = JobCx::new(self.cheap);
                cx.insert("root", &links::root_of(index.id));
                cx.insert("page", &self.generated_page(index.id, &title));
                let mut nav = NavCx::default();
                nav.ancestors.push(self.link(self.site.home, index.id));
                cx.insert("nav", &nav);
                cx.insert("backlinks", &Vec::<GroupCx>::new());
                cx.insert("index", &self.index_context(i, index.id));
                let template = index_template(index.kind);
                let template = if theme.tera.contains_template(&template) {
                    template
                } else {
                    "list.html".to_string()
                };
                (template, links::output_path(index.id), cx)
            }
            Job::NotFound => {
                let base = &self.config.book.base_url;
                let root = if self.config.book.has_absolute_base_url() {
                    let after_scheme = base.split_once("://").map(|(_, r)| r).unwrap_or(base);
                    let path = after_scheme
                        .find('/')
                        .map(|i| &after_scheme[i..])
                        .unwrap_or("/");
                    format!("{}/", path.trim_end_matches('/'))
                } else {
                    format!("/{}/", base.trim_matches('/')).replace("//", "/")
                };
                let mut cx = JobCx::new(self.cheap);
                cx.insert("root", &root);
                let title = self.strings.get("not_found_title").to_string();
                cx.insert("page", &self.generated_page("404", &title));
                cx.insert("nav", &NavCx::default());
                cx.insert("backlinks", &Vec::<GroupCx>::new());
                ("404.html".to_string(), "404.html".to_string(), cx)
            }
            Job::Search => {
                let mut cx = JobCx::new(self.cheap);
                cx.insert("root", &links::root_of("search"));
                let title = self.strings.get("search").to_string();
                let mut page = self.generated_page("search", &title);
                page.kind = "search";
                cx.insert("page", &page);
                let mut nav = NavCx::default();
                nav.ancestors.push(self.link(self.site.home, "search"));
                cx.insert("nav", &nav);
                cx.insert("backlinks", &Vec::<GroupCx>::new());
                ("search.html".to_string(), links::output_path("search"), cx)
            }
            Job::Contents => {
                let mut cx = JobCx::new(self.cheap);
                let root = links::root_of("contents");
                let title = self.strings.get("contents").to_string();
                cx.insert("page", &self.generated_page("contents", &title));
                let mut nav = NavCx::default();
                nav.ancestors.push(self.link(self.site.home, "contents"));
                cx.insert("nav", &nav);
                cx.insert("backlinks", &Vec::<GroupCx>::new());
                cx.insert("contents", &super::contents::tree_html(self.site, &root));
                cx.insert("root", &root);
                (
                    "contents.html".to_string(),
                    links::output_path("contents"),
                    cx,
                )
            }
        }
    }

    /// Which pages a print view holds: every page (in a split handbook, those no part's view
    /// holds), or with a scope that page and the pages under it.
    pub fn print_pages(&self, scope: Option<usize>) -> Vec<bool> {
        let site = self.site;
        if scope.is_none() && self.print_views.is_split() {
            return self
                .print_views
                .holder
                .iter()
                .map(Option::is_none)
                .collect();
        }
        let top = scope.unwrap_or(site.home);
        (0..site.pages.len())
            .map(|mut p| {
                loop {
                    if p == top {
                        return true;
                    }
                    match site.parent[p] {
                        Some(up) => p = up,
                        None => return false,
                    }
                }
            })
            .collect()
    }

    /// Every page in reading order (or, with a scope, that page and the pages under it), for
    /// the print view at `id`; in a split handbook's view, the pages it holds and the first page
    /// of each part's view, linking to it.
    fn print_context(&self, scope: Option<usize>, id: &str) -> Vec<PrintPageCx> {
        let site = self.site;
        let top = scope.unwrap_or(site.home);
        // Depth under the top page, if the page is under it.
        let depth = |mut p: usize| {
            let mut d = 0;
            loop {
                if p == top {
                    return Some(d);
                }
                p = site.parent[p]?;
                d += 1;
            }
        };
        let printed = self.print_pages(scope);
        // Split, the handbook's view lists the pages it holds and the views' first pages (each
        // view lists its own): the contents of 100,000 pages would be a 20 MB file of its own.
        let listed: Vec<bool> = match scope {
            None => (0..site.pages.len())
                .map(|p| printed[p] || self.print_views.holder[p] == Some(p))
                .collect(),
            Some(_) => printed.clone(),
        };
        let root = links::root_of(id);
        site.order
            .iter()
            .filter(|&&p| listed[p])
            .map(|&p| {
                let page = &site.pages[p];
                let kind = page.fm.kind;
                let anchor = super::bodies::print_anchor(&page.id);
                let href = match self.print_views.holder[p] {
                    Some(view) if !printed[p] => format!(
                        "{root}{}#{anchor}",
                        links::output_path(&format!("print/{}", site.pages[view].id))
                    ),
                    _ => format!("#{anchor}"),
                };
                PrintPageCx {
                    here: printed[p],
                    href,
                    anchor,
                    title: page_title(site, p),
                    kind: kind.name(),
                    kind_label: self.strings.kind(kind).to_string(),
                    depth: depth(p).unwrap_or(0) + usize::from(scope.is_some()),
                    // Parts (pages with pages under them), chapters, modules and lessons
                    // begin on a new sheet.
                    new_page: p != top
                        && (!site.children[p].is_empty()
                            || matches!(kind, Kind::Chapter | Kind::Module | Kind::Lesson)),
                    aim: page.fm.aim.clone(),
                    outcomes: page.fm.outcomes.clone(),
                    // The bodies are written into the document as it is saved (see
                    // `print_marker`), so the whole handbook is never one string in a context.
                    html: if printed[p] {
                        print_marker(p)
                    } else {
                        String::new()
                    },
                    lang: page.language.clone(),
                    dir: page.language.as_deref().map(crate::strings::direction),
                }
            })
            .collect()
    }

    fn generated_page(&self, id: &str, title: &str) -> PageCx {
        PageCx {
            lang: None,
            dir: None,
            id: id.to_string(),
            title: title.to_string(),
            display_title: title.to_string(),
            number: None,
            kind: "index",
            kind_label: String::new(),
            summary: None,
            content: String::new(),
            toc: Vec::new(),
            aim: None,
            duration: None,
            outcomes: Vec::new(),
            tags: Vec::new(),
            principles: Vec::new(),
            related: Vec::new(),
            key_messages: Vec::new(),
            activities: Vec::new(),
            slides: 0,
            trainer_tips: 0,
            has_code: false,
            is_home: false,
        }
    }

    fn page_context(&self, p: usize) -> PageCx {
        self.page_context_at(p, &self.site.pages[p].id, false)
    }

    /// A page's context as shown at `id` (its own, or a page made from it); for a handout, key
    /// messages leave out any block nested in them (a trainer tip, say), and the body is left
    /// out.
    fn page_context_at(&self, p: usize, id: &str, handout: bool) -> PageCx {
        let page = &self.site.pages[p];
        let blocks_of = |kind: BlockKind| {
            page.blocks
                .iter()
                .enumerate()
                .filter(move |(_, b)| b.spec.kind == kind)
        };
        let key_messages = blocks_of(BlockKind::KeyMessage)
            .map(|(b, block)| BlockCx {
                id: block.spec.id.clone(),
                number: block.spec.ordinal,
                label: self.block_label(block),
                html: if handout {
                    let range = block.inner.clone();
                    self.fill_keeping(p, range, id, &|k| k == BlockKind::KeyMessage)
                } else {
                    self.block_html(p, b, id)
                },
                principles: self.site.block_principles[p][b]
                    .iter()
                    .map(|&t| self.link(t, id))
                    .collect(),
            })
            .collect();
        let activities = blocks_of(BlockKind::Activity)
            .map(|(_, block)| ActivityCx {
                id: block.spec.id.clone(),
                label: self.block_label(block),
                number: block.spec.attr("number").map(str::to_string),
                title: block.spec.attr("title").map(str::to_string),
                kind: block
                    .spec
                    .attr("type")
                    .map(|t| self.strings.get(t).to_string()),
                duration: block.spec.attr("duration").map(str::to_string),
            })
            .collect();
        PageCx {
            id: page.id.clone(),
            title: page.fm.title.clone(),
            display_title: page_title(self.site, p),
            number: page.fm.number.clone(),
            kind: page.fm.kind.name(),
            kind_label: self.strings.kind(page.fm.kind).to_string(),
            summary: page.fm.summary.clone(),
            content: if handout {
                String::new()
            } else {
                self.body(p, id)
            },
            toc: page
                .headings
                .read()
                .into_iter()
                .filter(|h| (2..=3).contains(&h.level))
                .map(|h| TocCx {
                    level: h.level,
                    anchor: h.anchor,
                    text: h.text,
                })
                .collect(),
            aim: page.fm.aim.clone(),
            duration: page.fm.duration.clone(),
            outcomes: page.fm.outcomes.clone(),
            tags: page.fm.tags.clone(),
            principles: self.site.principles[p]
                .iter()
                .map(|&t| self.link(t, id))
                .collect(),
            related: self.site.related[p]
                .iter()
                .map(|&t| self.link(t, id))
                .collect(),
            key_messages,
            activities,
            slides: blocks_of(BlockKind::Slide).count(),
            trainer_tips: blocks_of(BlockKind::TrainerTip).count(),
            has_code: page.has_code && self.highlight_css,
            is_home: p == self.site.home,
            lang: page.language.clone(),
            dir: page.language.as_deref().map(crate::strings::direction),
        }
    }

    /// The slides of lesson `p` (every slide block, in the order written, nested or not), each
    /// with the tips, key messages and activities that follow it up to the next slide, as shown
    /// on the page `from`. Those before the first slide go with the first; one that holds slides
    /// (an activity with its own slide) goes with the first slide it holds; one inside another
    /// block shows within that block.
    fn slides(&self, p: usize, from: &str) -> Vec<SlideCx> {
        let page = &self.site.pages[p];
        let mut holds_slide = vec![false; page.blocks.len()];
        for block in page
            .blocks
            .iter()
            .filter(|b| b.spec.kind == BlockKind::Slide)
        {
            let mut up = block.spec.parent;
            while let Some(a) = up {
                holds_slide[a] = true;
                up = page.blocks[a].spec.parent;
            }
        }
        let mut slides: Vec<SlideCx> = Vec::new();
        // Notes waiting for a slide: those before the first, and those holding the next one.
        let mut waiting: Vec<NoteCx> = Vec::new();
        for (b, block) in page.blocks.iter().enumerate() {
            let kind = block.spec.kind;
            if kind == BlockKind::Slide {
                slides.push(SlideCx {
                    number: slides.len() + 1,
                    id: block.spec.id.clone(),
                    label: self.block_label(block),
                    html: self.block_html(p, b, from),
                    notes: std::mem::take(&mut waiting),
                });
            } else if block.spec.parent.is_none()
                && matches!(
                    kind,
                    BlockKind::TrainerTip | BlockKind::KeyMessage | BlockKind::Activity
                )
            {
                let note = NoteCx {
                    kind: kind.name(),
                    label: self.block_label(block),
                    duration: block.spec.attr("duration").map(str::to_string),
                    html: self.block_html(p, b, from),
                };
                match slides.last_mut() {
                    Some(slide) if !holds_slide[b] => slide.notes.push(note),
                    _ => waiting.push(note),
                }
            }
        }
        if let Some(last) = slides.last_mut() {
            last.notes.append(&mut waiting);
        }
        slides
    }

    /// The page's own branch of the tree: never the whole tree.
    fn nav(&self, p: usize) -> NavCx {
        let site = self.site;
        let id = site.pages[p].id.as_str();
        let mut ancestors = Vec::new();
        let mut cursor = site.parent[p];
        while let Some(a) = cursor {
            ancestors.push(self.link(a, id));
            cursor = site.parent[a];
        }
        ancestors.reverse();
        let siblings = match site.parent[p] {
            Some(parent) => site.children[parent]
                .iter()
                .map(|&s| self.link(s, id))
                .collect(),
            None => Vec::new(),
        };
        let children = site.children[p].iter().map(|&c| self.link(c, id)).collect();
        let rank = site.rank[p];
        let prev = rank.checked_sub(1).map(|r| self.link(site.order[r], id));
        let next = site.order.get(rank + 1).map(|&n| self.link(n, id));
        NavCx {
            ancestors,
            siblings,
            children,
            prev,
            next,
        }
    }

    /// What refers to the page, grouped by kind: key messages first, then lessons, ...
    fn backlinks(&self, p: usize) -> Vec<GroupCx> {
        let site = self.site;
        let id = site.pages[p].id.as_str();
        const ORDER: [&str; 8] = [
            "key-message",
            "lesson",
            "module",
            "case-study",
            "chapter",
            "principle",
            "term",
            "page",
        ];
        let mut groups: Vec<GroupCx> = Vec::new();
        for &Source { page: s, block } in &site.backlinks[p] {
            let source = &site.pages[s];
            let key_message =
                block.filter(|&b| source.blocks[b].spec.kind == BlockKind::KeyMessage);
            let kind = match key_message {
                Some(_) => "key-message",
                None => source.fm.kind.name(),
            };
            let lang = source.language.clone();
            let dir = lang.as_deref().map(crate::strings::direction);
            let item = match key_message {
                Some(b) => {
                    let block = &source.blocks[b];
                    BacklinkCx {
                        title: self.ref_text(s, Some(crate::site::Anchor::Block(b))),
                        url: href(id, &source.id, Some(&block.spec.id)),
                        html: Some(self.block_html(s, b, id)),
                        page: Some(self.link(s, id)),
                        lang,
                        dir,
                    }
                }
                None => BacklinkCx {
                    title: page_title(site, s),
                    url: href(id, &source.id, None),
                    html: None,
                    page: None,
                    lang,
                    dir,
                },
            };
            // Sources are unique per target (resolve dedups them), so items are too.
            match groups.iter_mut().find(|g| g.kind == kind) {
                Some(group) => group.items.push(item),
                None => {
                    let label = match kind {
                        "key-message" => self.strings.get("key_messages").to_string(),
                        _ => self.strings.kind_plural(source.fm.kind).to_string(),
                    };
                    groups.push(GroupCx {
                        kind,
                        label,
                        items: vec![item],
                    });
                }
            }
        }
        groups.sort_by_key(|g| {
            ORDER
                .iter()
                .position(|k| *k == g.kind)
                .unwrap_or(ORDER.len())
        });
        groups
    }

    fn index_context(&self, i: usize, from: &str) -> IndexCx {
        let index = &self.site.indexes[i];
        let site = self.site;
        let mut groups: Vec<IndexGroupCx> = Vec::new();
        // Each item with its group's label and the page the label comes from.
        let mut add = |label: String, from_page: Option<usize>, item: LinkCx| match groups
            .iter_mut()
            .find(|g| g.label == label)
        {
            Some(g) => g.items.push(item),
            None => {
                let anchor = format!("group-{}", groups.len() + 1);
                let lang = from_page.and_then(|p| site.pages[p].language.clone());
                groups.push(IndexGroupCx {
                    label,
                    anchor,
                    items: vec![item],
                    dir: lang.as_deref().map(crate::strings::direction),
                    lang,
                });
            }
        };
        match index.kind {
            Kind::Term => {
                let mut items: Vec<usize> = index.items.clone();
                items.sort_by(|&a, &b| {
                    super::super::site::order::natural(
                        &site.pages[a].fm.title.to_lowercase(),
                        &site.pages[b].fm.title.to_lowercase(),
                    )
                });
                for t in items {
                    let letter = initial(&site.pages[t].fm.title);
                    add(letter, Some(t), self.link(t, from));
                }
            }
            Kind::Lesson | Kind::Chapter => {
                for &t in &index.items {
                    let (label, parent) = match site.parent[t] {
                        Some(parent) if parent != site.home => {
                            (page_title(site, parent), Some(parent))
                        }
                        _ => (String::new(), None),
                    };
                    add(label, parent, self.link(t, from));
                }
            }
            _ => {
                for &t in &index.items {
                    add(String::new(), None, self.link(t, from));
                }
            }
        }
        IndexCx {
            kind: index.kind.name(),
            title: self.strings.kind_plural(index.kind).to_string(),
            count: index.items.len(),
            groups,
        }
    }
}

fn index_template(kind: Kind) -> String {
    match kind {
        Kind::Term => "glossary.html".to_string(),
        _ => "list.html".to_string(),
    }
}

/// The letter a glossary term is filed under: its first letter, upper-cased, accents removed
/// for Latin letters.
fn initial(title: &str) -> String {
    let Some(c) = title.trim().chars().find(|c| c.is_alphanumeric()) else {
        return "#".into();
    };
    if c.is_ascii_digit() {
        return "#".into();
    }
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'ç' | 'Ç' => 'C',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ñ' | 'Ñ' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        other => other,
    };
    folded.to_uppercase().collect()
}

/// The data one template renders from: what becomes its `tera::Context`, or, made by a cheap
/// renderer, a hash of that data (each value as JSON, in the order it was put in) that tells a
/// session whether the page would come out the same as last time.
pub struct JobCx {
    entries: Vec<(&'static str, tera::Value)>,
    hash: Option<rustc_hash::FxHasher>,
}

impl JobCx {
    /// For rendering, or (`hashed`) for the hash only.
    pub fn new(hashed: bool) -> JobCx {
        JobCx {
            entries: Vec::new(),
            hash: hashed.then(rustc_hash::FxHasher::default),
        }
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        /// Hashes what is written to it.
        struct Feed<'h>(&'h mut rustc_hash::FxHasher);
        impl std::io::Write for Feed<'_> {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                std::hash::Hasher::write(self.0, buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        match self.hash.as_mut() {
            Some(h) => {
                std::hash::Hasher::write(h, key.as_bytes());
                std::hash::Hasher::write_u8(h, 0xff);
                // Typed values serialise in a fixed order (tera's maps would not).
                let _ = serde_json::to_writer(Feed(h), value);
            }
            None => self
                .entries
                .push((key, tera::Value::from_serializable(value))),
        }
    }

    pub fn into_tera(self) -> tera::Context {
        let mut cx = tera::Context::new();
        for (key, value) in self.entries {
            cx.insert_value(key, value);
        }
        cx
    }

    /// The hash of what was put in (0 for a context made for rendering).
    pub fn finish(&self) -> u64 {
        self.hash.as_ref().map_or(0, std::hash::Hasher::finish)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_initials_fold_accents() {
        assert_eq!(initial("Égalité"), "E");
        assert_eq!(initial("mandate"), "M");
        assert_eq!(initial("3D printing"), "#");
        assert_eq!(minutes("20 minutes"), Some(20));
        assert_eq!(minutes("45 min"), Some(45));
        assert_eq!(minutes("1.5 hours"), Some(90));
        assert_eq!(minutes("2 h"), Some(120));
        assert_eq!(minutes("about an hour"), None);
    }
}
