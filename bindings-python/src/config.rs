//! The caller's keyword arguments as the core's `VerifierConfig` object. The one conversion:
//! names from camelCase to snake_case (snake_case names pass unchanged), `timedelta` to
//! seconds, tuples to lists, and members set to `None` left out (the core reads them as
//! absent). No member is added, dropped or given a default here; the inline JWKS (`jwks`) is
//! passed through untouched.

use mcp_bearer::ErrorKind;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};

/// How deep an options object may nest (the core's deepest is two levels).
const MAX_DEPTH: usize = 32;

static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `options` (keyword arguments) as a JSON object with the core's member names.
pub(crate) fn to_core(options: Option<&Bound<'_, PyDict>>) -> Result<Value, mcp_bearer::Error> {
    match options {
        Some(dict) => object(dict, "", 0, true),
        None => Ok(Value::Object(Map::new())),
    }
}

/// `value` as JSON without renaming anything (a JWKS document).
pub(crate) fn to_json(value: &Bound<'_, PyAny>, path: &str) -> Result<Value, mcp_bearer::Error> {
    convert(value, path, 0, false)
}

fn object(
    dict: &Bound<'_, PyDict>,
    path: &str,
    depth: usize,
    rename: bool,
) -> Result<Value, mcp_bearer::Error> {
    let mut map = Map::new();
    for (key, value) in dict.iter() {
        let Ok(key) = key.cast::<PyString>() else {
            return Err(invalid(format!(
                "{}: member names must be strings",
                at(path)
            )));
        };
        let key = key
            .to_str()
            .map_err(|_| invalid(format!("{}: a member name is not UTF-8", at(path))))?;
        if value.is_none() {
            continue;
        }
        let name = if rename {
            snake_case(key)
        } else {
            key.to_owned()
        };
        let child = join(path, &name);
        // JWK member names are the RFC's: nothing inside `jwks` is renamed.
        let rename_inside = rename && name != "jwks";
        let converted = convert(&value, &child, depth + 1, rename_inside)?;
        map.insert(name, converted);
    }
    Ok(Value::Object(map))
}

fn convert(
    value: &Bound<'_, PyAny>,
    path: &str,
    depth: usize,
    rename: bool,
) -> Result<Value, mcp_bearer::Error> {
    if depth > MAX_DEPTH {
        return Err(invalid(format!("{}: nested too deeply", at(path))));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(n) = value.extract::<u64>() {
            return Ok(Value::Number(n.into()));
        }
        if let Ok(n) = value.extract::<i64>() {
            return Ok(Value::Number(n.into()));
        }
        return Err(invalid(format!(
            "{}: the integer is out of range",
            at(path)
        )));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return number(f.value(), path);
    }
    if let Ok(s) = value.cast::<PyString>() {
        let text = s
            .to_str()
            .map_err(|_| invalid(format!("{}: the text is not valid UTF-8", at(path))))?;
        return Ok(Value::String(text.to_owned()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        return object(dict, path, depth, rename);
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for item in value
            .try_iter()
            .map_err(|_| invalid(format!("{}: not iterable", at(path))))?
        {
            let item = item.map_err(|_| invalid(format!("{}: not iterable", at(path))))?;
            items.push(convert(&item, path, depth + 1, rename)?);
        }
        return Ok(Value::Array(items));
    }
    let py = value.py();
    let is_timedelta = TIMEDELTA
        .import(py, "datetime", "timedelta")
        .and_then(|timedelta| value.is_instance(timedelta))
        .unwrap_or(false);
    if is_timedelta {
        let seconds = value
            .call_method0("total_seconds")
            .and_then(|s| s.extract::<f64>())
            .map_err(|_| {
                invalid(format!(
                    "{}: the timedelta has no total_seconds()",
                    at(path)
                ))
            })?;
        return number(seconds, path);
    }
    let type_name = value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned());
    Err(invalid(format!(
        "{}: expected a string, number, bool, timedelta, list or dict, got {type_name}",
        at(path)
    )))
}

fn number(value: f64, path: &str) -> Result<Value, mcp_bearer::Error> {
    Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| invalid(format!("{}: expected a finite number", at(path))))
}

fn invalid(message: String) -> mcp_bearer::Error {
    mcp_bearer::Error::new(ErrorKind::InvalidConfig, message)
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "Verifier options".to_owned()
    } else {
        format!("Verifier option \"{path}\"")
    }
}

/// `jwksUrl` → `jwks_url`, `sharedSecretB64u` → `shared_secret_b64u`; snake_case names stay.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
