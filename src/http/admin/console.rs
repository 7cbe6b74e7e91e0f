//! The role a console handler needs, in its signature: a handler that takes `Console<Editor>`
//! runs only for a signed-in staff member who is at least an editor, so no handler can forget
//! the check, and it gets the application state it works on with it.

use std::marker::PhantomData;

use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::{AdminError, Staff};
use crate::http::AppState;
use crate::http::errors::Fault;
use crate::staff::Role;

/// The least role a handler needs, as a type.
pub trait Needs {
    const ROLE: Role;
}

/// Any signed-in staff member: viewers read, and so may everyone above them.
pub enum Viewer {}
/// Staff who change letters, signatures, members and updates.
pub enum Editor {}
/// Staff who manage accounts and tokens.
pub enum Admin {}

impl Needs for Viewer {
    const ROLE: Role = Role::Viewer;
}
impl Needs for Editor {
    const ROLE: Role = Role::Editor;
}
impl Needs for Admin {
    const ROLE: Role = Role::Admin;
}

/// A console request: the application state and a staff member holding at least role `R`
/// (signed in, CSRF token checked for anything but a read, then the role).
pub struct Console<R> {
    pub state: web::Data<AppState>,
    pub staff: Staff,
    role: PhantomData<R>,
}

impl<R: Needs> FromRequest for Console<R> {
    type Error = AdminError;
    type Future = LocalBoxFuture<'static, Result<Self, AdminError>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let staff = Staff::from_request(request, payload);
        Box::pin(async move {
            let staff = staff.await?;
            staff.require(R::ROLE)?;
            let state = state.ok_or(AdminError::Fault(Fault::NoState))?;
            Ok(Console {
                state,
                staff,
                role: PhantomData,
            })
        })
    }
}
