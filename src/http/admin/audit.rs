//! Console pages: audit.

use actix_web::web;

pub fn routes(_config: &mut web::ServiceConfig) {}
