-- Partners (README "Partners"): every roster member gets a short code for its referral link
-- (`/letters/{slug}?via=CODE`); a signature records the member that brought it and whether
-- its signer lets that member keep them informed; a letter may show the tally publicly; and
-- a member's contact downloads its consenting signers through a personal, expiring link.
ALTER TABLE members ADD COLUMN code TEXT NOT NULL DEFAULT '';
-- 7 characters of an alphabet without 0/O, 1/I/L: 31^7, about 2.7e10 codes.
UPDATE members SET code =
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', floor(random() * 31)::int + 1, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', floor(random() * 31)::int + 1, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', floor(random() * 31)::int + 1, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', floor(random() * 31)::int + 1, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', floor(random() * 31)::int + 1, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', floor(random() * 31)::int + 1, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', floor(random() * 31)::int + 1, 1);
ALTER TABLE members ALTER COLUMN code DROP DEFAULT;
CREATE UNIQUE INDEX members_code ON members (code);

-- No REFERENCES: withdrawal overwrites the column like every personal one (and SQLite
-- cannot drop a column that is part of a foreign key); the code is resolved against the
-- live roster when the signature is stored, so only a member's id is ever written.
ALTER TABLE signatures ADD COLUMN via_member_id TEXT;
ALTER TABLE signatures ADD COLUMN share_with_member BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX signatures_via_member ON signatures (letter_id, via_member_id, state)
    WHERE via_member_id IS NOT NULL;

ALTER TABLE letters ADD COLUMN show_partner_tally BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE partner_links (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    letter_id TEXT NOT NULL REFERENCES letters (id),
    member_id TEXT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_downloaded_at TIMESTAMP
);
CREATE INDEX partner_links_letter ON partner_links (letter_id, member_id);
