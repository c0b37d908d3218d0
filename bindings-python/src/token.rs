//! `VerifiedToken`: the core's verified token for Python, its fields read on demand.

use mcp_bearer::VerifiedTokenRecord;
use std::fmt;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A verified token. Its attributes are the fields of the core's `VerifiedTokenRecord`:
/// `source`, `claims`, `header`, `subject`, `issuer`, `audiences`, `audience`, `scopes`,
/// `client_id`, `token_id`, `expires_at`, `not_before`, `issued_at`, `key_thumbprint`.
#[pyclass(module = "mcp_bearer._native", frozen)]
pub struct VerifiedToken {
    inner: mcp_bearer::VerifiedToken,
    /// The claims as a dict, parsed on first use.
    claims: PyOnceLock<Py<PyAny>>,
}

impl VerifiedToken {
    pub(crate) fn new(inner: mcp_bearer::VerifiedToken) -> Self {
        VerifiedToken {
            inner,
            claims: PyOnceLock::new(),
        }
    }

    pub(crate) fn scopes_of(&self) -> &[String] {
        self.inner.scopes()
    }
}

/// A JSON value as the object `json.loads` would make (dict, list, str, int, float, bool,
/// None), built directly from the core's parsed value.
pub(crate) fn value_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_py(py, map)?.into_any(),
    })
}

fn map_to_py<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in map {
        dict.set_item(name, value_to_py(py, value)?)?;
    }
    Ok(dict)
}

/// The JSON text `text` as the object `json.loads` would make, built while parsing (no
/// intermediate `serde_json::Value`). The core produced or accepted this text with the same
/// parser, so it parses; if it did not, the error says so rather than guessing.
pub(crate) fn json_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = PySeed(py)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| {
            pyo3::exceptions::PyValueError::new_err(format!("mcp-bearer: claims not JSON: {e}"))
        })?;
    Ok(value)
}

/// Builds Python objects from serde's events: dict, list, str, int, float, bool, None.
#[derive(Clone, Copy)]
struct PySeed<'py>(Python<'py>);

impl<'de, 'py> DeserializeSeed<'de> for PySeed<'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A Python error as serde's.
fn de_error<E: de::Error>(error: PyErr) -> E {
    E::custom(error)
}

impl<'de, 'py> Visitor<'de> for PySeed<'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.0, v).to_owned().into_any())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(match v.into_pyobject(self.0) {
            Ok(int) => int.into_any(),
            Err(never) => match never {},
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(match v.into_pyobject(self.0) {
            Ok(int) => int.into_any(),
            Err(never) => match never {},
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.0, v).into_any())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.0, v).into_any())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.None().into_bound(self.0))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.0);
        while let Some(item) = seq.next_element_seed(self)? {
            list.append(item).map_err(de_error)?;
        }
        Ok(list.into_any())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.0);
        while let Some(name) = map.next_key_seed(KeySeed(self.0))? {
            let value = map.next_value_seed(self)?;
            // A repeated name keeps its last value, as `json.loads` and the core's map do.
            dict.set_item(name, value).map_err(de_error)?;
        }
        Ok(dict.into_any())
    }
}

/// A member name: the registered claim names (and the header's) as interned strings, which
/// Python then need not create for every token; any other name as a new string.
#[derive(Clone, Copy)]
struct KeySeed<'py>(Python<'py>);

impl<'de, 'py> DeserializeSeed<'de> for KeySeed<'py> {
    type Value = Bound<'py, PyString>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'py> Visitor<'de> for KeySeed<'py> {
    type Value = Bound<'py, PyString>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let py = self.0;
        let known = match v {
            "iss" => intern!(py, "iss"),
            "sub" => intern!(py, "sub"),
            "aud" => intern!(py, "aud"),
            "exp" => intern!(py, "exp"),
            "nbf" => intern!(py, "nbf"),
            "iat" => intern!(py, "iat"),
            "jti" => intern!(py, "jti"),
            "scope" => intern!(py, "scope"),
            "scp" => intern!(py, "scp"),
            "client_id" => intern!(py, "client_id"),
            "azp" => intern!(py, "azp"),
            "alg" => intern!(py, "alg"),
            "kid" => intern!(py, "kid"),
            "typ" => intern!(py, "typ"),
            _ => return Ok(PyString::new(py, v)),
        };
        Ok(known.clone())
    }
}

