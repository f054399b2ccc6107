-- The audit history keeps each event exactly as it was on the topic: json stores the text verbatim (jsonb
-- would reorder keys and drop whitespace and duplicate keys) and only checks it on write, where jsonb
-- parsed every payload into its binary form: about 5 microseconds of Postgres time per event.
-- Readers that need jsonb operators cast (payload::jsonb). This rewrites the table.
ALTER TABLE "operation_event" ALTER COLUMN "payload" SET DATA TYPE JSON USING "payload"::json;
