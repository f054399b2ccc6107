-- AlterTable
ALTER TABLE "projection_position" ADD COLUMN     "writer_token" TEXT;

