//! Values: what a stranger's input becomes once it is parsed (an email address, a language
//! tag, a text that follows our rules, a token) and the macros that store enums and text
//! values as TEXT. The bottom layer: it imports nothing else of ours, so every layer above
//! can share one parser per concept.

pub mod email_address;
pub mod form;
pub mod html;
pub mod ids;
pub mod language;
pub mod mailbox;
pub mod markdown;
pub mod network;
pub mod public_time;
pub mod text;
pub mod text_column;
pub mod text_enum;
pub mod text_value;
pub mod tokens;
