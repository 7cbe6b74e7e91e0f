//! Per-member tallies.
