DROP TABLE update_translations;
