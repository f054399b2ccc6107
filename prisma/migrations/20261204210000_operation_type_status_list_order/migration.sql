-- The type + status filter (e.g. failed cancellations) in the audit list's order: the page is the index's first rows.
-- DropIndex
DROP INDEX "operation_type_status_idx";

-- CreateIndex
CREATE INDEX "operation_api_type_status_idx" ON "operation"("type", "status", "first_seen_at" DESC, "id" DESC);

