ALTER TABLE letters DROP COLUMN keep_addresses_until_delivery;
