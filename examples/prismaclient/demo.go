package main

import (
	"context"
	"fmt"
	"io"

	"github.com/polystore/polystore/examples/prismaclient/db"
)

// demo creates a user with a profile and posts in one nested write, then
// reads them back the way the guide's first include example does.
func demo(ctx context.Context, client *db.Client, w io.Writer) error {
	u, err := client.User.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{
		db.UserFields.Email.Set("ada@example.com"),
		db.UserFields.Name.Set("Ada"),
		db.UserFields.Profile.Create(db.ProfileFields.Bio.Set("Mathematician")),
		db.UserFields.Posts.Create(
			[]db.PostSet{db.PostFields.Title.Set("Notes"), db.PostFields.Published.Set(true),
				db.PostFields.Categories.ConnectOrCreate(db.CategoryByName("math"), db.CategoryFields.Name.Set("math"))},
			[]db.PostSet{db.PostFields.Title.Set("Draft")},
		),
	}})
	if err != nil {
		return err
	}
	got, err := client.User.FindUniqueOrThrow(ctx, db.UserByID(u.ID), &db.UserFindArgs{
		Include: []db.UserInclude{
			db.UserFields.Posts.Include(&db.PostFindArgs{
				Where:   []db.PostCond{db.PostFields.Published.Equals(true)},
				Include: []db.PostInclude{db.PostFields.Categories.Include(nil)},
			}),
			db.UserFields.Profile.Include(nil),
		},
		Count: []db.UserCountOf{db.UserFields.Posts.Count()},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s (%s) has %d posts, %d published:\n", *got.Name, *got.Profile.Bio, got.Count.Posts, len(got.Posts))
	for _, p := range got.Posts {
		fmt.Fprintf(w, "  %q in %s\n", p.Title, p.Categories[0].Name)
	}
	return nil
}
