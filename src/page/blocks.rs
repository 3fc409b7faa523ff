//! `:::` container blocks → markers the markdown pass understands, plus the list of blocks.
//!
//! The body is scanned line by line before markdown parsing. Each fence line becomes an HTML
//! comment marker on a line of its own (`<!--tenet-block:3-->`), which CommonMark treats as an
//! HTML block, so the content between fences stays ordinary markdown in one document
//! (footnotes and link definitions keep working across blocks). Fences inside fenced code are
//! left alone. An [`OffsetMap`] maps positions in the rewritten text back to the original.

use super::BlockKind;
use crate::diagnostics::{LineIndex, Pos, did_you_mean, suggest};

/// Attributes a block may carry.
const ATTRIBUTES: &[&str] = &[
    "principles",
    "related",
    "title",
    "number",
    "type",
    "duration",
];

/// One `:::` block of a page, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockSpec {
    pub kind: BlockKind,
    /// The block id: explicit `#id`, else `<kind>-<n>`.
    pub id: String,
    pub explicit_id: bool,
    /// 1-based position among the blocks of the same kind on the page.
    pub ordinal: usize,
    /// `key=value` attributes in the order written, with their positions.
    pub attrs: Vec<(String, String, Pos)>,
    /// Where the opening fence is.
    pub pos: Pos,
    /// Index of the enclosing block, if nested.
    pub parent: Option<usize>,
}

impl BlockSpec {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, _)| v.as_str())
    }

    /// A list attribute (`principles=a,b`) split on commas, with the attribute's position.
    pub fn list_attr(&self, key: &str) -> Vec<(String, Pos)> {
        self.attrs
            .iter()
            .filter(|(k, _, _)| k == key)
            .flat_map(|(_, v, pos)| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| (s.to_string(), *pos))
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// Maps byte offsets of the rewritten markdown back to offsets of the original body.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// (offset in rewritten text, offset in original text) at the start of each copied run.
    runs: Vec<(usize, usize)>,
}

impl OffsetMap {
    pub fn original(&self, rewritten: usize) -> usize {
        let i = self.runs.partition_point(|&(dst, _)| dst <= rewritten);
        if i == 0 {
            return rewritten;
        }
        let (dst, src) = self.runs[i - 1];
        src + (rewritten - dst)
    }
}

/// The body rewritten for the markdown pass.
#[derive(Debug, Clone, Default)]
pub struct Preprocessed {
    pub markdown: String,
    pub map: OffsetMap,
    pub blocks: Vec<BlockSpec>,
}

pub const OPEN_MARKER: &str = "<!--tenet-block:";
pub const CLOSE_MARKER: &str = "<!--/tenet-block:";

/// Rewrites `:::` fences in `body` (which starts at byte `body_start` of the file indexed by
/// `lines`). Problems are returned with file positions.
pub fn preprocess(
    body: &str,
    body_start: usize,
    lines: &LineIndex<'_>,
    problems: &mut Vec<super::Problem>,
) -> Preprocessed {
    let mut out = Preprocessed {
        markdown: String::with_capacity(body.len() + 256),
        ..Default::default()
    };
    // Open blocks: (index into out.blocks, number of colons).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut code_fence: Option<(u8, usize)> = None;
    let mut counts: Vec<(BlockKind, usize)> = Vec::new();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some((ch, len)) = code_fence {
            if is_code_fence_close(content, ch, len) {
                code_fence = None;
            }
            copy(&mut out, line, line_start);
            continue;
        }
        if let Some(fence) = code_fence_open(content) {
            code_fence = Some(fence);
            copy(&mut out, line, line_start);
            continue;
        }
        let Some((colons, rest, rest_col)) = block_fence(content) else {
            copy(&mut out, line, line_start);
            continue;
        };
        let pos = lines.pos(body_start + line_start);
        let col = |c: usize| Pos {
            line: pos.line,
            column: c,
        };
        if rest.is_empty() {
            // A closing fence closes the innermost open block with as many colons.
            match stack.iter().rposition(|&(_, n)| n == colons) {
                Some(depth) => {
                    for &(inner, _) in &stack[depth + 1..] {
                        let b = &out.blocks[inner];
                        problems.push((
                            b.pos,
                            "unclosed-block",
                            format!("the `{}` block opened here is never closed", b.kind.name()),
                            Some(format!(
                                "close it with a line `{}` before line {}",
                                ":".repeat(colons + 1),
                                pos.line
                            )),
                        ));
                    }
                    for &(index, _) in stack[depth..].iter().rev() {
                        marker(&mut out, CLOSE_MARKER, index, line_start);
                    }
                    stack.truncate(depth);
                }
                None if stack.is_empty() => problems.push((
                    pos,
                    "unmatched-fence",
                    "closing fence `:::` without an open block".into(),
                    Some("remove the line, or open a block above it with `::: kind`".into()),
                )),
                None => {
                    let (index, n) = *stack.last().expect("non-empty");
                    problems.push((
                        pos,
                        "unmatched-fence",
                        format!("closing fence has {colons} colons but the open block has {n}"),
                        Some(format!(
                            "write `{}` to close the `{}` block",
                            ":".repeat(n),
                            out.blocks[index].kind.name()
                        )),
                    ));
                    marker(&mut out, CLOSE_MARKER, index, line_start);
                    stack.pop();
                }
            }
            continue;
        }
        let Some(spec) = parse_opening(rest, rest_col, pos, &col, problems) else {
            copy(&mut out, line, line_start);
            continue;
        };
        let (kind, explicit, attrs) = spec;
        let ordinal = match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                counts.push((kind, 1));
                1
            }
        };
        let id = explicit
            .clone()
            .unwrap_or_else(|| format!("{}-{ordinal}", kind.name()));
        let index = out.blocks.len();
        out.blocks.push(BlockSpec {
            kind,
            id,
            explicit_id: explicit.is_some(),
            ordinal,
            attrs,
            pos,
            parent: stack.last().map(|&(i, _)| i),
        });
        marker(&mut out, OPEN_MARKER, index, line_start);
        stack.push((index, colons));
    }
    for &(index, _) in stack.iter().rev() {
        let b = &out.blocks[index];
        problems.push((
            b.pos,
            "unclosed-block",
            format!("the `{}` block opened here is never closed", b.kind.name()),
            Some("add a closing line `:::` after the block's content".into()),
        ));
        marker(&mut out, CLOSE_MARKER, index, body.len());
    }
    out
}

