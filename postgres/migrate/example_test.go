package migrate_test

import (
	"fmt"

	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

func ExampleDiff() {
	s, err := psl.Load("schema.prisma", []byte(`
enum Role {
  USER
  ADMIN
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  role  Role   @default(USER)
}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	plan := migrate.Diff(nil, migrate.FromSchema(s))
	fmt.Print(plan.SQL())
	// Output:
	// -- CreateSchema
	// CREATE SCHEMA IF NOT EXISTS "public";
	//
	// -- CreateEnum
	// CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
	//
	// -- CreateTable
	// CREATE TABLE "User" (
	//     "id" SERIAL NOT NULL,
	//     "email" TEXT NOT NULL,
	//     "role" "Role" NOT NULL DEFAULT 'USER',
	//
	//     CONSTRAINT "User_pkey" PRIMARY KEY ("id")
	// );
	//
	// -- CreateIndex
	// CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
}

func ExampleDiff_rename() {
	before := &migrate.Database{Tables: []*migrate.Table{{Name: "User", Columns: []*migrate.Column{
		{Name: "id", Type: "INTEGER", NotNull: true}, {Name: "name", Type: "TEXT"}}}}}
	after := &migrate.Database{Tables: []*migrate.Table{{Name: "User", Columns: []*migrate.Column{
		{Name: "id", Type: "INTEGER", NotNull: true}, {Name: "full_name", Type: "TEXT"}}}}}
	plan := migrate.Diff(before, after)
	for _, s := range plan.Steps {
		fmt.Println(s.Kind, s.Object, "destructive:", s.Destructive)
		fmt.Println(s.SQL)
	}
	// Output:
	// AlterTable User destructive: true
	// ALTER TABLE "User" DROP COLUMN "name",
	// ADD COLUMN     "full_name" TEXT;
}
