//! What a signer chose besides their name: listed publicly or not, updates by email or not,
//! shared with the member whose link they came through or not. Said back in one set of
//! words on the check-email page, in the confirmation email, on the confirm page and on the
//! confirmed page, so that nobody is listed, subscribed or shared without having read it.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::members;
use crate::i18n::catalog::{Arg, Tr};

/// A signature's choices, as stored (or as typed, on the check-email page).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choices {
    pub public: bool,
    pub updates: bool,
    /// The member whose link the signer came through, by name, and whether they agreed to
    /// share their details with it. `None`: no member's link, so nothing to share.
    pub member: Option<(String, bool)>,
}

/// One choice as a line: what it is, and whether it was chosen.
#[derive(Clone, Debug)]
pub struct ChoiceLine {
    /// The box's field name on the sign form (`public`, `updates`, `share_with_member`).
    pub field: &'static str,
    pub chosen: bool,
    /// "Listed publicly: yes", in the reader's language.
    pub text: String,
    /// The box's own label ("List my name publicly"), for a page that offers it again.
    pub label: String,
}

impl Choices {
    /// The choices in `tr`'s language, in the sign form's order.
    pub fn lines(&self, tr: &Tr) -> Vec<ChoiceLine> {
        let answer = |chosen: bool| {
            if chosen {
                tr.t("signerloop-yes")
            } else {
                tr.t("signerloop-no")
            }
        };
        let line = |field, chosen, id: &str, label: String| ChoiceLine {
            field,
            chosen,
            text: tr.ta(id, [("answer", Arg::Text(&answer(chosen)))]),
            label,
        };
        let mut lines = vec![
            line(
                "public",
                self.public,
                "signerloop-choice-public",
                tr.t("list-publicly"),
            ),
            line(
                "updates",
                self.updates,
                "signerloop-choice-updates",
                tr.t("keep-updated"),
            ),
        ];
        if let Some((member, shared)) = &self.member {
            lines.push(ChoiceLine {
                field: "share_with_member",
                chosen: *shared,
                text: tr.ta(
                    "signerloop-choice-shared",
                    [
                        ("member", Arg::Text(member)),
                        ("answer", Arg::Text(&answer(*shared))),
                    ],
                ),
                label: tr.ta("partner-informed", [("partner", Arg::Text(member))]),
            });
        }
        lines
    }

    /// The choices of a stored signature: its member's name is looked up (a removed member
    /// is still named: the signer came through its link).
    pub fn stored(
        connection: &mut DbConnection,
        public: bool,
        updates: bool,
        via_member_id: Option<&str>,
        share_with_member: bool,
    ) -> Result<Choices, diesel::result::Error> {
        let member = match via_member_id {
            Some(id) => members::table
                .find(id)
                .select(members::name)
                .first::<String>(connection)
                .optional()?,
            None => None,
        };
        Ok(Choices {
            public,
            updates,
            member: member.map(|name| (name, share_with_member)),
        })
    }
}

/// The boxes a signer ticked on the confirm page, applied when they confirm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChosenBoxes {
    pub public: bool,
    pub updates: bool,
    pub share_with_member: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_is_said_with_its_answer() {
        let tr = Tr::english();
        let choices = Choices {
            public: true,
            updates: false,
            member: Some(("Peace Now <b>".into(), true)),
        };
        let lines: Vec<String> = choices.lines(&tr).into_iter().map(|l| l.text).collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].contains("yes"), "{lines:?}");
        assert!(lines[1].contains("no"), "{lines:?}");
        assert!(lines[2].contains("Peace Now <b>"), "{lines:?}");
        assert_eq!(Choices::default().lines(&tr).len(), 2);
    }
}
