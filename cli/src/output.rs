//! Terminal output: colours only on a terminal (and never with `NO_COLOR`), progress lines on
//! stderr only when a person is watching, JSON printing, and [`printable`] for every piece of
//! text a token, a key set or a server chose.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

use serde_json::Value;

/// How to paint text for stdout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    color: bool,
}

impl Style {
    /// Colours when stdout is a terminal and `NO_COLOR` is not set.
    pub(crate) fn for_stdout() -> Style {
        Style {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    /// `text` between colour codes. The text is made [`printable`] first, so that only our
    /// own escape sequences reach the terminal whatever is painted.
    fn paint(self, code: &str, text: &str) -> String {
        let text = printable(text);
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.into_owned()
        }
    }

    /// Success.
    pub(crate) fn green(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Failure.
    pub(crate) fn red(self, text: &str) -> String {
        self.paint("31", text)
    }

    /// Warning.
    pub(crate) fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Headings and names.
    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Secondary details.
    pub(crate) fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// Whether `c` must not reach a terminal raw: C0 controls (ESC starts every escape sequence),
/// DEL, C1 controls (U+009B is a one-character CSI for some terminals), and the Unicode
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
/// reorder what follows them on the line.
fn is_unsafe_char(c: char) -> bool {
    matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` made safe for a terminal: every character of [`is_unsafe_char`] escaped as `\n`,
/// `\r`, `\t` or `\u{1b}` (the core's notation in its messages), everything else as is. A
/// claim, `kid`, `typ`, error message or server answer goes through this before any human
/// output; JSON output needs nothing more than JSON's own escaping.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
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
    Cow::Owned(out)
}

/// Prints a progress line on stderr when stderr is a terminal: a person waiting on the
/// network wants to know what for, a script reading the output does not. The line often
/// names a URL a server chose, so it is made [`printable`].
pub(crate) fn progress(line: &str) {
    let mut stderr = std::io::stderr();
    if stderr.is_terminal() {
        // Progress is best effort: a closed stderr must not fail the command.
        let _ = writeln!(stderr, "{}", printable(line));
    }
}

/// `value` as indented JSON for people, each line made [`printable`]: JSON escapes C0
/// controls in strings, but not DEL, C1 controls or bidi overrides.
pub(crate) fn pretty_json_for_people(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.lines().map(printable).collect::<Vec<_>>().join("\n")
}

/// Prints `value` as one line of JSON (`pretty` for people) on stdout.
pub(crate) fn print_json(value: &Value, pretty: bool) {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    // Serializing a `Value` cannot fail; fall back to its Display form all the same.
    out!("{}", text.unwrap_or_else(|_| value.to_string()));
}

/// A duration for people: `850 µs`, `12.3 ms`, `1.20 s`.
pub(crate) fn duration(d: std::time::Duration) -> String {
    let micros = d.as_micros();
    if micros < 1000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration(Duration::from_micros(850)), "850 µs");
        assert_eq!(duration(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(duration(Duration::from_millis(1200)), "1.20 s");
    }

    #[test]
    fn terminal_controls_and_bidi_overrides_are_escaped() {
        assert!(matches!(printable("alice"), Cow::Borrowed("alice")));
        assert_eq!(
            printable("\x1b[2J\x1b]0;title\x07x\ny\u{9b}31m\u{202e}gnp.exe\u{2066}\x7f"),
            r"\u{1b}[2J\u{1b}]0;title\u{7}x\ny\u{9b}31m\u{202e}gnp.exe\u{2066}\u{7f}"
        );
        // Ordinary non-ASCII text is kept.
        assert_eq!(printable("Zoë ✓ 東京"), "Zoë ✓ 東京");
        for c in [
            '\0', '\x1f', '\x7f', '\u{80}', '\u{9f}', '\u{202a}', '\u{2069}',
        ] {
            assert!(!printable(&c.to_string()).contains(c), "{c:?}");
        }
    }

    #[test]
    fn painted_text_carries_only_our_escape_sequences() {
        let coloured = Style { color: true };
        assert_eq!(coloured.red("\x1b[2J"), "\x1b[31m\\u{1b}[2J\x1b[0m");
        let plain = Style { color: false };
        assert_eq!(plain.bold("a\u{9b}b"), r"a\u{9b}b");
    }

    #[test]
    fn pretty_json_for_people_escapes_what_json_leaves_raw() {
        let value = serde_json::json!({"name": "\u{9b}2J\u{202e}", "esc": "\u{1b}"});
        let text = pretty_json_for_people(&value);
        assert!(
            !text.chars().any(|c| c != '\n' && is_unsafe_char(c)),
            "{text:?}"
        );
        assert!(text.contains(r"\u{9b}2J\u{202e}"), "{text}");
        assert!(text.contains(r#""esc": "\u001b""#), "{text}");
    }

    #[test]
    fn no_colour_off_a_terminal() {
        let plain = Style { color: false };
        assert_eq!(plain.red("x"), "x");
        let coloured = Style { color: true };
        assert_eq!(coloured.green("ok"), "\x1b[32mok\x1b[0m");
    }
}
