package psl_test

import (
	"fmt"
	"strings"

	"github.com/polystore/polystore/postgres/psl"
)

func ExampleLoad() {
	src := []byte(`
model User {
  id    Int    @id @default(autoincrement())
  email String @unique @map("email_address")
  posts Post[]
  @@map("users")
}

model Post {
  id       Int  @id @default(autoincrement())
  author   User @relation(fields: [authorId], references: [id])
  authorId Int
}
`)
	s, err := psl.Load("schema.prisma", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	user := s.Model("User")
	fmt.Println(user.Name, "->", user.DBName)
	fmt.Println(user.Field("email").DBName)
	author := s.Model("Post").Field("author").Relation
	fmt.Println(author.Name, author.Kind, author.Fields, author.References, author.OnDelete, author.OnUpdate)
	fmt.Println(author.Back.Name, author.Back.Relation.Kind)
	// Output:
	// User -> users
	// email_address
	// PostToUser n:1 [authorId] [id] Restrict Cascade
	// posts 1:n
}

func ExampleFormat() {
	f, err := psl.Parse("schema.prisma", []byte("model A {\n  id Int @id\n  longName String?   @unique\n}\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(psl.Format(f)))
	// Output:
	// model A {
	//   id       Int     @id
	//   longName String? @unique
	// }
}

func ExampleError() {
	_, err := psl.Load("schema.prisma", []byte("model A {\n  id Int @id\n  b  Strng\n}\n"))
	fmt.Println(err)
	// Output:
	// schema.prisma:3:6: type "Strng" is neither a built-in type nor defined in this schema (near "Strng")
}

func ExampleSchema_joinTables() {
	s, err := psl.Load("schema.prisma", []byte(`
model Post {
  id         Int        @id
  categories Category[]
}

model Category {
  id    String @id @default(cuid())
  posts Post[]
}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, jt := range s.JoinTables {
		fmt.Println(jt.Name, "A ->", jt.A.Name+"."+jt.AField.Name, "B ->", jt.B.Name+"."+jt.BField.Name)
	}
	r := s.Model("Post").Field("categories").Relation
	fmt.Println(r.Kind, r.JoinTable.Name, s.Model("Category").Field("id").Default.ClientGenerated())
	// Output:
	// _CategoryToPost A -> Category.posts B -> Post.categories
	// m:n _CategoryToPost true
}

// Error.Prisma words a rejected schema as Prisma 7 does (error P1012).
func ExampleError_Prisma() {
	src := []byte(`datasource db {
  provider = "postgresql"
}

model Post {
  id       Int  @id
  author   User @relation(fields: [authorId], references: [id])
  authorId Int
}

model User {
  id Int @id
}
`)
	_, err := psl.Load("schema.prisma", src)
	if perr, ok := psl.AsError(err); ok {
		// Prisma ends the gutter lines with a space, trimmed here.
		fmt.Println(strings.ReplaceAll(perr.Prisma(), "| \n", "|\n"))
	}
	// Output:
	// error: Error validating field `author` in model `Post`: The relation field `author` on model `Post` is missing an opposite relation field on the model `User`. Either run `prisma format` or add it manually.
	//   -->  schema.prisma:7
	//    |
	//  6 |   id       Int  @id
	//  7 |   author   User @relation(fields: [authorId], references: [id])
	//  8 |   authorId Int
	//    |
	//
	// Validation Error Count: 1
}
