-- pg_trgm backs the GIN index on result_message (GET /operations?q=). It is created here by hand:
-- the schema does not declare extensions (that needs a Prisma preview feature).
-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateTable
CREATE TABLE "alert" (
    "id" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "rule" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "operation_id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "result_code" INTEGER,
    "result_subcode" INTEGER,
    "result_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'open',
    "acked_by" TEXT,
    "acked_at" TIMESTAMPTZ(3),
    "ack_note" TEXT,
    "kafka_state" TEXT NOT NULL DEFAULT 'pending',
    "kafka_attempts" INTEGER NOT NULL DEFAULT 0,
    "kafka_last_error" TEXT,
    "kafka_next_attempt_at" TIMESTAMPTZ(3),
    "webhook_state" TEXT NOT NULL DEFAULT 'pending',
    "webhook_attempts" INTEGER NOT NULL DEFAULT 0,
    "webhook_last_error" TEXT,
    "webhook_next_attempt_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_idempotency_key_key" ON "alert"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "alert_seq_key" ON "alert"("seq");

-- CreateIndex
CREATE INDEX "alert_state_seq_idx" ON "alert"("state", "seq" DESC);

-- CreateIndex
CREATE INDEX "alert_rule_seq_idx" ON "alert"("rule", "seq" DESC);

-- CreateIndex
CREATE INDEX "alert_call_id_seq_idx" ON "alert"("call_id", "seq" DESC);

-- CreateIndex
CREATE INDEX "alert_type_seq_idx" ON "alert"("type", "seq" DESC);

-- CreateIndex
CREATE INDEX "alert_kafka_state_kafka_next_attempt_at_idx" ON "alert"("kafka_state", "kafka_next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_webhook_state_webhook_next_attempt_at_idx" ON "alert"("webhook_state", "webhook_next_attempt_at");

-- CreateIndex
CREATE INDEX "operation_api_tenant_idx" ON "operation"("tenant_id", "first_seen_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "operation_api_type_idx" ON "operation"("type", "first_seen_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "operation_api_status_idx" ON "operation"("status", "first_seen_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "operation_api_outcome_idx" ON "operation"("outcome", "first_seen_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "operation_api_result_idx" ON "operation"("result_code", "result_subcode", "first_seen_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "operation_api_changed_idx" ON "operation"("last_changed_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "operation_api_message_trgm_idx" ON "operation" USING GIN ("result_message" gin_trgm_ops);

