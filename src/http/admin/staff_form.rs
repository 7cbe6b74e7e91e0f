//! The opening every console form that posts to a clean address shares: the body read, the
//! staff member signed in (the CSRF token from the address or the body's `csrf` field), the
//! role checked, the body a urlencoded form, strictly decoded. A handler takes a
//! `StaffForm<T>` and starts with a signed-in staff member of the right role and a valid `T`.

use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::{AdminError, Staff};
use crate::http::form;
use crate::staff::Role;

/// What a console form declares about itself.
pub trait ConsoleForm: DeserializeOwned + 'static {
    /// The least role that may send it.
    const ROLE: Role;
    /// What a post that is not a urlencoded form is told (it came from somewhere other than
    /// the console's own page).
    const NOT_A_FORM: &'static str;
    /// Whether every field has a rule that refuses control characters and names the field:
    /// then a NUL in a value reaches that rule (the editor sees which field to fix) instead
    /// of the decoder's plain 400 (`values::form::decode_checked_fields`).
    const RULES_NAME_EVERY_FIELD: bool = false;
}

/// A console form and the staff member who sent it, checked in this order: signed in (else
/// to the sign-in page), CSRF token (403), role (403), content type (400), decoding (400).
pub struct StaffForm<T> {
    pub staff: Staff,
    pub form: T,
}

impl<T: ConsoleForm> FromRequest for StaffForm<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let request = request.clone();
        // A body too large or cut off is answered as the `Bytes` extractor answers it.
        let body = web::Bytes::from_request(&request, payload);
        Box::pin(async move {
            let body = body.await?;
            Ok(checked(&request, &body).await?)
        })
    }
}

async fn checked<T: ConsoleForm>(
    request: &HttpRequest,
    body: &[u8],
) -> Result<StaffForm<T>, AdminError> {
    let staff = Staff::from_form(request, body).await?;
    staff.require(T::ROLE)?;
    if !form::is_urlencoded(request) {
        return Err(AdminError::BadRequest(T::NOT_A_FORM.to_owned()));
    }
    let decoded = if T::RULES_NAME_EVERY_FIELD {
        form::decode_checked_fields(body)
    } else {
        form::decode(body)
    };
    let form = decoded.map_err(|error| AdminError::BadRequest(error.to_string()))?;
    Ok(StaffForm { staff, form })
}
