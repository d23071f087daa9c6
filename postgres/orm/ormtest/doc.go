// Package ormtest holds the guide's Prisma schema (User, Post, Profile,
// Category, Comment, plus Account and Transaction for transfers) as orm
// metadata, its DDL and its row structs, written as the generator emits
// them. Tests and benchmarks of the orm package share it.
package ormtest
