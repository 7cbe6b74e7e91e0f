//! Public pages of partners: the sign form offered through a member's link, and a member
//! contact's download of its own signers.

use super::AppState;
use super::views::FormView;
use crate::partners;

/// The sign form offered through a member's link: the member's code as a hidden field and its
/// name for the consent box. An unknown code, or a failed lookup, leaves a plain form (a
/// referral is never worth an error page).
pub(super) async fn offer(
    state: &AppState,
    mut form: FormView,
    raw_code: &str,
) -> FormView {
    form.partner = None;
    let member = match partners::parse_code(raw_code) {
        None => None,
        Some(code) => match state
            .db(move |connection| partners::member_by_code(connection, &code))
            .await
        {
            Ok(member) => member,
            Err(error) => {
                tracing::warn!(%error, "could not look up a referral code; showing the plain form");
                None
            }
        },
    };
    match member {
        Some(member) => {
            form.values.via = member.code;
            form.partner = Some(member.name);
        }
        None => {
            form.values.via = String::new();
            form.values.share_with_member = false;
        }
    }
    form
}

