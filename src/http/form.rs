//! Form bodies as the web layer sees them: the decoder lives with the values
//! (`crate::values::form`), what a request says about its body lives here.

pub use crate::values::form::{FormError, decode, decode_checked_fields};

/// Whether a request says its body is a urlencoded form (any parameters after it allowed).
pub fn is_urlencoded(request: &actix_web::HttpRequest) -> bool {
    request
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}
