//! Coalition partners: what each member organization brought to a letter (the tally) and the
//! personal links through which a member's contact downloads its own signers. The member
//! codes themselves belong to the roster (`crate::members::codes`).

pub mod links;
pub mod tally;
