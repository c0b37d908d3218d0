//! Text from a token or a key set, made fit for an error message: bounded in length and with
//! every character that could steer a terminal or reorder a line escaped.

use std::fmt::Write as _;

/// The most characters of one untrusted value a message quotes; the rest becomes "…".
pub(crate) const MAX_QUOTED_CHARS: usize = 64;

/// Whether `c` is unsafe to print raw: C0 controls, DEL, C1 controls, and the Unicode
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
/// reorder the rest of a line when displayed.
pub(crate) fn is_unsafe_char(c: char) -> bool {
    matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` in double quotes, at most [`MAX_QUOTED_CHARS`] characters of it followed by "…"
/// when longer, with `"`, `\` and every [`is_unsafe_char`] escaped (`\n`, `\u{1b}`).
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_QUOTED_CHARS) + 2);
    out.push('"');
    let mut chars = text.chars();
    for c in chars.by_ref().take(MAX_QUOTED_CHARS) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    if chars.next().is_some() {
        out.push('…');
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_printable_text_is_only_quoted() {
        assert_eq!(quote("key-1"), r#""key-1""#);
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        let quoted = quote("\x1b[2J\x07\u{9b}\u{202e}\u{2069}\x7f\n");
        assert_eq!(quoted, r#""\u{1b}[2J\u{7}\u{9b}\u{202e}\u{2069}\u{7f}\n""#);
        assert!(!quoted.chars().any(is_unsafe_char));
    }

    #[test]
    fn long_text_is_cut_after_64_characters() {
        let long = "é".repeat(1000);
        let quoted = quote(&long);
        assert_eq!(quoted, format!("\"{}…\"", "é".repeat(MAX_QUOTED_CHARS)));
        assert_eq!(quote(&"x".repeat(64)), format!("\"{}\"", "x".repeat(64)));
    }
}
