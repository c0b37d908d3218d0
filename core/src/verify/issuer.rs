//! A verifier built from the issuer alone: OIDC discovery names the JWKS URL.

use std::sync::Arc;

use super::{KeySource, Verifier, VerifierOptions};
use crate::clock::{Clock, SystemClock};
use crate::discovery::{DiscoveryOptions, ProviderMetadata, discover, discovery_urls};
use crate::error::{Error, ErrorKind, Result};
use crate::jwks::{RemoteJwks, RemoteJwksOptions};
use crate::net::{Fetch, redact_url};

/// A verifier built from an issuer's discovery document, and that document.
#[derive(Debug)]
pub struct IssuerVerifier {
    /// Verifies the issuer's tokens, with keys from the document's `jwks_uri`.
    pub verifier: Verifier,
    /// The issuer's metadata (its endpoints, for the OAuth proxy and the resource metadata).
    pub metadata: ProviderMetadata,
}

impl Verifier {
    /// A verifier for tokens of `issuer`, with keys from the `jwks_uri` its discovery
    /// document names. Discovery runs now (blocking, for at most `jwks_options.timeout` per
    /// URL tried); keys are fetched lazily. When `options.issuers` is empty it becomes
    /// `[issuer]`. A host that fetches the document itself uses
    /// [`from_discovery_document`](Verifier::from_discovery_document).
    ///
    /// # Errors
    /// As [`discover`], plus [`ErrorKind::JwksInvalid`] when the metadata has no `jwks_uri`,
    /// and [`Verifier::new`]'s errors.
    pub fn from_issuer(
        issuer: &str,
        options: VerifierOptions,
        jwks_options: RemoteJwksOptions,
        fetch: Arc<dyn Fetch>,
    ) -> Result<IssuerVerifier> {
        // Checked before discovery borrows its timeout, so an error names the field set.
        jwks_options.validate()?;
        let discovery = DiscoveryOptions {
            timeout: jwks_options.timeout,
            dangerous_allow_insecure_http: jwks_options.dangerous_allow_insecure_http,
            ..DiscoveryOptions::default()
        };
        let metadata = discover(issuer, fetch.as_ref(), &discovery)?;
        Verifier::from_metadata(
            metadata,
            options,
            jwks_options,
            fetch,
            Arc::new(SystemClock),
        )
    }

    /// As [`from_issuer`](Verifier::from_issuer), from a discovery document the host already
    /// fetched (from one of [`discovery_urls`]); does no I/O. The document's `issuer` must
    /// equal `issuer` exactly.
    ///
    /// # Errors
    /// As [`ProviderMetadata::from_slice`], plus [`ErrorKind::JwksInvalid`] when the metadata
    /// has no `jwks_uri`, and [`Verifier::new`]'s and [`RemoteJwks::with_parts`]'s errors.
    pub fn from_discovery_document(
        issuer: &str,
        document: &[u8],
        options: VerifierOptions,
        jwks_options: RemoteJwksOptions,
        fetch: Arc<dyn Fetch>,
    ) -> Result<IssuerVerifier> {
        let source_url = discovery_urls(issuer)?
            .into_iter()
            .next()
            .unwrap_or_default();
        let metadata = ProviderMetadata::from_slice(document, issuer, &source_url)?;
        Verifier::from_metadata(
            metadata,
            options,
            jwks_options,
            fetch,
            Arc::new(SystemClock),
        )
    }

    /// The verifier for the keys `metadata` names; `options.issuers` defaults to its issuer.
    pub(super) fn from_metadata(
        metadata: ProviderMetadata,
        mut options: VerifierOptions,
        jwks_options: RemoteJwksOptions,
        fetch: Arc<dyn Fetch>,
        clock: Arc<dyn Clock>,
    ) -> Result<IssuerVerifier> {
        let jwks_uri = metadata.jwks_uri.clone().ok_or_else(|| {
            Error::new(
                ErrorKind::JwksInvalid,
                format!(
                    "the discovery document at {} has no \"jwks_uri\"",
                    redact_url(&metadata.source_url)
                ),
            )
        })?;
        let jwks = RemoteJwks::with_parts(&jwks_uri, jwks_options, fetch, clock)?;
        if options.issuers.is_empty() {
            options.issuers = vec![metadata.issuer.clone()];
        }
        let verifier = Verifier::new(KeySource::Remote(Arc::new(jwks)), options)?;
        Ok(IssuerVerifier { verifier, metadata })
    }
}
