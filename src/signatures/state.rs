//! What a signature is and where it stands, and the one rule for what counts.

use crate::text_enum;

text_enum! {
    /// Who signs: a person, or an organization through a person.
    #[derive(clap::ValueEnum)]
    pub enum SignatureKind {
        Individual => "individual",
        Organization => "organization",
    }
}

text_enum! {
    /// Where a signature stands. `pending -> verified -> (organizations) approved | rejected`;
    /// `withdrawn` by the signer, `removed` by staff at any point.
    #[derive(clap::ValueEnum)]
    pub enum SignatureState {
        Pending => "pending",
        Verified => "verified",
        Approved => "approved",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
        /// Taken down by staff as spam or abuse, with a reason.
        Removed => "removed",
        /// Confirmed for an organization that another confirmed sign-on already holds: kept
        /// for staff to see, its signer told by email, never counted or listed.
        Duplicate => "duplicate",
    }
}

impl SignatureState {
    /// Confirmed by email (and, for organizations, perhaps approved): the states that hold an
    /// organization's name on a letter.
    pub const CONFIRMED: [SignatureState; 2] = [SignatureState::Verified, SignatureState::Approved];

    /// A state as staff read it, in the console and the command line: a confirmed
    /// organization is waiting for their approval, which "verified" does not say (and reads
    /// as done).
    pub fn staff_label(kind: SignatureKind, state: SignatureState) -> &'static str {
        match (kind, state) {
            (SignatureKind::Organization, SignatureState::Verified) => "awaiting approval",
            _ => state.as_str(),
        }
    }
}

/// Whether a signature counts toward the total and may be listed: verified individuals,
/// approved organizations, and verified organizations on a letter that does not ask staff
/// to approve them. Queries derive their filters from it (`lists::counted_of_kind`).
pub fn is_counted(
    kind: SignatureKind,
    state: SignatureState,
    organizations_need_approval: bool,
) -> bool {
    match (kind, state) {
        (SignatureKind::Individual, SignatureState::Verified) => true,
        (SignatureKind::Organization, SignatureState::Approved) => true,
        (SignatureKind::Organization, SignatureState::Verified) => !organizations_need_approval,
        _ => false,
    }
}

/// Where a signature stands with the public: the one notion of "listed" that every sentence
/// about it derives from (the letter page's counts, the emails to an organization, the invite
/// page, the console). Listed means counted (`is_counted`) and its signer chose to be listed
/// publicly; the public lists filter by the same two conditions (`lists::listed_of_kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Counted, and its name on the letter's pages.
    Listed,
    /// Counted, but its signer chose not to be listed: in the totals, not on the pages.
    CountedUnlisted,
    /// Not counted (yet): waiting for email confirmation or staff approval, or out.
    NotCounted,
}

impl Listing {
    pub fn of(
        kind: SignatureKind,
        state: SignatureState,
        public: bool,
        organizations_need_approval: bool,
    ) -> Listing {
        match (is_counted(kind, state, organizations_need_approval), public) {
            (true, true) => Listing::Listed,
            (true, false) => Listing::CountedUnlisted,
            (false, _) => Listing::NotCounted,
        }
    }

    pub fn is_listed(self) -> bool {
        self == Listing::Listed
    }
}
