//! `/api/v1/admin/...`: scripted staff access with `Authorization: Bearer` API tokens.

use actix_web::web;

pub fn routes(_config: &mut web::ServiceConfig) {}
