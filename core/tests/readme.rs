//! The README's error-code table must list exactly the codes of `all_errors()`, each with its
//! RFC 6750 error, HTTP status and meaning, in the same order.

use mcp_bearer::{ErrorKind, all_codes, all_errors};

/// The cells of the README's error-table rows: code, RFC 6750 error, status, meaning.
fn readme_rows() -> Vec<Vec<String>> {
    include_str!("../../README.md")
        .lines()
        .filter(|l| l.starts_with("| `ERR_"))
        .map(|row| {
            let cells: Vec<String> = row
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect();
            assert_eq!(cells.len(), 4, "README error row {row:?} has not 4 cells");
            cells
        })
        .collect()
}

#[test]
fn readme_error_table_matches_all_errors() {
    let rows = readme_rows();
    let errors = all_errors();
    let listed: Vec<String> = rows.iter().map(|r| r[0].trim_matches('`').into()).collect();
    let codes: Vec<String> = errors.iter().map(|e| e.code.clone()).collect();
    assert_eq!(
        listed, codes,
        "README error table vs all_errors(): codes or order differ"
    );
    for (row, info) in rows.iter().zip(&errors) {
        let oauth = info.oauth_error.as_deref().unwrap_or("(none)");
        assert_eq!(row[1], oauth, "RFC 6750 error of {}", info.code);
        assert_eq!(
            row[2],
            info.http_status.to_string(),
            "status of {}",
            info.code
        );
        assert_eq!(row[3], info.description, "meaning of {}", info.code);
    }
}

#[test]
fn all_errors_agrees_with_all_codes_and_the_kinds() {
    let errors = all_errors();
    assert_eq!(
        errors.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(),
        all_codes()
    );
    for info in &errors {
        let kind = ErrorKind::from_code(&info.code);
        assert!(kind.is_some(), "{} is no kind", info.code);
        if let Some(kind) = kind {
            assert_eq!(info.http_status, kind.http_status());
        }
    }
}
