// Package orm is the runtime behind polystore's typed PostgreSQL clients
// generated from schema.prisma, usable by hand as well.
//
// A schema is described by metadata — Model, Field, Relation, Unique,
// JoinTable — that the generator emits as Go literals and NewSchema links
// (see docs/orm.md). Operations are generic functions over a result struct
// whose JSON names are the schema's field names:
//
//	users, err := orm.FindMany[User](ctx, client, UserModel, &orm.FindArgs{
//		Where:   orm.Where{orm.Fold(orm.Contains("email", "@example.com"))},
//		OrderBy: []orm.Order{orm.Desc("createdAt")},
//		Include: []orm.Include{{Relation: "posts", Args: &orm.FindArgs{Take: 5}}},
//	})
//
// Filters, orderings and data are structured values, never SQL: identifiers
// come from the metadata (quoted), every value is a bind parameter, and a
// malformed query fails with a *ValidationError before reaching the
// database. ParseWhere, ParseOrderBy, ParseFindArgs, ParseCountArgs,
// ParseAggregateArgs and ParseGroupByArgs accept the same structures as
// Prisma-style JSON.
//
// Included relations load with StrategyQuery (the default: one
// "= ANY($1)" statement per relation level) or StrategyJoin (one statement:
// LATERAL joins aggregated with json_agg); neither issues a query per
// parent row.
//
// Writes cover Create (with nested create, connect, connectOrCreate),
// CreateMany (COPY or multi-row INSERT), Update (atomic Increment,
// Decrement, Multiply, Divide; a unique selector plus extra conditions, a
// miss being P2025), Upsert, Delete, the *Many variants, Count, Aggregate
// and GroupBy. Nested writes run in one transaction, to any depth.
//
// Client wraps a pgxpool (Config, ParseConfig with connection_limit and
// pool_timeout); Client.Transaction runs interactive transactions with
// isolation, timeout, max wait and opt-in retry of serialization failures;
// Client.Batch runs operations in one transaction; called inside a
// transaction, both join it through a SAVEPOINT. Client.With adds
// extensions: query hooks (SoftDelete, Tenant ship ready), relation scopes
// that also filter included relations, relation filters and nested writes,
// result hooks and transaction setup. Sql fragments, QueryRaw, ExecRaw and the Select
// builder cover hand-written SQL. Errors are *Error values with Prisma codes
// (P2002, P2003, P2025, P2034...) matching the Err* sentinels.
package orm
