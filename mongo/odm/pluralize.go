package odm

import "regexp"

// pluralRule is one of Mongoose's pluralization rules: the first rule whose
// pattern matches the lowercased model name rewrites every match.
type pluralRule struct {
	re   *regexp.Regexp
	repl string
}

// pluralRules are Mongoose's (lib/helpers/pluralize.js), in its order, with
// JavaScript's $1 written ${1}. An unmatched group is empty in both.
var pluralRules = func() []pluralRule {
	src := [][2]string{
		{`human$`, `humans`},
		{`(m|wom)an$`, `${1}en`},
		{`(pe)rson$`, `${1}ople`},
		{`(child)$`, `${1}ren`},
		{`^(ox)$`, `${1}en`},
		{`(ax|test)is$`, `${1}es`},
		{`(octop|cact|foc|fung|nucle)us$`, `${1}i`},
		{`(alias|status|virus)$`, `${1}es`},
		{`(bu)s$`, `${1}ses`},
		{`(buffal|tomat|potat)o$`, `${1}oes`},
		{`([ti])um$`, `${1}a`},
		{`sis$`, `ses`},
		{`(?:([^f])fe|([lr])f)$`, `${1}${2}ves`},
		{`(hive)$`, `${1}s`},
		{`([^aeiouy]|qu)y$`, `${1}ies`},
		{`(x|ch|ss|sh)$`, `${1}es`},
		{`(matr|vert|ind)ix|ex$`, `${1}ices`},
		{`([m|l])ouse$`, `${1}ice`},
		{`(kn|w|l)ife$`, `${1}ives`},
		{`(quiz)$`, `${1}zes`},
		{`^goose$`, `geese`},
		{`s$`, `s`},
		{`([^a-z])$`, `${1}`},
		{`$`, `s`},
	}
	rules := make([]pluralRule, len(src))
	for i, r := range src {
		flags := `(?i)` // every rule but ([^a-z])$ is case-insensitive, as in Mongoose
		if r[0] == `([^a-z])$` {
			flags = ""
		}
		rules[i] = pluralRule{re: regexp.MustCompile(flags + r[0]), repl: r[1]}
	}
	return rules
}()

// uncountables are left as they are (Mongoose's list).
var uncountables = map[string]bool{
	"advice": true, "energy": true, "excretion": true, "digestion": true, "cooperation": true,
	"health": true, "justice": true, "labour": true, "machinery": true, "equipment": true,
	"information": true, "pollution": true, "sewage": true, "paper": true, "money": true,
	"species": true, "series": true, "rain": true, "rice": true, "fish": true, "sheep": true,
	"moose": true, "deer": true, "news": true, "expertise": true, "status": true, "media": true,
}

// CollectionName is the collection Mongoose gives a model named name when
// none is set: the name lowercased and pluralized by Mongoose's English
// rules ("Person" → "people", "Entry" → "entries", "Status" → "status").
// NewModel uses it when ModelOpts.Collection is empty.
func CollectionName(name string) string {
	s := jsLower(name)
	if uncountables[s] {
		return s
	}
	for _, r := range pluralRules {
		if r.re.MatchString(s) {
			return r.re.ReplaceAllString(s, r.repl)
		}
	}
	return s
}
