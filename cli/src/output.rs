//! Terminal output: colours only on a terminal (and never with `NO_COLOR`), progress lines on
//! stderr only when a person is watching, JSON printing.

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

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
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

/// Prints a progress line on stderr when stderr is a terminal: a person waiting on the
/// network wants to know what for, a script reading the output does not.
pub(crate) fn progress(line: &str) {
    let mut stderr = std::io::stderr();
    if stderr.is_terminal() {
        // Progress is best effort: a closed stderr must not fail the command.
        let _ = writeln!(stderr, "{line}");
    }
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
    fn no_colour_off_a_terminal() {
        let plain = Style { color: false };
        assert_eq!(plain.red("x"), "x");
        let coloured = Style { color: true };
        assert_eq!(coloured.green("ok"), "\x1b[32mok\x1b[0m");
    }
}
