DROP TRIGGER signature_tallies_update;
DROP TRIGGER signature_tallies_delete;
DROP TRIGGER signature_tallies_insert;
DROP TABLE signature_tallies;
