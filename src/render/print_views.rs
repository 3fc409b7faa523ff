//! Which print views a render makes of the whole handbook: one page holding every page, or,
//! when that would be too large to open and print (`[print] split_above_kb`), a view per part.
//!
//! Split, the handbook's print view (`print/index.html`) keeps the cover, a contents list of
//! the parts (each entry a link to the part's view, which has the contents of its own pages)
//! and the pages above the parts (the home page; a part too large for one view of its own);
//! every part (a page under the home
//! page, with the pages under it) that fits goes into a view of its own at
//! `print/<part id>/index.html`, and a part too large is split the same way into its children.
//! A single page larger than the limit still gets a view of its own.

use crate::site::Site;

/// The plan: which pages head a view of their own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintViews {
    /// The pages heading a view of their own (each with every page under it), in reading
    /// order; empty when the whole handbook is one view.
    pub roots: Vec<usize>,
    /// Per page: the root whose view holds it (`None`: the whole view).
    pub holder: Vec<Option<usize>>,
}

/// The handbook's tree, as the plan reads it (a [`Site`]'s fields of those names).
struct Tree<'a> {
    home: usize,
    parent: &'a [Option<usize>],
    children: &'a [Vec<usize>],
    order: &'a [usize],
    rank: &'a [usize],
}

impl PrintViews {
    /// Plans the views of `site` for a limit of `limit` bytes of page HTML per view.
    pub fn plan(site: &Site, limit: u64) -> PrintViews {
        let tree = Tree {
            home: site.home,
            parent: &site.parent,
            children: &site.children,
            order: &site.order,
            rank: &site.rank,
        };
        let sizes = site.pages.iter().map(|p| p.body.len() as u64).collect();
        plan(&tree, sizes, limit)
    }

    /// Whether the handbook's print view is split.
    pub fn is_split(&self) -> bool {
        !self.roots.is_empty()
    }
}

/// The plan for a tree whose pages' bodies are `size` bytes.
fn plan(site: &Tree, mut size: Vec<u64>, limit: u64) -> PrintViews {
    let n = size.len();
    // The bytes under each page (itself included), from the leaves up.
    for &p in site.order.iter().rev() {
        if let Some(up) = site.parent[p] {
            size[up] += size[p];
        }
    }
    let mut views = PrintViews {
        roots: Vec::new(),
        holder: vec![None; n],
    };
    if n == 0 || size[site.home] <= limit {
        return views;
    }
    let mut stack = vec![site.home];
    while let Some(p) = stack.pop() {
        for &child in site.children[p].iter().rev() {
            if size[child] <= limit || site.children[child].is_empty() {
                views.roots.push(child);
            } else {
                stack.push(child);
            }
        }
    }
    views.roots.sort_by_key(|&root| site.rank[root]);
    for &root in &views.roots {
        views.holder[root] = Some(root);
    }
    // Reading order is depth first: a page's holder is its parent's, where it has none.
    for &p in site.order {
        if views.holder[p].is_none()
            && let Some(up) = site.parent[p]
        {
            views.holder[p] = views.holder[up];
        }
    }
    views
}

#[cfg(test)]
mod tests {
    use super::*;

    /// home ─ a (a1, a2 ─ a21), b ─ b1 (pages 0 to 6, in reading order), planned for pages
    /// of `sizes` bytes.
    fn plan_for(sizes: [u64; 7], limit: u64) -> PrintViews {
        let parent = [None, Some(0), Some(1), Some(1), Some(3), Some(0), Some(5)];
        let children = [
            vec![1, 5],
            vec![2, 3],
            vec![],
            vec![4],
            vec![],
            vec![6],
            vec![],
        ];
        let order: Vec<usize> = (0..7).collect();
        let tree = Tree {
            home: 0,
            parent: &parent,
            children: &children,
            order: &order,
            rank: &order,
        };
        plan(&tree, sizes.to_vec(), limit)
    }

    #[test]
    fn a_small_handbook_is_one_view() {
        let views = plan_for([1, 1, 1, 1, 1, 1, 1], 7);
        assert!(!views.is_split());
        assert_eq!(views.holder, vec![None; 7]);
    }

    #[test]
    fn a_large_one_gets_a_view_per_part_and_a_part_too_large_a_view_per_child() {
        // a holds 1 + 1 + 2 + 3 = 7 > 5: its children a1 (1) and a2 (5) get views, a stays in
        // the whole view; b (2) fits.
        let views = plan_for([1, 1, 1, 2, 3, 1, 1], 5);
        assert_eq!(views.roots, [2, 3, 5]);
        assert_eq!(
            views.holder,
            [None, None, Some(2), Some(3), Some(3), Some(5), Some(5)]
        );
        // A leaf larger than the limit is a view of its own all the same.
        let views = plan_for([1, 1, 9, 1, 1, 1, 1], 5);
        assert_eq!(views.roots, [2, 3, 5]);
    }
}
