//! Console: exports.
