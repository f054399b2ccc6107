-- Byte-order ("C") collation for the text columns held by the projector indexes: ids, names and states
-- compared as bytes (memcmp) instead of through strcoll (the database locale) on every index insert and probe.
-- These values are machine identifiers, never sorted for people. The projector Postgres time per event
-- fell by about a tenth (see README, Performance). Their indexes are rebuilt by this migration.
ALTER TABLE "operation"
  ALTER COLUMN "id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "call_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "tenant_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "type" TYPE TEXT COLLATE "C",
  ALTER COLUMN "status" TYPE TEXT COLLATE "C",
  ALTER COLUMN "outcome" TYPE TEXT COLLATE "C",
  ALTER COLUMN "client_context" TYPE TEXT COLLATE "C";

ALTER TABLE "operation_event"
  ALTER COLUMN "operation_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "call_id" TYPE TEXT COLLATE "C",
  ALTER COLUMN "kind" TYPE TEXT COLLATE "C",
  ALTER COLUMN "topic" TYPE TEXT COLLATE "C";
