//! `VerifiedToken`: the core's verified token for Python, its fields read on demand.

use mcp_bearer::VerifiedTokenRecord;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// `json.loads`, looked up once.
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

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

fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let loads = JSON_LOADS.get_or_try_init(py, || {
        py.import("json")?.getattr("loads").map(Bound::unbind)
    })?;
    loads.bind(py).call1((text,))
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
                loads(py, self.inner.claims_json()).map(Bound::unbind)
            })
            .map(|c| c.clone_ref(py))
    }

    /// The protected header as a dict, for a JWT; `None` otherwise.
    #[getter]
    fn header<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.inner.to_record().header_json {
            Some(text) => loads(py, &text).map(Some),
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
            header_json,
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
        let header = match header_json {
            Some(text) => Some(loads(py, &text)?),
            None => None,
        };
        out.set_item("header", header)?;
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
