//! Values that come from a token or from the network, made fit for an error message.
//!
//! A token's `kid`, `alg`, `typ` or claims, a JWKS's key ids and an endpoint's answers are
//! chosen by whoever sent them. Put into a message raw, a 16 KiB `kid` of control bytes makes
//! a 16 KiB log line (or more, once escaped) that can also rewrite a terminal. Every such value
//! goes through [`quote`] (one value) or [`quote_list`] (a list): cut to a few dozen
//! characters, controls and invisible characters escaped, so a message stays short and on one
//! line whatever the input.

use std::fmt::Write as _;

/// The most characters of one untrusted value a message shows; a longer value is cut and
/// ends with `…`.
pub(crate) const MAX_VALUE_CHARS: usize = 64;

/// The most values of an untrusted list a message shows; the rest are counted.
pub(crate) const MAX_LIST_ITEMS: usize = 8;

/// `value` as a quoted string for a message: `"` and `\` escaped, control and invisible
/// characters (bidi overrides, zero-width spaces, line separators) written as `\u{…}`, and
/// at most [`MAX_VALUE_CHARS`] characters of it, then `…`.
pub(crate) fn quote(value: &str) -> String {
    quote_at_most(value, MAX_VALUE_CHARS)
}

/// [`quote`] with room for `max_chars` characters; for URLs from the network (already
/// redacted), whose path an operator needs.
pub(crate) fn quote_at_most(value: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(value.len().min(max_chars) + 2);
    out.push('"');
    push_escaped(&mut out, value, max_chars, true);
    out.push('"');
    out
}

/// `items` as `["a", "b", … (N more)]`: each through [`quote`], at most [`MAX_LIST_ITEMS`].
pub(crate) fn quote_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    let mut shown = 0usize;
    let mut more = 0usize;
    for item in items {
        if shown == MAX_LIST_ITEMS {
            more += 1;
            continue;
        }
        if shown > 0 {
            out.push_str(", ");
        }
        out.push_str(&quote(item));
        shown += 1;
    }
    if more > 0 {
        let _ = write!(out, ", … ({more} more)");
    }
    out.push(']');
    out
}

/// `value` unquoted, with controls and invisible characters escaped as in [`quote`], cut
/// after `max_chars` characters (then `…`). For text that is already a sentence, such as an
/// HTTP client's error, and for the values [`crate::Error::actual`] records.
pub(crate) fn clip(value: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(value.len().min(max_chars));
    push_escaped(&mut out, value, max_chars, false);
    out
}

fn push_escaped(out: &mut String, value: &str, max_chars: usize, quoted: bool) {
    for (i, c) in value.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            return;
        }
        match c {
            '"' | '\\' if quoted => {
                out.push('\\');
                out.push(c);
            }
            c if is_invisible(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// Characters that do not show as themselves: C0 and C1 controls, and the format and
/// separator characters that reorder, hide or break text (U+00AD, U+200B–U+200F,
/// U+2028–U+202E, U+2060–U+206F, U+FEFF, U+FFF9–U+FFFB).
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_printable_values_are_quoted_as_they_are() {
        assert_eq!(quote("key-1"), r#""key-1""#);
        assert_eq!(quote("clé"), r#""clé""#);
        assert_eq!(quote(""), r#""""#);
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn controls_and_invisible_characters_are_escaped() {
        assert_eq!(quote("a\u{1b}[2Jb"), r#""a\u{1b}[2Jb""#);
        assert_eq!(quote("\r\n\0"), r#""\u{d}\u{a}\u{0}""#);
        assert_eq!(quote("ab\u{202e}cd\u{200b}"), r#""ab\u{202e}cd\u{200b}""#);
        assert_eq!(quote("\u{9b}"), r#""\u{9b}""#);
        assert_eq!(clip("line\nbreak", 100), r"line\u{a}break");
    }

    #[test]
    fn long_values_are_cut_after_64_characters() {
        let long = "k".repeat(10_000);
        let q = quote(&long);
        assert_eq!(q, format!("\"{}…\"", "k".repeat(MAX_VALUE_CHARS)));
        let controls = "\u{1}".repeat(16 * 1024);
        let q = quote(&controls);
        assert!(q.len() <= 2 + MAX_VALUE_CHARS * "\\u{1}".len() + '…'.len_utf8());
        assert!(!q.chars().any(char::is_control));
        assert_eq!(quote(&"k".repeat(MAX_VALUE_CHARS)).chars().count(), 66);
    }

    #[test]
    fn lists_are_bounded() {
        assert_eq!(quote_list(["a", "b"]), r#"["a", "b"]"#);
        assert_eq!(quote_list([]), "[]");
        let many: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let q = quote_list(many.iter().map(String::as_str));
        assert_eq!(
            q,
            r#"["0", "1", "2", "3", "4", "5", "6", "7", … (992 more)]"#
        );
    }
}
