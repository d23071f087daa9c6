package gen

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"id": "ID", "authorId": "AuthorID", "createdAt": "CreatedAt", "user_id": "UserID",
		"MODERATOR": "Moderator", "IN_PROGRESS": "InProgress", "in-progress": "InProgress",
		"HTTPServer": "HTTPServer", "httpUrls": "HTTPUrls", "apiKey": "APIKey", "type": "Type",
		"_count": "Count", "select": "Select", "v2Name": "V2Name", "x": "X", "_": "X",
		"user2fa": "User2fa", "UUID": "UUID", "jsonData": "JSONData",
	} {
		require.Equal(t, want, goName(in), in)
	}
}

func TestParamName(t *testing.T) {
	for in, want := range map[string]string{
		"ID": "id", "AuthorID": "authorID", "URLPath": "urlPath", "Email": "email",
		"Type": "type_", "Func": "func_", "String": "string_", "Time": "time_", "Orm": "orm_",
		"Context": "context_", "Len": "len_", "X": "x",
	} {
		require.Equal(t, want, paramName(in), in)
	}
}
