-- RenameIndex
ALTER INDEX "old_name" RENAME TO "new_name";
