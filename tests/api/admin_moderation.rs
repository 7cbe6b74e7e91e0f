//! Console: moderation.
