package ormcache_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/nopanic"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormcache"
	"github.com/polystore/polystore/postgres/orm/ormtest"
)

// Nil or empty arguments never panic: a missing client, schema, cache, DB
// or model is an error, nil args read everything as the runtime does, and
// writes reported as nil or empty invalidate nothing.
func TestNilAndEmptyArguments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ns := devenv.Redis(t)
	var nilCache *ormcache.Cache
	nopanic.Run(t, []nopanic.Case{
		{Name: "New nil client", Call: func() error { _, err := ormcache.New(nil, ormtest.Schema, ormcache.Config{}); return err }, WantErr: true},
		{Name: "New nil schema", Call: func() error { _, err := ormcache.New(ns.Client, nil, ormcache.Config{}); return err }, WantErr: true},
		{Name: "New empty config", Call: func() error {
			_, err := ormcache.New(ns.Client, ormtest.Schema, ormcache.Config{Prefix: ns.Prefix + "empty:"})
			return err
		}},
		{Name: "FindMany nil cache", Call: func() error {
			_, err := ormcache.FindMany[User](ctx, nil, e.c, ormtest.UserModel, nil, nil)
			return err
		}, WantErr: true},
		{Name: "FindMany nil db", Call: func() error {
			_, err := ormcache.FindMany[User](ctx, e.oc, nil, ormtest.UserModel, nil, nil)
			return err
		}, WantErr: true},
		{Name: "FindMany nil model", Call: func() error {
			_, err := ormcache.FindMany[User](ctx, e.oc, e.c, nil, nil, nil)
			return err
		}, WantErr: true},
		{Name: "FindMany nil args", Call: func() error {
			_, err := ormcache.FindMany[User](ctx, e.oc, e.c, ormtest.UserModel, nil, nil)
			return err
		}},
		{Name: "FindFirst nil args", Call: func() error {
			_, err := ormcache.FindFirst[User](ctx, e.oc, e.c, ormtest.UserModel, nil, nil)
			return err
		}},
		{Name: "FindUnique nil args", Call: func() error {
			_, err := ormcache.FindUnique[User](ctx, e.oc, e.c, ormtest.UserModel, nil, nil)
			return err
		}, WantErr: true},
		{Name: "FindUnique empty where", Call: func() error {
			_, err := ormcache.FindUnique[User](ctx, e.oc, e.c, ormtest.UserModel, &orm.FindArgs{}, nil)
			return err
		}, WantErr: true},
		{Name: "Count nil args", Call: func() error { _, err := ormcache.Count(ctx, e.oc, e.c, ormtest.UserModel, nil, nil); return err }},
		{Name: "Count nil cache", Call: func() error { _, err := ormcache.Count(ctx, nil, e.c, ormtest.UserModel, nil, nil); return err }, WantErr: true},
		{Name: "AfterWrite nil", Call: func() error { e.oc.AfterWrite(ctx, nil); return nil }},
		{Name: "AfterWrite empty write", Call: func() error { e.oc.AfterWrite(ctx, []orm.Written{{}}); return nil }},
		{Name: "Invalidate nothing", Call: func() error { return e.oc.Invalidate(ctx) }},
		{Name: "Invalidate empty model", Call: func() error { return e.oc.Invalidate(ctx, "") }},
		{Name: "InvalidateIDs no ids", Call: func() error { return e.oc.InvalidateIDs(ctx, "User") }},
		{Name: "InvalidateIDs nil id", Call: func() error { return e.oc.InvalidateIDs(ctx, "User", nil) }},
		{Name: "nil Cache AfterWrite", Call: func() error { nilCache.AfterWrite(ctx, []orm.Written{{Model: "User"}}); return nil }},
		{Name: "nil Cache Invalidate", Call: func() error { return nilCache.Invalidate(ctx, "User") }, WantErr: true},
		{Name: "nil Cache Underlying", Call: func() error { nilCache.Underlying(); return nil }},
	})
}
