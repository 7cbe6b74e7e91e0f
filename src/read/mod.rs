//! Read models: what pages, feeds and charts show, assembled from the domain below (letters,
//! signatures, partners, updates). Nothing in the domain imports these; the web layer does.

pub mod canvas;
pub mod card;
pub mod organizations;
pub mod progress;
pub mod search;
pub mod snapshot;
