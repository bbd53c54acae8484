//! HTTP basic authentication as taosAdapter checks it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// Why a request's `Authorization` header was refused (HTTP 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthError {
    Missing,
    UnsupportedType,
    BadBasic,
}

impl AuthError {
    /// taosAdapter's code and description.
    pub(crate) fn code_and_desc(self) -> (u32, &'static str) {
        match self {
            AuthError::Missing => (0x1105, "no auth info input"),
            AuthError::UnsupportedType => (0x1122, "invalid type of Authorization"),
            AuthError::BadBasic => (0x1124, "invalid basic Authorization"),
        }
    }
}

/// Extracts user and password from an `Authorization` header value.
pub(crate) fn basic_credentials(header: Option<&str>) -> Result<(String, String), AuthError> {
    let header = header.map(str::trim).unwrap_or_default();
    if header.is_empty() {
        return Err(AuthError::Missing);
    }
    let encoded = match header.strip_prefix("Basic ") {
        Some(rest) if !rest.is_empty() => rest.trim(),
        _ => return Err(AuthError::UnsupportedType),
    };
    let decoded = STANDARD.decode(encoded).map_err(|_| AuthError::BadBasic)?;
    let decoded = String::from_utf8(decoded).map_err(|_| AuthError::BadBasic)?;
    let (user, password) = decoded.split_once(':').ok_or(AuthError::BadBasic)?;
    if user.is_empty() || password.is_empty() {
        return Err(AuthError::BadBasic);
    }
    Ok((user.to_owned(), password.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_basic() {
        // base64("root:taosdata")
        assert_eq!(
            basic_credentials(Some("Basic cm9vdDp0YW9zZGF0YQ==")),
            Ok(("root".into(), "taosdata".into()))
        );
    }

    #[test]
    fn rejects_missing_and_malformed() {
        assert_eq!(basic_credentials(None), Err(AuthError::Missing));
        assert_eq!(basic_credentials(Some("  ")), Err(AuthError::Missing));
        assert_eq!(
            basic_credentials(Some("Bearer abc")),
            Err(AuthError::UnsupportedType)
        );
        assert_eq!(
            basic_credentials(Some("Basic !!!")),
            Err(AuthError::BadBasic)
        );
        // base64("root:")
        assert_eq!(
            basic_credentials(Some("Basic cm9vdDo=")),
            Err(AuthError::BadBasic)
        );
    }
}