fn copy(out: &mut Preprocessed, line: &str, src: usize) {
    out.map.runs.push((out.markdown.len(), src));
    out.markdown.push_str(line);
}

fn marker(out: &mut Preprocessed, kind: &str, index: usize, src: usize) {
    out.map.runs.push((out.markdown.len(), src));
    out.markdown.push('\n');
    out.markdown.push_str(kind);
    out.markdown.push_str(&index.to_string());
    out.markdown.push_str("-->\n\n");
}

/// `::: rest` → (number of colons, rest trimmed, 1-based column where rest starts).
fn block_fence(line: &str) -> Option<(usize, &str, usize)> {
    let trimmed = line.trim_start_matches(' ');
    let indent = line.len() - trimmed.len();
    if indent > 3 {
        return None;
    }
    let colons = trimmed.len() - trimmed.trim_start_matches(':').len();
    if colons < 3 {
        return None;
    }
    let after = &trimmed[colons..];
    let rest = after.trim();
    let lead = after.len() - after.trim_start().len();
    Some((colons, rest, indent + colons + lead + 1))
}

type Opening = (BlockKind, Option<String>, Vec<(String, String, Pos)>);

fn parse_opening(
    rest: &str,
    rest_col: usize,
    pos: Pos,
    col: &dyn Fn(usize) -> Pos,
    problems: &mut Vec<super::Problem>,
) -> Option<Opening> {
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    // An unknown kind is reported, and the block still opens (as a note) so that its closing
    // fence does not cause a second, misleading error.
    let kind = if name.is_empty() {
        problems.push((
            pos,
            "unknown-block-kind",
            "a block fence needs a kind, as in `::: key-message`".into(),
            Some(format!("block kinds: {}", BlockKind::names().join(", "))),
        ));
        BlockKind::Note
    } else if let Some(kind) = BlockKind::parse(name) {
        kind
    } else {
        let names = BlockKind::names();
        let hint = did_you_mean(&suggest(name, names.iter().copied()))
            .unwrap_or_else(|| format!("block kinds: {}", names.join(", ")));
        problems.push((
            col(rest_col),
            "unknown-block-kind",
            format!("unknown block kind `{name}`"),
            Some(hint),
        ));
        BlockKind::Note
    };
    let after = &rest[name_len..];
    let attr_text = after.trim_start();
    let attr_col = rest_col + rest[..name_len].chars().count() + (after.len() - attr_text.len());
    let mut explicit = None;
    let mut attrs = Vec::new();
    if attr_text.is_empty() {
        return Some((kind, explicit, attrs));
    }
    let Some(inner) = attr_text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
    else {
        problems.push((
            col(attr_col),
            "block-attribute",
            "block attributes must be written in braces".into(),
            Some("write them as `{#id key=value key=\"two words\"}`".into()),
        ));
        return Some((kind, explicit, attrs));
    };
    for (token_offset, token) in tokenize(inner) {
        let token_pos = col(attr_col + 1 + inner[..token_offset].chars().count());
        let token = match token {
            Ok(token) => token,
            Err(message) => {
                problems.push((
                    token_pos,
                    "block-attribute",
                    message,
                    Some("quote values that contain spaces: key=\"a value\"".into()),
                ));
                continue;
            }
        };
        if let Some(id) = token.strip_prefix('#') {
            if !super::is_valid_anchor(id) {
                problems.push((
                    token_pos,
                    "invalid-anchor",
                    format!("invalid block id `#{id}`"),
                    Some("use letters, digits, `-` and `_` only".into()),
                ));
            } else {
                explicit = Some(id.to_string());
            }
            continue;
        }
        let Some((key, value)) = token.split_once('=') else {
            problems.push((
                token_pos,
                "block-attribute",
                format!("attribute `{token}` has no value"),
                Some(format!(
                    "write it as `{token}=value`; block ids start with `#`"
                )),
            ));
            continue;
        };
        if !ATTRIBUTES.contains(&key) {
            let hint = did_you_mean(&suggest(key, ATTRIBUTES.iter().copied()))
                .unwrap_or_else(|| format!("known attributes: {}", ATTRIBUTES.join(", ")));
            problems.push((
                token_pos,
                "unknown-attribute",
                format!("unknown block attribute `{key}`"),
                Some(hint),
            ));
            continue;
        }
        let value = unquote(value);
        if kind == BlockKind::Activity
            && key == "type"
            && value != "required"
            && value != "optional"
        {
            problems.push((
                token_pos,
                "block-attribute",
                format!("activity type must be `required` or `optional`, not `{value}`"),
                None,
            ));
        }
        attrs.push((key.to_string(), value, token_pos));
    }
    Some((kind, explicit, attrs))
}

