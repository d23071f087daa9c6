package migrate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

// bigSchema generates n models, each with scalar fields of every kind, an
// enum field, a relation to the previous model, an index and a compound
// unique; every tenth model has an implicit many-to-many relation.
func bigSchema(n int) []byte {
	var b strings.Builder
	b.WriteString("datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\n")
	b.WriteString("enum Status {\n  ACTIVE\n  INACTIVE\n  BANNED\n}\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "/// Model number %d.\nmodel M%d {\n", i, i)
		fmt.Fprintf(&b, "  id        Int      @id @default(autoincrement())\n")
		fmt.Fprintf(&b, "  name      String   @db.VarChar(200)\n")
		fmt.Fprintf(&b, "  email     String   @unique\n")
		fmt.Fprintf(&b, "  note      String?\n")
		fmt.Fprintf(&b, "  amount    Decimal  @default(0) @db.Decimal(10, 2)\n")
		fmt.Fprintf(&b, "  score     Float    @default(0)\n")
		fmt.Fprintf(&b, "  big       BigInt?\n")
		fmt.Fprintf(&b, "  active    Boolean  @default(true)\n")
		fmt.Fprintf(&b, "  status    Status   @default(ACTIVE)\n")
		fmt.Fprintf(&b, "  data      Json?\n")
		fmt.Fprintf(&b, "  createdAt DateTime @default(now()) @map(\"created_at\")\n")
		fmt.Fprintf(&b, "  updatedAt DateTime @updatedAt @map(\"updated_at\")\n")
		if i > 0 {
			fmt.Fprintf(&b, "  parent    M%d      @relation(fields: [parentId], references: [id], onDelete: Cascade)\n", i-1)
			fmt.Fprintf(&b, "  parentId  Int\n")
		}
		if i+1 < n {
			fmt.Fprintf(&b, "  children  M%d[]\n", i+1)
		}
		if i%10 == 0 && i+5 < n {
			fmt.Fprintf(&b, "  tags      M%d[]    @relation(\"tags%d\")\n", i+5, i)
		}
		if i%10 == 5 {
			fmt.Fprintf(&b, "  taggedBy  M%d[]    @relation(\"tags%d\")\n", i-5, i-5)
		}
		fmt.Fprintf(&b, "\n  @@unique([name, email])\n  @@index([createdAt(sort: Desc)])\n  @@map(\"m_%d\")\n}\n\n", i)
	}
	return []byte(b.String())
}

func TestBigSchemaIsValid(t *testing.T) {
	s, err := psl.Load("big.prisma", bigSchema(200))
	if err != nil {
		t.Fatal(err)
	}
	db := migrate.FromSchema(s)
	if got := len(db.Tables); got != 220 {
		t.Fatalf("tables = %d, want 200 models + 20 join tables", got)
	}
	if !strings.Contains(migrate.Diff(nil, db).SQL(), `CREATE TABLE "_tags0"`) {
		t.Fatal("join table missing")
	}
}

// BenchmarkSchema200 measures parse + validate + DDL for a 200-model
// schema, and each stage alone.
func BenchmarkSchema200(b *testing.B) {
	src := bigSchema(200)
	b.Run("ParseValidateDDL", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			s, err := psl.Load("big.prisma", src)
			if err != nil {
				b.Fatal(err)
			}
			_ = migrate.Diff(nil, migrate.FromSchema(s)).SQL()
		}
	})
	b.Run("Parse", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, err := psl.Parse("big.prisma", src); err != nil {
				b.Fatal(err)
			}
		}
	})
	f, _ := psl.Parse("big.prisma", src)
	b.Run("Validate", func(b *testing.B) {
		for b.Loop() {
			if _, err := psl.Validate(f); err != nil {
				b.Fatal(err)
			}
		}
	})
	s, _ := psl.Validate(f)
	b.Run("DDL", func(b *testing.B) {
		for b.Loop() {
			_ = migrate.Diff(nil, migrate.FromSchema(s)).SQL()
		}
	})
	db := migrate.FromSchema(s)
	b.Run("DiffIdentical", func(b *testing.B) {
		for b.Loop() {
			if !migrate.Diff(db, db).Empty() {
				b.Fatal("not empty")
			}
		}
	})
	b.Run("Format", func(b *testing.B) {
		for b.Loop() {
			_ = psl.Format(f)
		}
	})
}
