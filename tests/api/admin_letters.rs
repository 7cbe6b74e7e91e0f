//! Console: letters.
