package ormtest

import (
	"time"

	"github.com/polystore/polystore/postgres/orm"
)

// The guide's schema (User, Post, Profile, Category, Comment) plus Account
// and Transaction for transfers, declared as a generator would emit it.
var (
	UserModel = &orm.Model{
		Name: "User", Table: "users",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "email", Type: orm.String},
			{Name: "name", Type: orm.String, Nullable: true},
			{Name: "role", Type: orm.Enum, EnumName: "UserRole", EnumValues: []string{"USER", "ADMIN", "MODERATOR"}, HasDefault: true},
			{Name: "createdAt", Type: orm.DateTime, HasDefault: true},
			{Name: "updatedAt", Type: orm.DateTime, UpdatedAt: true},
			{Name: "deletedAt", Type: orm.DateTime, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []orm.Unique{{Name: "users_email_key", Fields: []string{"email"}}},
		Relations: []*orm.Relation{
			{Name: "posts", Kind: orm.OneToMany, Model: "Post", Inverse: "author"},
			{Name: "profile", Kind: orm.OneToOne, Model: "Profile", Inverse: "user"},
			{Name: "comments", Kind: orm.OneToMany, Model: "Comment", Inverse: "author"},
		},
	}
	PostModel = &orm.Model{
		Name: "Post",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "title", Type: orm.String},
			{Name: "content", Type: orm.String, Nullable: true},
			{Name: "published", Type: orm.Boolean, HasDefault: true},
			{Name: "views", Type: orm.Int, HasDefault: true},
			{Name: "tags", Type: orm.String, List: true, HasDefault: true},
			{Name: "authorId", Type: orm.Int},
			{Name: "createdAt", Type: orm.DateTime, HasDefault: true},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []orm.Unique{{Name: "Post_title_authorId_key", Fields: []string{"title", "authorId"}}},
		Relations: []*orm.Relation{
			{Name: "author", Kind: orm.ManyToOne, Model: "User", Fields: []string{"authorId"}, References: []string{"id"}, ForeignKey: "Post_authorId_fkey"},
			{Name: "categories", Kind: orm.ManyToMany, Model: "Category",
				JoinTable: &orm.JoinTable{Table: "_CategoryToPost", Column: "B", TargetColumn: "A"}},
			{Name: "comments", Kind: orm.OneToMany, Model: "Comment", Inverse: "post"},
		},
	}
	ProfileModel = &orm.Model{
		Name: "Profile", Table: "profiles",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "bio", Type: orm.String, Nullable: true},
			{Name: "userId", Type: orm.Int},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []orm.Unique{{Name: "profiles_userId_key", Fields: []string{"userId"}}},
		Relations: []*orm.Relation{
			{Name: "user", Kind: orm.OneToOne, Model: "User", Fields: []string{"userId"}, References: []string{"id"}, ForeignKey: "profiles_userId_fkey"},
		},
	}
	CategoryModel = &orm.Model{
		Name: "Category",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "name", Type: orm.String},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []orm.Unique{{Name: "Category_name_key", Fields: []string{"name"}}},
		Relations: []*orm.Relation{
			{Name: "posts", Kind: orm.ManyToMany, Model: "Post",
				JoinTable: &orm.JoinTable{Table: "_CategoryToPost", Column: "A", TargetColumn: "B"}},
		},
	}
	CommentModel = &orm.Model{
		Name: "Comment",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "body", Type: orm.String},
			{Name: "approved", Type: orm.Boolean, HasDefault: true},
			{Name: "postId", Type: orm.Int},
			{Name: "authorId", Type: orm.Int},
			{Name: "createdAt", Type: orm.DateTime, HasDefault: true},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "post", Kind: orm.ManyToOne, Model: "Post", Fields: []string{"postId"}, References: []string{"id"}},
			{Name: "author", Kind: orm.ManyToOne, Model: "User", Fields: []string{"authorId"}, References: []string{"id"}},
		},
	}
	AccountModel = &orm.Model{
		Name: "Account",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "owner", Type: orm.String},
			{Name: "tenantId", Type: orm.String, HasDefault: true},
			{Name: "balance", Type: orm.BigInt},
		},
		PrimaryKey: []string{"id"},
	}
	TransactionModel = &orm.Model{
		Name: "Transaction", Table: "transactions",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int, HasDefault: true},
			{Name: "fromAccountId", Type: orm.Int},
			{Name: "toAccountId", Type: orm.Int},
			{Name: "amount", Type: orm.BigInt},
			{Name: "type", Type: orm.String},
		},
		PrimaryKey: []string{"id"},
	}
	// Schema links the models above.
	Schema = orm.MustSchema(UserModel, PostModel, ProfileModel, CategoryModel, CommentModel, AccountModel, TransactionModel)
)

