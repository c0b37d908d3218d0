//! The README's error-code table must list every code with its RFC 6750 error and status.

use mcp_bearer::ErrorKind;

#[test]
fn readme_error_table_matches_all_codes() {
    let readme = include_str!("../../README.md");
    for kind in ErrorKind::ALL {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", kind.code())))
            .unwrap_or_else(|| panic!("README has no row for {}", kind.code()));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let oauth = if kind.oauth_error().is_empty() {
            "(none)"
        } else {
            kind.oauth_error()
        };
        assert_eq!(cells[2], oauth, "RFC 6750 error of {}", kind.code());
        assert_eq!(
            cells[3],
            kind.http_status().to_string(),
            "status of {}",
            kind.code()
        );
    }
    let rows = readme.lines().filter(|l| l.starts_with("| `ERR_")).count();
    assert_eq!(
        rows,
        ErrorKind::ALL.len(),
        "README lists codes that do not exist"
    );
}
