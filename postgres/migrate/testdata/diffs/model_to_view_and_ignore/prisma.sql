-- DropTable
DROP TABLE "T";
