package odm_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/mongo/odm"
)

// TestDefaultCollectionNames compares CollectionName with the collection
// Mongoose itself gave each model name (testdata/mongoose/fixtures.json,
// recorded by `make mongoose-fixtures`).
func TestDefaultCollectionNames(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "mongoose", "fixtures.json"))
	require.NoError(t, err)
	var fx struct {
		CollectionNames map[string]string `json:"collectionNames"`
	}
	require.NoError(t, json.Unmarshal(raw, &fx))
	require.NotEmpty(t, fx.CollectionNames)
	for name, want := range fx.CollectionNames {
		require.Equal(t, want, odm.CollectionName(name), "model %q", name)
	}
}
