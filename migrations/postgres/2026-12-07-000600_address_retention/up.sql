-- An address only while there is a reason (issue 22). Only a column with a default is added,
-- so the release before works on (the schema floor stays).
-- Whether a letter keeps its signers' addresses until it is delivered (and
-- `signing.erase_after_days` after that, or after it closes), for the delivery itself; off by
-- default: a confirmed signer who asked for nothing else keeps no address with us.
ALTER TABLE letters ADD COLUMN keep_addresses_until_delivery BOOLEAN NOT NULL DEFAULT FALSE;
