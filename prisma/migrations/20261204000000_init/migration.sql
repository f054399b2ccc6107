-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "operation" (
    "id" TEXT NOT NULL,
    "call_id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "outcome" TEXT,
    "client_context" TEXT,
    "result_code" INTEGER,
    "result_subcode" INTEGER,
    "result_message" TEXT,
    "all" BOOLEAN,
    "completion_reason" TEXT,
    "conflict" BOOLEAN NOT NULL DEFAULT false,
    "conflict_status" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_changed_at" TIMESTAMPTZ(3) NOT NULL,
    "event_count" INTEGER NOT NULL,
    "event_ids" TEXT[],
    "extra" JSONB,

    CONSTRAINT "operation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operation_event" (
    "id" BIGSERIAL NOT NULL,
    "event_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "operation_id" TEXT,
    "call_id" TEXT,
    "tenant_id" TEXT,
    "resource_type" TEXT,
    "change_type" TEXT,
    "status" TEXT,
    "status_before" TEXT,
    "status_after" TEXT,
    "result_code" INTEGER,
    "result_subcode" INTEGER,
    "result_message" TEXT,
    "duplicate" BOOLEAN NOT NULL DEFAULT false,
    "conflict" BOOLEAN NOT NULL DEFAULT false,
    "stale" BOOLEAN NOT NULL DEFAULT false,
    "authenticated" BOOLEAN NOT NULL DEFAULT true,
    "request_id" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "projected_at" TIMESTAMPTZ(3) NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "payload" JSONB NOT NULL,

    CONSTRAINT "operation_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "projection_position" (
    "projection" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "next_offset" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "projection_position_pkey" PRIMARY KEY ("projection","topic","partition")
);

-- CreateTable
CREATE TABLE "dead_letter" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "event_id" TEXT,
    "error" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "retried_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "dead_letter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "operation_call_id_first_seen_at_idx" ON "operation"("call_id", "first_seen_at" DESC);

-- CreateIndex
CREATE INDEX "operation_type_status_idx" ON "operation"("type", "status");

-- CreateIndex
CREATE INDEX "operation_status_last_changed_at_idx" ON "operation"("status", "last_changed_at" DESC);

-- CreateIndex
CREATE INDEX "operation_first_seen_at_id_idx" ON "operation"("first_seen_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "operation_client_context_idx" ON "operation"("client_context");

-- CreateIndex
CREATE INDEX "operation_event_operation_id_received_at_idx" ON "operation_event"("operation_id", "received_at");

-- CreateIndex
CREATE INDEX "operation_event_call_id_received_at_idx" ON "operation_event"("call_id", "received_at");

-- CreateIndex
CREATE INDEX "operation_event_kind_received_at_idx" ON "operation_event"("kind", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "operation_event_topic_partition_offset_key" ON "operation_event"("topic", "partition", "offset");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letter_topic_partition_offset_key" ON "dead_letter"("topic", "partition", "offset");

