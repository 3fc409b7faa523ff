//! Compact templates: a template's text made to write compact HTML, once, as it is loaded, so
//! that no page needs minifying afterwards (`[build] minify = true`).
//!
//! Two changes, both keeping every line where it was (so a template error's line is still
//! right; its column is mended with [`Compacted::indents`]):
//! - each line's indentation and trailing spaces are dropped (a newline still separates what
//!   stood on two lines, so no two words run together);
//! - a line holding nothing but tags (`{% if … %}`, `{% endfor %}{% endif %}`) gets tera's
//!   whitespace control on its last tag (`-%}`), so it leaves no empty line behind.
//!
//! Lines inside `<pre>`, `<textarea>`, `<script>` and `<style>` elements and inside
//! `{% raw %}` blocks are left exactly as written, and so is a tag line holding a quote (a `%}`
//! might sit inside a string).

/// A template's text, compacted, and how much indentation each of its lines lost.
pub struct Compacted {
    pub text: String,
    /// Per line (from 0): the bytes of indentation dropped from its start.
    pub indents: Vec<u32>,
}

/// Elements whose text is kept as written.
const VERBATIM: [&str; 4] = ["pre", "textarea", "script", "style"];

pub fn template(text: &str) -> Compacted {
    let mut out = String::with_capacity(text.len());
    let mut indents = Vec::new();
    // Inside a verbatim element (its name) or a raw block.
    let mut verbatim: Option<&str> = None;
    let mut raw = false;
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body.strip_suffix('\r').unwrap_or(body), true),
            None => (line, false),
        };
        let kept_as_is = verbatim.is_some() || raw;
        // What this line opens or closes, for the lines after it.
        let opens_verbatim;
        if raw {
            raw = !is_end_raw(body);
            opens_verbatim = false;
        } else {
            let lower = body.to_ascii_lowercase();
            if let Some(name) = verbatim {
                if lower.contains(&format!("</{name}")) {
                    verbatim = None;
                }
            } else {
                verbatim = VERBATIM
                    .into_iter()
                    .find(|name| opens_element(&lower, name));
            }
            opens_verbatim = !kept_as_is && verbatim.is_some();
            raw = opens_raw(body) && !is_end_raw(body);
        }
        if kept_as_is {
            out.push_str(line);
            indents.push(0);
            continue;
        }
        let trimmed = body.trim_start_matches([' ', '\t']);
        indents.push((body.len() - trimmed.len()) as u32);
        if opens_verbatim || raw {
            // What follows the opening on its line is the element's (or the block's) text.
            out.push_str(&line[body.len() - trimmed.len()..]);
            continue;
        }
        let trimmed = trimmed.trim_end_matches([' ', '\t']);
        if newline && only_tags(trimmed) && !trimmed.ends_with("-%}") {
            out.push_str(&trimmed[..trimmed.len() - 2]);
            out.push_str("-%}\n");
        } else {
            out.push_str(trimmed);
            if newline {
                out.push('\n');
            }
        }
    }
    Compacted { text: out, indents }
}

/// Whether a (trimmed) line is one or more `{% … %}` tags and nothing else (no quote in them).
fn only_tags(line: &str) -> bool {
    let mut rest = line;
    if rest.is_empty() || rest.contains(['"', '\'', '`']) {
        return false;
    }
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("{%") else {
            return false;
        };
        let Some(end) = after.find("%}") else {
            return false;
        };
        rest = after[end + 2..].trim_start_matches([' ', '\t']);
    }
    true
}

/// Whether a (lowercased) line opens a `name` element that it does not close.
fn opens_element(lower: &str, name: &str) -> bool {
    let Some(at) = lower.rfind(&format!("<{name}")) else {
        return false;
    };
    let after = &lower[at + 1 + name.len()..];
    after.starts_with(|c: char| c == '>' || c.is_ascii_whitespace())
        && !after.contains(&format!("</{name}"))
}

/// The first word of each `{% … %}` tag on a line (`raw`, `endraw`, `if`).
fn tag_words(line: &str) -> impl Iterator<Item = &str> {
    line.match_indices("{%").map(move |(at, _)| {
        line[at + 2..]
            .trim_start_matches(['-', ' ', '\t'])
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("")
    })
}

fn opens_raw(line: &str) -> bool {
    tag_words(line).any(|w| w == "raw")
}

fn is_end_raw(line: &str) -> bool {
    tag_words(line).any(|w| w == "endraw")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> String {
        let mut tera = tera::Tera::new();
        tera.add_raw_template("t.html", template).unwrap();
        let mut cx = tera::Context::new();
        cx.insert("items", &["a", "b"]);
        cx.insert("flag", &true);
        tera.render("t.html", &cx).unwrap()
    }

    #[test]
    fn indentation_and_tag_lines_go_and_lines_stay_where_they_were() {
        let source = "<ul>\n  {% for i in items %}\n    <li>{{ i }}</li>\n  {% endfor %}\n</ul>\n<p>one\n   two</p>\n";
        let compacted = template(source);
        assert_eq!(compacted.text.lines().count(), source.lines().count());
        assert_eq!(compacted.indents, [0, 2, 4, 2, 0, 0, 3]);
        assert_eq!(
            render(&compacted.text),
            "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>one\ntwo</p>\n"
        );
        // As written, the same elements and words, more whitespace.
        let plain = render(source);
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(words(&plain), words(&render(&compacted.text)));
        assert!(plain.len() > render(&compacted.text).len());
    }

    #[test]
    fn a_tag_line_beside_text_or_holding_a_quote_keeps_its_newline() {
        // `x{% endif %}`: the newline after x separates it from `next`.
        let source = "{% if flag %}x{% endif %}\nnext\n{% set s = \"%}\" %}\n{{ s }}\n";
        let compacted = template(source);
        assert_eq!(render(&compacted.text), "x\nnext\n\n%}\n");
    }

    #[test]
    fn verbatim_elements_and_raw_blocks_are_left_alone() {
        let source = "<div>\n  <pre>\n  a\n    b\n  </pre>\n  {% raw %}\n  {% x %}\n  {% endraw %}\n  <p>c</p>\n</div>\n";
        let compacted = template(source);
        assert_eq!(
            compacted.text,
            "<div>\n<pre>\n  a\n    b\n  </pre>\n{% raw %}\n  {% x %}\n  {% endraw %}\n<p>c</p>\n</div>\n"
        );
        let inline = "<pre>one</pre>\n  <p>two</p>\n";
        assert_eq!(template(inline).text, "<pre>one</pre>\n<p>two</p>\n");
    }
}
