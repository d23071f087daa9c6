package odm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type HookThing struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	Name string        `bson:"name"`
	V    int64         `bson:"__v"`
}

type HookSpecial struct {
	HookThing `bson:",inline"`
	Kind      string `bson:"__t"`
	Extra     string `bson:"extra"`
}

// orderLog is what the hooks of TestMongooseHookOrderPlugins write (for
// the hookthings collection only).
var orderLog []string

// tagHooks registers, as hooks.js's tag does, a pre and a post hook on
// validate, save and find that log who registered them.
func tagHooks(who string) odm.Plugin {
	return func(s *odm.Schema) error {
		for _, e := range []odm.Event{odm.EventValidate, odm.EventSave, odm.EventFind} {
			s.Pre(e, func(ctx context.Context, h *odm.Hook) error {
				if h.Collection == "hookthings" {
					orderLog = append(orderLog, who+" pre "+string(h.Event))
				}
				return nil
			})
			s.Post(e, func(ctx context.Context, h *odm.Hook) error {
				if h.Collection == "hookthings" {
					orderLog = append(orderLog, who+" post "+string(h.Event))
				}
				return nil
			})
		}
		return nil
	}
}

// TestMongooseHookOrderPlugins runs the "order" cases of hooks.json: the
// order of hooks from a global plugin, a schema plugin, the schema itself
// and a discriminator's schema and plugin, as Mongoose 9 ran them.
func TestMongooseHookOrderPlugins(t *testing.T) {
	var fx struct {
		Order []struct {
			Op    string   `json:"op"`
			Hooks []string `json:"hooks"`
		} `json:"order"`
	}
	readHooksFixture(t, &fx)
	require.Len(t, fx.Order, 4)

	ctx := context.Background()
	t.Cleanup(odm.WithGlobalPlugin(tagHooks("global")))
	base := odm.MustSchemaFor[HookThing](nil)
	require.NoError(t, base.Plugin(tagHooks("base plugin")))
	require.NoError(t, tagHooks("base")(base))
	things := odm.MustModel[HookThing](devenv.Mongo(t), "HookThing", base, nil)
	child := odm.MustSchemaFor[HookSpecial](nil)
	require.NoError(t, tagHooks("child")(child))
	require.NoError(t, child.Plugin(tagHooks("child plugin")))
	specials, err := odm.Discriminator[HookSpecial](things, "Special", child, &odm.DiscriminatorOpts{Key: "__t"})
	require.NoError(t, err)

	runs := map[string]func() error{
		"base Create":  func() error { return things.Create(ctx, &HookThing{Name: "a"}) },
		"base Find":    func() error { _, err := things.Find(nil).All(ctx); return err },
		"child Create": func() error { return specials.Create(ctx, &HookSpecial{HookThing: HookThing{Name: "b"}}) },
		"child Find":   func() error { _, err := specials.Find(nil).All(ctx); return err },
	}
	for _, c := range fx.Order {
		t.Run(c.Op, func(t *testing.T) {
			orderLog = nil
			require.NoError(t, runs[c.Op]())
			require.Equal(t, c.Hooks, orderLog, "Mongoose ran these hooks in this order (testdata/mongoose/hooks.json)")
		})
	}
}
