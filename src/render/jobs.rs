//! The pages a render makes: one job per output page, and where each goes.

use super::links;

/// One output page to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Page(usize),
    /// The handout of a lesson: `<lesson id>/handout/index.html`.
    Handout(usize),
    /// The whole handbook on one page, for printing: `print/index.html`; or one module with all
    /// its lessons: `print/<module id>/index.html`.
    Print(Option<usize>),
    /// A trainer's lesson plan: `<lesson id>/lesson-plan/index.html`.
    LessonPlan(usize),
    /// A lesson's slide deck, one slide per slide block: `<lesson id>/slides/index.html`.
    Slides(usize),
    Index(usize),
    NotFound,
    Search,
    /// The whole contents tree on one page: `contents/index.html`.
    Contents,
}

impl Job {
    /// The id the job's page is written at (`a/b`, `a/b/handout`, `lessons`, `search`), as
    /// the language switcher names it; `None` for the 404 page, which has no place in the tree.
    pub fn output_id(self, site: &crate::site::Site) -> Option<String> {
        match self {
            Job::Page(p) => Some(site.pages[p].id.clone()),
            Job::Index(i) => Some(site.indexes[i].id.to_string()),
            Job::Search => Some("search".into()),
            Job::Contents => Some("contents".into()),
            Job::NotFound => None,
            Job::Handout(_) | Job::LessonPlan(_) | Job::Slides(_) | Job::Print(_) => {
                self.printed(site).map(|(id, _)| id)
            }
        }
    }

    /// The file the job writes (as [`super::Renderer::job_context`] names it).
    pub fn path(self, site: &crate::site::Site) -> String {
        match self.output_id(site) {
            Some(id) => links::output_path(&id),
            None => "404.html".to_string(),
        }
    }

    /// The output path of a handout's or lesson plan's own stylesheet (the running footer's
    /// words: [`super::stylesheets::page`]).
    pub fn page_css(self, site: &crate::site::Site) -> Option<String> {
        match self {
            Job::Handout(_) | Job::LessonPlan(_) => {
                let (id, _) = self.printed(site)?;
                Some(format!("{id}/{}", super::stylesheets::PAGE_FILE))
            }
            _ => None,
        }
    }

    /// For a generated page meant for paper: the id it is written at (its file is
    /// `links::output_path(id)`) and the name of its PDF under `pdf/`.
    pub fn printed(self, site: &crate::site::Site) -> Option<(String, String)> {
        let id = |p: usize| site.pages[p].id.as_str();
        Some(match self {
            Job::Handout(p) => (format!("{}/handout", id(p)), format!("{}-handout", id(p))),
            Job::LessonPlan(p) => (
                format!("{}/lesson-plan", id(p)),
                format!("{}-lesson-plan", id(p)),
            ),
            Job::Slides(p) => (format!("{}/slides", id(p)), format!("{}-slides", id(p))),
            Job::Print(None) => ("print".to_string(), "handbook".to_string()),
            Job::Print(Some(m)) => (format!("print/{}", id(m)), id(m).to_string()),
            Job::Page(_) | Job::Index(_) | Job::NotFound | Job::Search | Job::Contents => {
                return None;
            }
        })
    }
}

/// Of `jobs`, those that make one of the `open` output files (relative to the whole output;
/// the render's folder is at `prefix`), found without working out every job's path. Print
/// views, which hold many pages, are left to the rest of the render.
pub fn open(site: &crate::site::Site, jobs: &[Job], open: &[String], prefix: &str) -> Vec<Job> {
    let mut found = Vec::new();
    for file in open {
        let Some(rel) = file.strip_prefix(prefix) else {
            continue;
        };
        let id = rel
            .strip_suffix("index.html")
            .map(|dir| dir.trim_end_matches('/'));
        let page = |id: &str| site.pages.iter().position(|p| p.id == id);
        let job = match id {
            None if rel == "404.html" => Some(Job::NotFound),
            None => None,
            Some("search") => Some(Job::Search),
            Some("contents") => Some(Job::Contents),
            Some(id) => match (
                id.strip_suffix("/handout"),
                id.strip_suffix("/lesson-plan"),
                id.strip_suffix("/slides"),
            ) {
                (Some(lesson), _, _) => page(lesson).map(Job::Handout),
                (_, Some(lesson), _) => page(lesson).map(Job::LessonPlan),
                (_, _, Some(lesson)) => page(lesson).map(Job::Slides),
                _ => page(id).map(Job::Page).or_else(|| {
                    (0..site.indexes.len())
                        .find(|&i| site.indexes[i].id == id)
                        .map(Job::Index)
                }),
            },
        };
        // Only a job the render makes, and only where it writes that very file.
        if let Some(job) = job
            && jobs.contains(&job)
            && !found.contains(&job)
            && job.path(site) == rel
        {
            found.push(job);
        }
    }
    found
}

/// Every page a render makes: the pages, the generated indexes (where no page has their id), a
/// handout and a lesson plan per lesson, a slide deck per lesson with slides, the 404 page, the search page (`search_page`), the
/// contents page, and the print views (the whole handbook's, each module's, and each part's
/// where the whole one is split: `views`), each where the theme has its template.
pub fn list(
    site: &crate::site::Site,
    tera: &tera::Tera,
    search_page: bool,
    views: &super::print_views::PrintViews,
) -> Vec<Job> {
    use crate::page::Kind;
    // A generated page per page of a kind, when the theme has its template.
    let per_page = |kind: Kind, template: &str, job: fn(usize) -> Job| {
        let has = tera.contains_template(template);
        (0..site.pages.len())
            .filter(move |&p| has && site.pages[p].fm.kind == kind)
            .map(job)
    };
    let print = tera.contains_template("print.html");
    (0..site.pages.len())
        .map(Job::Page)
        .chain(
            (0..site.indexes.len())
                .filter(|&i| site.indexes[i].page.is_none())
                .map(Job::Index),
        )
        .chain(per_page(Kind::Lesson, "handout.html", Job::Handout))
        .chain(per_page(Kind::Lesson, "lesson-plan.html", Job::LessonPlan))
        .chain(
            per_page(Kind::Lesson, "slides.html", Job::Slides).filter(|&job| match job {
                Job::Slides(p) => has_slides(&site.pages[p]),
                _ => false,
            }),
        )
        .chain([Job::NotFound])
        .chain(search_page.then_some(Job::Search))
        .chain(
            tera.contains_template("contents.html")
                .then_some(Job::Contents),
        )
        .chain(print.then_some(Job::Print(None)))
        .chain(
            (0..site.pages.len())
                .filter(|&p| {
                    print && (site.pages[p].fm.kind == Kind::Module || views.holder[p] == Some(p))
                })
                .map(|p| Job::Print(Some(p))),
        )
        .collect()
}

/// Whether a page has slide blocks (and so a slide deck).
pub fn has_slides(page: &crate::page::ParsedPage) -> bool {
    page.blocks
        .iter()
        .any(|b| b.spec.kind == crate::page::BlockKind::Slide)
}