#[pymethods]
impl VerifiedToken {
    /// How the token was verified: `"jwt"`, `"introspection"` or `"userinfo"`.
    #[getter]
    fn source(&self) -> &'static str {
        match self.inner.source() {
            mcp_bearer::TokenSource::Jwt => "jwt",
            mcp_bearer::TokenSource::Introspection => "introspection",
            mcp_bearer::TokenSource::UserInfo => "userinfo",
        }
    }

    /// Every claim of the token (the JWT payload), as a dict (the same object each time).
    #[getter]
    fn claims(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.claims
            .get_or_try_init(py, || {
                json_to_py(py, self.inner.claims_json()).map(Bound::unbind)
            })
            .map(|c| c.clone_ref(py))
    }

    /// The protected header as a dict, for a JWT; `None` otherwise.
    #[getter]
    fn header<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.inner.header() {
            Some(header) => map_to_py(py, &header.raw).map(|d| Some(d.into_any())),
            None => Ok(None),
        }
    }

    /// `sub`.
    #[getter]
    fn subject(&self) -> Option<&str> {
        self.inner.subject()
    }

    /// `iss`.
    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.inner.issuer()
    }

    /// Every value of `aud`.
    #[getter]
    fn audiences(&self) -> Vec<String> {
        self.inner.audiences().to_vec()
    }

    /// The configured audience that matched, if the audience was checked.
    #[getter]
    fn audience(&self) -> Option<&str> {
        self.inner.audience()
    }

    /// The scopes (`scope` split on spaces, or `scp`).
    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.inner.scopes().to_vec()
    }

    /// `client_id`, else `azp`.
    #[getter]
    fn client_id(&self) -> Option<&str> {
        self.inner.client_id()
    }

    /// `jti`.
    #[getter]
    fn token_id(&self) -> Option<&str> {
        self.inner.token_id()
    }

    /// `exp`, in seconds since the Unix epoch.
    #[getter]
    fn expires_at(&self) -> Option<u64> {
        self.inner.expires_at()
    }

    /// `nbf`, in seconds since the Unix epoch.
    #[getter]
    fn not_before(&self) -> Option<u64> {
        self.inner.not_before()
    }

    /// `iat`, in seconds since the Unix epoch.
    #[getter]
    fn issued_at(&self) -> Option<u64> {
        self.inner.issued_at()
    }

    /// The RFC 7638 thumbprint of the key that verified the signature, for a JWT; `None`
    /// otherwise.
    #[getter]
    fn key_thumbprint(&self) -> Option<&str> {
        Some(self.inner.key_thumbprint()).filter(|t| !t.is_empty())
    }

    /// Every field as a dict (the core's `VerifiedTokenRecord`, `claims` and `header` parsed).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        // Destructured without `..`: a field added to the record fails this build until mapped.
        let VerifiedTokenRecord {
            source: _,
            claims_json: _,
            header_json: _,
            subject,
            issuer,
            audiences,
            audience,
            scopes,
            client_id,
            token_id,
            expires_at,
            not_before,
            issued_at,
            key_thumbprint,
        } = self.inner.to_record();
        let out = PyDict::new(py);
        out.set_item("source", self.source())?;
        out.set_item("claims", self.claims(py)?)?;
        out.set_item("header", self.header(py)?)?;
        out.set_item("subject", subject)?;
        out.set_item("issuer", issuer)?;
        out.set_item("audiences", audiences)?;
        out.set_item("audience", audience)?;
        out.set_item("scopes", scopes)?;
        out.set_item("client_id", client_id)?;
        out.set_item("token_id", token_id)?;
        out.set_item("expires_at", expires_at)?;
        out.set_item("not_before", not_before)?;
        out.set_item("issued_at", issued_at)?;
        out.set_item("key_thumbprint", key_thumbprint)?;
        Ok(out)
    }

    fn __repr__(&self) -> String {
        format!(
            "VerifiedToken(source={:?}, issuer={:?}, subject={:?}, scopes={:?}, expires_at={:?})",
            self.source(),
            self.inner.issuer(),
            self.inner.subject(),
            self.inner.scopes(),
            self.inner.expires_at()
        )
    }
}
