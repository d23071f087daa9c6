-- RenameIndex
ALTER INDEX "new_name" RENAME TO "old_name";
