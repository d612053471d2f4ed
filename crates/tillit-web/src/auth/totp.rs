//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s), as authenticator
//! apps expect.

use qrcode::render::svg;
use qrcode::QrCode;
use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::error::AppError;

const ISSUER: &str = "tillit";

/// A new random 160-bit secret in base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| AppError::internal(format!("{e:?}")))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .map_err(AppError::internal)
}

/// Whether `code` is valid now (one step of clock skew either way is accepted).
pub fn check(secret: &str, code: &str) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, "user")
        .and_then(|t| t.check_current(&code).map_err(AppError::internal))
        .unwrap_or(false)
}

/// The `otpauth://` URL an authenticator app reads from the QR code.
pub fn provisioning_url(secret: &str, account: &str) -> Result<String, AppError> {
    Ok(totp(secret, account)?.get_url())
}

/// The provisioning URL as an inline SVG QR code.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = QrCode::new(url.as_bytes()).map_err(AppError::internal)?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Drop the XML declaration so the SVG can sit inside HTML.
    Ok(svg
        .find("<svg")
        .map(|start| svg[start..].to_owned())
        .unwrap_or(svg))
}

/// The current code, for tests and the command line.
pub fn current_code(secret: &str) -> Result<String, AppError> {
    totp(secret, "user")?
        .generate_current()
        .map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_code_checks_and_wrong_code_does_not() {
        let secret = new_secret();
        let code = current_code(&secret).unwrap();
        assert!(check(&secret, &code));
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert!(!check(&secret, wrong));
        assert!(!check(&secret, "abc"));
    }

    #[test]
    fn provisioning_url_and_qr_code() {
        let secret = new_secret();
        let url = provisioning_url(&secret, "samordnare@region.example").unwrap();
        assert!(url.starts_with("otpauth://totp/tillit:"));
        assert!(url.contains(&secret));
        let svg = qr_svg(&url).unwrap();
        assert!(svg.starts_with("<svg"));
    }
}
