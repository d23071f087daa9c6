// Package shop is the flash-sale shop, the first reference system of
// polystore demo (see docs/shop.md).
//
// Stock, reservations and idempotency keys live in Redis: one script per
// request (Shop.Reserve) checks and decrements the stock, records the
// reservation with its expiry and stores the answer under the
// Idempotency-Key, with every key of a product under the hash tag {sku}.
// With AppConfig.PG the catalog, orders and outbox live in PostgreSQL
// (schema.prisma, client generated into apps/shop/db, migrated by
// App.Prepare), product reads go through redis/cache, App.ConfirmOrder
// writes the order, its item and an outbox row in one transaction, and
// App.RunWorker applies each order to the inventory once and writes its
// history to MongoDB (AppConfig.Mongo) through mongo/odm. App.Verify checks
// that the three stores agree; System plugs the shop into internal/demo.
//
// Without AppConfig.PG an App keeps its catalog in memory and stops at
// Redis, which is what the reservation benchmarks use.
package shop
