-- Keyset paging through a letter's signatures (exports, staff lists) walks this index.
CREATE INDEX signatures_by_letter_and_id ON signatures(letter_id, id);
