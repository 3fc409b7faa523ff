//! Ordering siblings: by `weight`, then `number`, then title, where numbers compare part by
//! part as numbers (`9` < `10`, `1.3` < `1.10`).

use std::cmp::Ordering;

use crate::page::ParsedPage;

/// What places a page among its siblings, made once per page (not per comparison).
pub struct Key<'a> {
    page: &'a ParsedPage,
    /// The title in lower case.
    title: String,
}

impl<'a> Key<'a> {
    pub fn of(page: &'a ParsedPage) -> Key<'a> {
        Key {
            page,
            title: page.fm.title.to_lowercase(),
        }
    }
}

/// Compares two pages for their place among siblings.
pub fn compare(a: &Key, b: &Key) -> Ordering {
    let weight = |k: &Key| k.page.fm.weight.unwrap_or(i64::MAX);
    weight(a)
        .cmp(&weight(b))
        .then_with(|| match (&a.page.fm.number, &b.page.fm.number) {
            (Some(x), Some(y)) => natural(x, y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| natural(&a.title, &b.title))
        .then_with(|| a.page.id.cmp(&b.page.id))
}

/// Natural order: runs of digits compare as numbers, the rest as text.
pub fn natural(a: &str, b: &str) -> Ordering {
    let mut x = a.chars().peekable();
    let mut y = b.chars().peekable();
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n = take_number(&mut x);
                let m = take_number(&mut y);
                let by_value = n
                    .trim_start_matches('0')
                    .len()
                    .cmp(&m.trim_start_matches('0').len())
                    .then_with(|| n.trim_start_matches('0').cmp(m.trim_start_matches('0')));
                if by_value != Ordering::Equal {
                    return by_value;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

fn take_number(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut digits = String::new();
    while let Some(&c) = chars.peek() {
        if !c.is_ascii_digit() {
            break;
        }
        digits.push(c);
        chars.next();
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_part_by_part() {
        assert_eq!(natural("9", "10"), Ordering::Less);
        assert_eq!(natural("1.3", "1.10"), Ordering::Less);
        assert_eq!(natural("1.10", "2.1"), Ordering::Less);
        assert_eq!(natural("2", "2"), Ordering::Equal);
        assert_eq!(natural("lesson 9", "lesson 10"), Ordering::Less);
        assert_eq!(natural("007", "7"), Ordering::Equal);
    }
}
