DROP TRIGGER signature_tallies_update ON signatures;
DROP TRIGGER signature_tallies_delete ON signatures;
DROP TRIGGER signature_tallies_insert ON signatures;
DROP FUNCTION signature_tallies_follow();
DROP TABLE signature_tallies;
