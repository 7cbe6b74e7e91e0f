//! Member download links.
