// Package tenancy is the multi-tenant SaaS reference system: tenants,
// users, projects, tasks and invoices in PostgreSQL, where no tenant ever
// sees another tenant's rows even when application code forgets a filter.
//
// # Isolation in PostgreSQL
//
// Every table carries tenant_id as the leading column of its primary key
// and indexes (schema.prisma, generated client in package db). Setup
// migrates the tables, then enables and forces row-level security on each
// with one policy, USING and WITH CHECK
//
//	tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid
//
// so a transaction without a tenant sees and writes nothing. The
// application connects as a role that owns no table and lacks BYPASSRLS;
// OpenStore checks this (CheckRole) and refuses to start otherwise. Store.InTenant runs each unit of
// work in one transaction that begins with set_config($1, $2, true) — a
// bind parameter, local to the transaction, so the tenant never leaks to
// the next borrower of the pooled connection — through orm.Tenant, which
// also adds tenant_id = $n to every query so the planner uses the indexes.
//
// The one cross-tenant path is Reporter: a SECURITY DEFINER function with a
// fixed query returning per-tenant aggregates, callable only by the admin
// role, recording every call in an audit table before reading.
//
// # Credentials
//
// Auth issues JWTs whose subject is "<tenant>:<user>", revocable through
// redis/revoke, and API keys "tk_<tenant>_<secret>" stored as SHA-256
// hashes. The tenant of a request comes from the verified credential only.
//
// # Redis, noisy neighbours
//
// Cache keeps each tenant's values under a hash-tagged prefix with a
// generation number, so clearing one tenant's cache is one INCR. The HTTP
// API limits each tenant's request rate with redis/ratelimit, and Gate caps
// the connections one tenant may hold in the single shared pool.
//
// # MongoDB
//
// Records keeps tenants' flexible documents (the guide's tenantSchema)
// through mongo/odm with its Tenant plugin: Scope puts the tenant in the
// context and the plugin confines every find, count, distinct, update,
// delete, aggregate and populate to it, stamps every written document, and
// fails closed without a tenant. User-supplied field names pass
// ValidateFieldName before they reach a query.
//
// # Demo
//
// System is the reference system of `polystore demo tenancy` and `polystore
// serve`: Setup creates roles named after the database and seeds tenants;
// Run drives mixed traffic through the HTTP API with one tenant flooding
// and the others attacking each other, and checks that no foreign row was
// ever returned, every attack was refused, revoked tokens were refused,
// per-tenant counts add up and the quota throttled the flooding tenant only.
//
// Nil arguments (a nil database, pool, connection, Redis client or
// callback) and methods called on nil receivers return an error wrapping
// ErrInvalid; nothing panics. The zero Gate is usable, with a cap of one.
package tenancy
