//! Tokens left in body HTML by the parse stage and filled in by the render stage.
//!
//! A token is `U+E000`, a letter, a decimal index and `U+E001` (private-use characters, which
//! never occur in real text). `h`/`t` are the URL and the text of reference *n* of the page,
//! `o`/`c` the opening and closing HTML of block *n*. URLs depend on the page a body is shown
//! on (a key message also appears on its principle's page), so they can only be written then.

pub const START: char = '\u{E000}';
pub const END: char = '\u{E001}';

/// One token in a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// The opening tag of reference `i`'s link (`<a class="ref" href="...">`), or of the
    /// plain text it becomes when it leads nowhere in this output.
    LinkOpen(usize),
    /// The matching closing tag.
    LinkClose(usize),
    Text(usize),
    Open(usize),
    Close(usize),
    /// The way from the page being written to the site's root (`../../`): asset links are
    /// relative to it, so the same body works on its page and in a print document elsewhere.
    Root,
}

impl Token {
    fn letter(self) -> (char, usize) {
        match self {
            Token::LinkOpen(i) => ('a', i),
            Token::LinkClose(i) => ('z', i),
            Token::Text(i) => ('t', i),
            Token::Open(i) => ('o', i),
            Token::Close(i) => ('c', i),
            Token::Root => ('r', 0),
        }
    }
}

/// The [`Token::Root`] token as text.
pub fn root() -> String {
    let mut out = String::new();
    push(&mut out, Token::Root);
    out
}

/// Appends a token to `out`.
pub fn push(out: &mut String, token: Token) {
    let (letter, index) = token.letter();
    out.push(START);
    out.push(letter);
    out.push_str(&index.to_string());
    out.push(END);
}

/// Copies `html` to `out`, calling `fill` for every token in it.
pub fn substitute(html: &str, out: &mut String, mut fill: impl FnMut(Token, &mut String)) {
    let mut rest = html;
    while let Some(start) = rest.find(START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + START.len_utf8()..];
        let parsed = after.find(END).and_then(|end| {
            let mut chars = after[..end].chars();
            let letter = chars.next()?;
            let index: usize = chars.as_str().parse().ok()?;
            let token = match letter {
                'a' => Token::LinkOpen(index),
                'z' => Token::LinkClose(index),
                't' => Token::Text(index),
                'o' => Token::Open(index),
                'c' => Token::Close(index),
                'r' => Token::Root,
                _ => return None,
            };
            Some((token, end + END.len_utf8()))
        });
        match parsed {
            Some((token, used)) => {
                fill(token, out);
                rest = &after[used..];
            }
            None => {
                // Not one of ours: drop the stray private-use character.
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        let mut html = String::new();
        push(&mut html, Token::LinkOpen(12));
        push(&mut html, Token::Text(12));
        push(&mut html, Token::LinkClose(12));
        push(&mut html, Token::Open(3));
        html.push_str("<img src=\"");
        push(&mut html, Token::Root);
        html.push_str("x.png\">");
        push(&mut html, Token::Close(3));
        let mut out = String::new();
        substitute(&html, &mut out, |t, out| match t {
            Token::LinkOpen(i) => out.push_str(&format!("<a href=\"/p{i}\">")),
            Token::LinkClose(_) => out.push_str("</a>"),
            Token::Text(i) => out.push_str(&format!("Page {i}")),
            Token::Open(i) => out.push_str(&format!("<div id=b{i}>")),
            Token::Close(_) => out.push_str("</div>"),
            Token::Root => out.push_str("../"),
        });
        assert_eq!(
            out,
            "<a href=\"/p12\">Page 12</a><div id=b3><img src=\"../x.png\"></div>"
        );
    }
}
