-- Up Migration
-- barber_services rows are per-barber overrides: a custom price or duration, or "does not offer".
-- Without a row a barber offers every active service at its own price and duration, so a new
-- service or a new barber needs no fan-out of rows; `offered = false` opts one barber out.
ALTER TABLE barber_services ADD COLUMN offered boolean NOT NULL DEFAULT true;

-- Down Migration
ALTER TABLE barber_services DROP COLUMN offered;
