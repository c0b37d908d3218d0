//! The one place where errors cross into Python: every core [`mcp_bearer::Error`] becomes an
//! instance of the exception class that `mcp_bearer.exceptions` (written in Python) maps its
//! code to, carrying every field of the core's [`ErrorRecord`]. The class table is generated
//! from the core's `all_errors()` (`scripts/gen_codes.py`), and a test holds it to the list.
//!
//! Panics do not cross into Python: PyO3 catches a panic in any `#[pymethods]` /
//! `#[pyfunction]` body (including inside `Python::detach`) and raises `PanicException`.

use mcp_bearer::ErrorRecord;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// `mcp_bearer.exceptions._from_record`, looked up once.
static FROM_RECORD: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The core error behind a Python exception (its `_native` attribute), for the helpers that
/// take an error back (`www_authenticate`).
#[pyclass(module = "mcp_bearer._native", frozen)]
pub struct NativeError {
    error: mcp_bearer::Error,
}

impl NativeError {
    /// The core error.
    pub(crate) fn error(&self) -> &mcp_bearer::Error {
        &self.error
    }
}

#[pymethods]
impl NativeError {
    fn __repr__(&self) -> String {
        format!("NativeError({})", self.error.code())
    }
}

/// The Python exception for `error`.
pub(crate) fn to_py_err(py: Python<'_>, error: &mcp_bearer::Error) -> PyErr {
    match build(py, error) {
        Ok(instance) => PyErr::from_value(instance),
        Err(failure) => PyRuntimeError::new_err(format!(
            "mcp-bearer: {} ({}; mcp_bearer.exceptions could not be used: {failure})",
            error.message(),
            error.code()
        )),
    }
}

fn build<'py>(py: Python<'py>, error: &mcp_bearer::Error) -> PyResult<Bound<'py, PyAny>> {
    let from_record = FROM_RECORD.get_or_try_init(py, || {
        py.import("mcp_bearer.exceptions")?
            .getattr("_from_record")
            .map(Bound::unbind)
    })?;
    // Destructured without `..`: a field added to the record fails this build until mapped.
    let ErrorRecord {
        code,
        message,
        public_description,
        claim,
        reason,
        expected,
        actual,
        http_status,
        oauth_error,
        required_scopes,
        upstream_error,
        upstream_error_description,
        upstream_error_uri,
    } = error.to_record();
    let fields = PyDict::new(py);
    fields.set_item("code", code)?;
    fields.set_item("message", message)?;
    fields.set_item("public_description", public_description)?;
    fields.set_item("claim", claim)?;
    fields.set_item("reason", reason)?;
    fields.set_item("expected", expected)?;
    fields.set_item("actual", actual)?;
    fields.set_item("http_status", http_status)?;
    fields.set_item("oauth_error", oauth_error)?;
    fields.set_item("required_scopes", required_scopes)?;
    fields.set_item("upstream_error", upstream_error)?;
    fields.set_item("upstream_error_description", upstream_error_description)?;
    fields.set_item("upstream_error_uri", upstream_error_uri)?;
    fields.set_item(
        "_native",
        NativeError {
            error: error.clone(),
        },
    )?;
    from_record.bind(py).call((), Some(&fields))
}

/// `result` with its error as the Python exception.
pub(crate) fn py_result<T>(py: Python<'_>, result: mcp_bearer::Result<T>) -> PyResult<T> {
    result.map_err(|e| to_py_err(py, &e))
}