/// Splits `#id key=value key="a b"` into tokens (with their byte offsets).
fn tokenize(text: &str) -> Vec<(usize, Result<String, String>)> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut quote: Option<u8> = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b.is_ascii_whitespace() => break,
                None => {}
            }
            i += 1;
        }
        let token = &text[start..i];
        if quote.is_some() {
            tokens.push((
                start,
                Err(format!("unclosed quote in block attribute `{token}`")),
            ));
        } else {
            tokens.push((start, Ok(token.to_string())));
        }
    }
    tokens
}

fn unquote(value: &str) -> String {
    let v = value.trim();
    if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

fn code_fence_open(line: &str) -> Option<(u8, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let ch = *trimmed.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = trimmed.len() - trimmed.trim_start_matches(ch as char).len();
    if len < 3 {
        return None;
    }
    if ch == b'`' && trimmed[len..].contains('`') {
        return None;
    }
    Some((ch, len))
}

fn is_code_fence_close(line: &str, ch: u8, len: usize) -> bool {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return false;
    }
    let run = trimmed.len() - trimmed.trim_start_matches(ch as char).len();
    run >= len && trimmed[run..].trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> (Preprocessed, Vec<String>) {
        let lines = LineIndex::new(body);
        let mut problems = Vec::new();
        let pre = preprocess(body, 0, &lines, &mut problems);
        let problems = problems
            .into_iter()
            .map(|(pos, _, message, _)| format!("{}:{}: {message}", pos.line, pos.column))
            .collect();
        (pre, problems)
    }

    #[test]
    fn blocks_get_ids_ordinals_and_attributes() {
        let body = "::: key-message {principles=consent,impartiality}\nA\n:::\n\n::: key-message {#km-x title=\"Two words\"}\nB\n:::\n";
        let (pre, problems) = run(body);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(pre.blocks.len(), 2);
        assert_eq!(pre.blocks[0].id, "key-message-1");
        assert_eq!(pre.blocks[1].id, "km-x");
        assert_eq!(pre.blocks[1].ordinal, 2);
        assert_eq!(pre.blocks[1].attr("title"), Some("Two words"));
        let principles: Vec<String> = pre.blocks[0]
            .list_attr("principles")
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(principles, ["consent", "impartiality"]);
        assert!(
            pre.markdown.contains("<!--tenet-block:0-->")
                && pre.markdown.contains("<!--/tenet-block:1-->")
        );
    }

    #[test]
    fn nested_blocks_and_code_fences() {
        let body = "::: activity {type=required}\nx\n\n:::: slide {number=2}\n- s\n::::\n:::\n\n```\n:::\nnot a fence\n```\n";
        let (pre, problems) = run(body);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(pre.blocks.len(), 2);
        assert_eq!(pre.blocks[1].parent, Some(0));
        assert!(pre.markdown.contains("```\n:::\nnot a fence\n```"));
        // Same colon count nests too: the first closer closes the inner block.
        let (pre, problems) = run("::: activity\n::: slide\nx\n:::\n:::\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(pre.blocks[1].parent, Some(0));
    }

    #[test]
    fn unclosed_and_unknown_blocks_are_reported_where_they_open() {
        let (_, problems) = run("text\n\n::: key-message\nnever closed\n");
        assert_eq!(
            problems,
            ["3:1: the `key-message` block opened here is never closed"]
        );
        let (_, problems) = run("::: keymessage\nx\n:::\n");
        assert_eq!(problems[0], "1:5: unknown block kind `keymessage`");
        let (_, problems) = run("::: activity {type=sometimes principle=consent}\nx\n:::\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("1:15: activity type"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("1:30: unknown block attribute `principle`"),
            "{problems:?}"
        );
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let body = "a\n::: note\nhello\n:::\n";
        let (pre, _) = run(body);
        let hello = pre.markdown.find("hello").unwrap();
        assert_eq!(pre.map.original(hello), body.find("hello").unwrap());
    }
}
