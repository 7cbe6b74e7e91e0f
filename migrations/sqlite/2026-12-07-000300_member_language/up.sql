-- The language a member's contact reads (a routable BCP 47 tag): its invites are written in
-- it, with the letter's text in it when the letter has that translation. NULL (members added
-- before this, or without a choice) means the letter's original language. Only a nullable
-- column is added, so the release before works on (the schema floor stays).
ALTER TABLE members ADD COLUMN lang TEXT;
