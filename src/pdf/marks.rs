//! What the printer asks of a page before printing it, as scripts run in the page over the
//! DevTools protocol (`Runtime.evaluate`), and their answers.
//!
//! [`PREPARE`] reads the page's outline — every shown element marked `data-outline="LEVEL"` (its
//! title `data-outline-title`, else its heading's text), the `h2` children of an element
//! marked `data-outline-headings="LEVEL"`, and each key message one level below the entry
//! before it — and puts an empty marker (`<span id="tenet-pdf-N">`) at the start of each
//! entry's heading, with a hidden link to each so that Chromium writes a named destination for
//! it: the PDF then says on which page every entry landed. Each link of a print view's contents
//! list to a place in the page gets a `<span class="toc-page">` for its page number (a
//! placeholder as wide as three digits for the first print) and a marker of its own. It
//! answers with the outline, the contents' markers, and the page's author
//! (`<meta name="author">`) and language.
//!
//! [`numbers`] fills the contents' page numbers in, for the next print.

use super::document::OutlineItem;

/// The page's answer to [`PREPARE`].
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Marks {
    /// The outline entries, each leading to its marker.
    pub outline: Vec<OutlineItem>,
    /// The marker each contents entry's page number is of, in the order of the entries.
    pub toc: Vec<String>,
    pub author: Option<String>,
    pub lang: Option<String>,
}

impl Marks {
    /// Parses the page's answer (a JSON string).
    pub fn parse(value: &serde_json::Value) -> Result<Marks, String> {
        let text = value["result"]["value"]
            .as_str()
            .ok_or_else(|| format!("the page did not answer as expected: {value}"))?;
        serde_json::from_str(text).map_err(|e| format!("the page's answer is not understood: {e}"))
    }
}

/// Marks the outline and the contents' page numbers; answers with [`Marks`] as JSON.
pub const PREPARE: &str = r##"(() => {
  let n = 0;
  const text = e => e.textContent.replace(/\s+/g, ' ').trim();
  // Hidden content (a slide's notes for the speaker view) is not printed: nothing in it is marked.
  const shown = e => !e.closest('[hidden]');
  const heading = e => e.matches('h1, h2, h3, h4, h5, h6') ? e
    : ([...e.querySelectorAll('.print-heading, .block-label, h1, h2, h3, h4')].find(shown) || e);
  const marked = new Map();
  const marks = document.createElement('div');
  marks.hidden = true;
  const mark = e => {
    if (marked.has(e)) return marked.get(e);
    const id = 'tenet-pdf-' + (++n);
    const span = document.createElement('span');
    span.id = id;
    heading(e).prepend(span);
    const link = document.createElement('a');
    link.href = '#' + id;
    marks.append(link);
    marked.set(e, id);
    return id;
  };
  const outline = [];
  let level = 0;
  const sel = '[data-outline], [data-outline-headings] > h2, .key-message';
  for (const e of document.querySelectorAll(sel)) {
    if (!shown(e)) continue;
    if (e.classList.contains('key-message')) {
      const label = e.querySelector('.block-label');
      let title = label ? text(label) : 'Key message';
      const first = e.querySelector(':scope > :not(.block-label)');
      let said = first ? text(first) : '';
      if (said.length > 70) said = said.slice(0, 70).replace(/\s+\S*$/, '').replace(/[\s.,;:]+$/, '') + '…';
      if (said) title += ': ' + said;
      outline.push({dest: mark(e), level: level + 1, title});
    } else if (e.dataset.outline) {
      level = Number(e.dataset.outline) || 1;
      outline.push({dest: mark(e), level, title: e.dataset.outlineTitle || text(heading(e))});
    } else {
      level = Number(e.parentElement.dataset.outlineHeadings) || 2;
      outline.push({dest: mark(e), level, title: text(e)});
    }
  }
  const toc = [];
  for (const a of document.querySelectorAll('.print-toc a[href^="#"]')) {
    let target = null;
    try { target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))); }
    catch (_) {}
    if (!target) continue;
    const page = document.createElement('span');
    page.className = 'toc-page';
    page.textContent = '888';
    a.after(page);
    toc.push(mark(target));
  }
  document.body.append(marks);
  const author = document.querySelector('meta[name="author"]');
  return JSON.stringify({
    outline, toc,
    author: author ? author.content : null,
    lang: document.documentElement.lang || null,
  });
})()"##;

/// The script that puts `numbers` (one per contents entry, in order; none: left empty) into
/// the contents.
pub fn numbers(numbers: &[Option<u32>]) -> String {
    let list = serde_json::to_string(numbers).unwrap_or_else(|_| "[]".into());
    format!(
        "(numbers => {{ document.querySelectorAll('.toc-page').forEach((s, i) => \
         {{ s.textContent = numbers[i] == null ? '' : String(numbers[i]); }}); \
         return numbers.length; }})({list})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_is_read_and_numbers_written() {
        let answer = serde_json::json!({"result": {"type": "string", "value":
            r#"{"outline":[{"dest":"tenet-pdf-1","level":1,"title":"A"}],"toc":["tenet-pdf-1"],"author":null,"lang":"fr"}"#}});
        let marks = Marks::parse(&answer).unwrap();
        assert_eq!(marks.outline.len(), 1);
        assert_eq!(marks.toc, ["tenet-pdf-1"]);
        assert_eq!((marks.author, marks.lang.as_deref()), (None, Some("fr")));
        assert!(Marks::parse(&serde_json::json!({"result": {"value": 3}})).is_err());
        assert!(numbers(&[Some(3), None]).ends_with("([3,null])"));
    }
}
