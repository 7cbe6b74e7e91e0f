DROP TABLE letter_deliveries;