// DDL creates the tables of Schema (as a migration would).
const DDL = `
CREATE TYPE "UserRole" AS ENUM ('USER', 'ADMIN', 'MODERATOR');
CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL,
  name text,
  role "UserRole" NOT NULL DEFAULT 'USER',
  "createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" timestamp(3) NOT NULL,
  "deletedAt" timestamp(3)
);
CREATE UNIQUE INDEX users_email_key ON users(email);
CREATE TABLE "Post" (
  id serial PRIMARY KEY,
  title text NOT NULL,
  content text,
  published boolean NOT NULL DEFAULT false,
  views integer NOT NULL DEFAULT 0,
  tags text[] NOT NULL DEFAULT '{}',
  "authorId" integer NOT NULL,
  "createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES users(id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "Post_title_authorId_key" ON "Post"(title, "authorId");
CREATE TABLE profiles (
  id serial PRIMARY KEY,
  bio text,
  "userId" integer NOT NULL,
  CONSTRAINT "profiles_userId_fkey" FOREIGN KEY ("userId") REFERENCES users(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX "profiles_userId_key" ON profiles("userId");
CREATE TABLE "Category" (id serial PRIMARY KEY, name text NOT NULL);
CREATE UNIQUE INDEX "Category_name_key" ON "Category"(name);
CREATE TABLE "_CategoryToPost" (
  "A" integer NOT NULL REFERENCES "Category"(id) ON DELETE CASCADE,
  "B" integer NOT NULL REFERENCES "Post"(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX "_CategoryToPost_AB_unique" ON "_CategoryToPost"("A", "B");
CREATE INDEX ON "_CategoryToPost"("B");
CREATE TABLE "Comment" (
  id serial PRIMARY KEY,
  body text NOT NULL,
  approved boolean NOT NULL DEFAULT false,
  "postId" integer NOT NULL REFERENCES "Post"(id) ON DELETE CASCADE,
  "authorId" integer NOT NULL REFERENCES users(id),
  "createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ON "Post"("authorId");
CREATE INDEX ON "Comment"("postId");
CREATE TABLE "Account" (
  id serial PRIMARY KEY,
  owner text NOT NULL,
  "tenantId" text NOT NULL DEFAULT '',
  balance bigint NOT NULL
);
CREATE TABLE transactions (
  id serial PRIMARY KEY,
  "fromAccountId" integer NOT NULL REFERENCES "Account"(id),
  "toAccountId" integer NOT NULL REFERENCES "Account"(id),
  amount bigint NOT NULL,
  type text NOT NULL
);
`

// User is a row of users.
type User struct {
	ID        int        `json:"id"`
	Email     string     `json:"email"`
	Name      *string    `json:"name"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
	DeletedAt *time.Time `json:"deletedAt"`
	Posts     []Post     `json:"posts,omitempty"`
	Profile   *Profile   `json:"profile,omitempty"`
	Comments  []Comment  `json:"comments,omitempty"`
	Count     *UserCount `json:"_count,omitempty"`
	Display   string     `json:"-"` // computed by a result extension
}

// UserCount holds the _count of User relations.
type UserCount struct {
	Posts    int64 `json:"posts"`
	Comments int64 `json:"comments"`
}

// Post is a row of Post.
type Post struct {
	ID         int        `json:"id"`
	Title      string     `json:"title"`
	Content    *string    `json:"content"`
	Published  bool       `json:"published"`
	Views      int        `json:"views"`
	Tags       []string   `json:"tags"`
	AuthorID   int        `json:"authorId"`
	CreatedAt  time.Time  `json:"createdAt"`
	Author     *User      `json:"author,omitempty"`
	Categories []Category `json:"categories,omitempty"`
	Comments   []Comment  `json:"comments,omitempty"`
	Count      *PostCount `json:"_count,omitempty"`
}

// PostCount holds the _count of Post relations.
type PostCount struct {
	Comments   int64 `json:"comments"`
	Categories int64 `json:"categories"`
}

// Profile is a row of profiles.
type Profile struct {
	ID     int     `json:"id"`
	Bio    *string `json:"bio"`
	UserID int     `json:"userId"`
	User   *User   `json:"user,omitempty"`
}

// Category is a row of Category.
type Category struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Posts []Post `json:"posts,omitempty"`
}

// Comment is a row of Comment.
type Comment struct {
	ID        int       `json:"id"`
	Body      string    `json:"body"`
	Approved  bool      `json:"approved"`
	PostID    int       `json:"postId"`
	AuthorID  int       `json:"authorId"`
	CreatedAt time.Time `json:"createdAt"`
	Author    *User     `json:"author,omitempty"`
	Post      *Post     `json:"post,omitempty"`
}

// Account is a row of Account.
type Account struct {
	ID       int    `json:"id"`
	Owner    string `json:"owner"`
	TenantID string `json:"tenantId"`
	Balance  int64  `json:"balance"`
}

// TransactionRow is a row of transactions.
type TransactionRow struct {
	ID            int    `json:"id"`
	FromAccountID int    `json:"fromAccountId"`
	ToAccountID   int    `json:"toAccountId"`
	Amount        int64  `json:"amount"`
	Type          string `json:"type"`
}
