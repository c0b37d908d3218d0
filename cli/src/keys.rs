//! `mcp-bearer keys generate`, and reading private signing keys from files.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use mcp_bearer::{Algorithm, SigningKey};
use serde_json::{Value, json};

use crate::exit::{CliError, CliResult, OK};
use crate::output::print_json;

/// The signing algorithms the CLI generates keys for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyAlg {
    /// RSA 2048 with SHA-256 (the most widely accepted).
    #[value(name = "RS256")]
    Rs256,
    /// ECDSA P-256 with SHA-256.
    #[value(name = "ES256")]
    Es256,
    /// Ed25519.
    #[value(name = "EdDSA")]
    EdDsa,
}

impl KeyAlg {
    /// The core's algorithm.
    pub(crate) fn algorithm(self) -> Algorithm {
        match self {
            KeyAlg::Rs256 => Algorithm::RS256,
            KeyAlg::Es256 => Algorithm::ES256,
            KeyAlg::EdDsa => Algorithm::EdDSA,
        }
    }
}

/// Arguments of `keys generate`.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// The signing algorithm.
    #[arg(long, value_enum, default_value = "RS256")]
    alg: KeyAlg,
    /// Indent the JSON.
    #[arg(long)]
    pretty: bool,
    /// Write the private JWKS to this file (mode 0600) instead of stdout.
    #[arg(long, value_name = "FILE", requires = "out_public")]
    out_private: Option<PathBuf>,
    /// Write the public JWKS to this file instead of stdout.
    #[arg(long, value_name = "FILE", requires = "out_private")]
    out_public: Option<PathBuf>,
}

/// Prints (or writes) a new private signing JWKS and its public half.
pub(crate) fn generate(args: &GenerateArgs) -> CliResult {
    let key = SigningKey::generate(args.alg.algorithm())?;
    let private = json!({ "keys": [key.private_jwk()] });
    let public = json!({ "keys": [key.public_jwk()] });
    match (&args.out_private, &args.out_public) {
        (Some(private_path), Some(public_path)) => {
            write_secret_file(private_path, &to_text(&private, args.pretty))?;
            fs::write(public_path, to_text(&public, args.pretty)).map_err(|e| {
                CliError::usage(format!("cannot write {}: {e}", public_path.display()))
            })?;
            eprintln!(
                "wrote the private JWKS to {} and the public JWKS to {} (kid {})",
                private_path.display(),
                public_path.display(),
                key.kid()
            );
        }
        _ => print_json(
            &json!({ "private": private, "public": public }),
            args.pretty,
        ),
    }
    Ok(OK)
}

fn to_text(value: &Value, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    text.unwrap_or_else(|_| value.to_string()) + "\n"
}

/// Writes a private key readable by its owner only: a key file left world-readable is a
/// key anyone on the machine can mint tokens with.
fn write_secret_file(path: &Path, text: &str) -> Result<(), CliError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display())))
}

/// Reads the private signing keys of `path`: a private JWK, a private JWKS (`{"keys": […]}`),
/// or the output of `keys generate` (`{"private": {"keys": […]}, …}`).
///
/// # Errors
/// A usage error naming the file when it cannot be read or holds no usable private key.
pub(crate) fn read_signing_keys(path: &Path) -> Result<Vec<SigningKey>, CliError> {
    let text = fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!("cannot read the key file {}: {e}", path.display()))
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        CliError::usage(format!(
            "the key file {} is not JSON ({e}); expected a private JWK or JWKS, e.g. from \
             `mcp-bearer keys generate`",
            path.display()
        ))
    })?;
    let members: Vec<Value> = if let Some(set) = value.get("private") {
        set.get("keys")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    } else if let Some(keys) = value.get("keys").and_then(Value::as_array) {
        keys.clone()
    } else {
        vec![value]
    };
    if members.is_empty() {
        return Err(CliError::usage(format!(
            "the key file {} holds no key",
            path.display()
        )));
    }
    members
        .iter()
        .map(|member| {
            SigningKey::from_jwk(member, None).map_err(|e| {
                CliError::usage(format!(
                    "the key file {} holds no usable private key: {} [{}]",
                    path.display(),
                    e.message(),
                    e.code()
                ))
            })
        })
        .collect()
}

/// Picks the key with `kid`, or the first one.
///
/// # Errors
/// A usage error listing the key ids on offer.
pub(crate) fn select_key(keys: Vec<SigningKey>, kid: Option<&str>) -> Result<SigningKey, CliError> {
    let offered: Vec<String> = keys.iter().map(|k| k.kid().to_owned()).collect();
    let mut keys = keys.into_iter();
    let found = match kid {
        Some(kid) => keys.find(|k| k.kid() == kid),
        None => keys.next(),
    };
    found.ok_or_else(|| {
        CliError::usage(format!(
            "no key with kid {:?} in the key file; it has [{}]",
            kid.unwrap_or(""),
            offered.join(", ")
        ))
    })
}
