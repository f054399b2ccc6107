-- Partial indexes: a row version enters an index only when a query can use it there. Each row change
-- of an operation writes a new version into every index it belongs to, so these are fewer writes per event.
-- Prisma 6 can neither express an index predicate nor see a partial index (its diff would create them
-- again), so prisma/schema.prisma leaves them out and lists them in comments.
-- test/int/operation-query-plans.int.test.ts checks that each query below still uses its index.

-- The audit filters on a result: an operation has an outcome and a resultInfo only once it is terminal.
-- Each filter (outcome = x, result_code = x, result_message ILIKE x) implies its IS NOT NULL.
DROP INDEX "operation_api_outcome_idx";
CREATE INDEX "operation_api_outcome_idx" ON "operation"("outcome", "first_seen_at" DESC, "id" DESC) WHERE "outcome" IS NOT NULL;

DROP INDEX "operation_api_result_idx";
CREATE INDEX "operation_api_result_idx" ON "operation"("result_code", "result_subcode", "first_seen_at" DESC, "id" DESC) WHERE "result_code" IS NOT NULL;

DROP INDEX "operation_api_message_trgm_idx";
CREATE INDEX "operation_api_message_trgm_idx" ON "operation" USING GIN ("result_message" gin_trgm_ops) WHERE "result_message" IS NOT NULL;

-- The alert dispatcher scan for operations stuck in flight (status notStarted or running, last changed
-- before a cut-off, oldest first): only operations in flight, already in that order.
DROP INDEX "operation_status_last_changed_at_idx";
CREATE INDEX "operation_in_flight_changed_idx" ON "operation"("last_changed_at") WHERE "status" IN ('notStarted', 'running');

-- The lifecycle and call-resource lists (kind = lifecycle or call, newest first). Operation rows, the
-- great majority, are listed by operation id or call id, through their own indexes.
DROP INDEX "operation_event_kind_received_at_idx";
CREATE INDEX "operation_event_kind_received_at_idx" ON "operation_event"("kind", "received_at") WHERE "kind" <> 'operation';
