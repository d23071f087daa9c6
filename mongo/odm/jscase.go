package odm

import (
	"strings"
	"unicode"
)

// JavaScript's String#trim, toUpperCase and toLowerCase, which Mongoose's
// trim, uppercase and lowercase call. They differ from Go's strings
// package in a few places: trim also removes U+FEFF (BOM) and keeps U+0085;
// the case mappings are Unicode's full mappings (ß → SS, İ → i̇, final
// sigma) of the Unicode version Node 20 ships.

func isJSSpace(r rune) bool {
	return r == 0xFEFF || (r != 0x85 && unicode.IsSpace(r))
}

func jsTrim(s string) string { return strings.TrimFunc(s, isJSSpace) }

func jsUpper(s string) string {
	if !hasSpecialAfter(s, 0, jsUpperSpecial) {
		return strings.ToUpper(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	for _, r := range s {
		if m, ok := jsUpperSpecial[r]; ok {
			b.WriteString(m)
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// hasSpecialAfter is false in the common case, where s has no rune that
// needs the table, so the fast path of strings.ToUpper/ToLower applies.
func hasSpecialAfter(s string, i int, table map[rune]string) bool {
	for _, r := range s[i:] {
		if _, ok := table[r]; ok {
			return true
		}
	}
	return false
}

func jsLower(s string) string {
	if !hasSpecialAfter(s, 0, jsLowerSpecial) && !strings.ContainsRune(s, 'Σ') {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 2)
	for i, r := range rs {
		if m, ok := jsLowerSpecial[r]; ok {
			b.WriteString(m)
			continue
		}
		if r == 'Σ' && finalSigma(rs, i) {
			b.WriteRune('ς')
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// finalSigma is Unicode's Final_Sigma condition: a cased letter before
// (skipping case-ignorable runes) and none after.
func finalSigma(rs []rune, i int) bool {
	before := false
	for j := i - 1; j >= 0; j-- {
		if caseIgnorable(rs[j]) {
			continue
		}
		before = cased(rs[j])
		break
	}
	if !before {
		return false
	}
	for j := i + 1; j < len(rs); j++ {
		if caseIgnorable(rs[j]) {
			continue
		}
		return !cased(rs[j])
	}
	return true
}

func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)
}

func caseIgnorable(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk) ||
		r == '\'' || r == '.' || r == ':' || r == 0x00AD || r == 0x2019
}

// The tables hold every rune whose mapping in Node 20 (String#toUpperCase
// and toLowerCase of the rune alone) differs from Go's strings.ToUpper and
// ToLower: computed by running both over all code points.
var jsUpperSpecial = map[rune]string{
	0x00DF:  "SS",
	0x0149:  "ʼN",
	0x019B:  "\ua7dc",
	0x01F0:  "J̌",
	0x0264:  "\ua7cb",
	0x0390:  "Ϊ́",
	0x03B0:  "Ϋ́",
	0x0587:  "ԵՒ",
	0x1C8A:  "\u1c89",
	0x1E96:  "H̱",
	0x1E97:  "T̈",
	0x1E98:  "W̊",
	0x1E99:  "Y̊",
	0x1E9A:  "Aʾ",
	0x1F50:  "Υ̓",
	0x1F52:  "Υ̓̀",
	0x1F54:  "Υ̓́",
	0x1F56:  "Υ̓͂",
	0x1F80:  "ἈΙ",
	0x1F81:  "ἉΙ",
	0x1F82:  "ἊΙ",
	0x1F83:  "ἋΙ",
	0x1F84:  "ἌΙ",
	0x1F85:  "ἍΙ",
	0x1F86:  "ἎΙ",
	0x1F87:  "ἏΙ",
	0x1F88:  "ἈΙ",
	0x1F89:  "ἉΙ",
	0x1F8A:  "ἊΙ",
	0x1F8B:  "ἋΙ",
	0x1F8C:  "ἌΙ",
	0x1F8D:  "ἍΙ",
	0x1F8E:  "ἎΙ",
	0x1F8F:  "ἏΙ",
	0x1F90:  "ἨΙ",
	0x1F91:  "ἩΙ",
	0x1F92:  "ἪΙ",
	0x1F93:  "ἫΙ",
	0x1F94:  "ἬΙ",
	0x1F95:  "ἭΙ",
	0x1F96:  "ἮΙ",
	0x1F97:  "ἯΙ",
	0x1F98:  "ἨΙ",
	0x1F99:  "ἩΙ",
	0x1F9A:  "ἪΙ",
	0x1F9B:  "ἫΙ",
	0x1F9C:  "ἬΙ",
	0x1F9D:  "ἭΙ",
	0x1F9E:  "ἮΙ",
	0x1F9F:  "ἯΙ",
	0x1FA0:  "ὨΙ",
	0x1FA1:  "ὩΙ",
	0x1FA2:  "ὪΙ",
	0x1FA3:  "ὫΙ",
	0x1FA4:  "ὬΙ",
	0x1FA5:  "ὭΙ",
	0x1FA6:  "ὮΙ",
	0x1FA7:  "ὯΙ",
	0x1FA8:  "ὨΙ",
	0x1FA9:  "ὩΙ",
	0x1FAA:  "ὪΙ",
	0x1FAB:  "ὫΙ",
	0x1FAC:  "ὬΙ",
	0x1FAD:  "ὭΙ",
	0x1FAE:  "ὮΙ",
	0x1FAF:  "ὯΙ",
	0x1FB2:  "ᾺΙ",
	0x1FB3:  "ΑΙ",
	0x1FB4:  "ΆΙ",
	0x1FB6:  "Α͂",
	0x1FB7:  "Α͂Ι",
	0x1FBC:  "ΑΙ",
	0x1FC2:  "ῊΙ",
	0x1FC3:  "ΗΙ",
	0x1FC4:  "ΉΙ",
	0x1FC6:  "Η͂",
	0x1FC7:  "Η͂Ι",
	0x1FCC:  "ΗΙ",
	0x1FD2:  "Ϊ̀",
	0x1FD3:  "Ϊ́",
	0x1FD6:  "Ι͂",
	0x1FD7:  "Ϊ͂",
	0x1FE2:  "Ϋ̀",
	0x1FE3:  "Ϋ́",
	0x1FE4:  "Ρ̓",
	0x1FE6:  "Υ͂",
	0x1FE7:  "Ϋ͂",
	0x1FF2:  "ῺΙ",
	0x1FF3:  "ΩΙ",
	0x1FF4:  "ΏΙ",
	0x1FF6:  "Ω͂",
	0x1FF7:  "Ω͂Ι",
	0x1FFC:  "ΩΙ",
	0xA7CD:  "\ua7cc",
	0xA7CF:  "\ua7ce",
	0xA7D3:  "\ua7d2",
	0xA7D5:  "\ua7d4",
	0xA7DB:  "\ua7da",
	0xFB00:  "FF",
	0xFB01:  "FI",
	0xFB02:  "FL",
	0xFB03:  "FFI",
	0xFB04:  "FFL",
	0xFB05:  "ST",
	0xFB06:  "ST",
	0xFB13:  "ՄՆ",
	0xFB14:  "ՄԵ",
	0xFB15:  "ՄԻ",
	0xFB16:  "ՎՆ",
	0xFB17:  "ՄԽ",
	0x10D70: "\U00010d50",
	0x10D71: "\U00010d51",
	0x10D72: "\U00010d52",
	0x10D73: "\U00010d53",
	0x10D74: "\U00010d54",
	0x10D75: "\U00010d55",
	0x10D76: "\U00010d56",
	0x10D77: "\U00010d57",
	0x10D78: "\U00010d58",
	0x10D79: "\U00010d59",
	0x10D7A: "\U00010d5a",
	0x10D7B: "\U00010d5b",
	0x10D7C: "\U00010d5c",
	0x10D7D: "\U00010d5d",
	0x10D7E: "\U00010d5e",
	0x10D7F: "\U00010d5f",
	0x10D80: "\U00010d60",
	0x10D81: "\U00010d61",
	0x10D82: "\U00010d62",
	0x10D83: "\U00010d63",
	0x10D84: "\U00010d64",
	0x10D85: "\U00010d65",
	0x16EBB: "\U00016ea0",
	0x16EBC: "\U00016ea1",
	0x16EBD: "\U00016ea2",
	0x16EBE: "\U00016ea3",
	0x16EBF: "\U00016ea4",
	0x16EC0: "\U00016ea5",
	0x16EC1: "\U00016ea6",
	0x16EC2: "\U00016ea7",
	0x16EC3: "\U00016ea8",
	0x16EC4: "\U00016ea9",
	0x16EC5: "\U00016eaa",
	0x16EC6: "\U00016eab",
	0x16EC7: "\U00016eac",
	0x16EC8: "\U00016ead",
	0x16EC9: "\U00016eae",
	0x16ECA: "\U00016eaf",
	0x16ECB: "\U00016eb0",
	0x16ECC: "\U00016eb1",
	0x16ECD: "\U00016eb2",
	0x16ECE: "\U00016eb3",
	0x16ECF: "\U00016eb4",
	0x16ED0: "\U00016eb5",
	0x16ED1: "\U00016eb6",
	0x16ED2: "\U00016eb7",
	0x16ED3: "\U00016eb8",
}

var jsLowerSpecial = map[rune]string{
	0x0130:  "i̇",
	0x1C89:  "\u1c8a",
	0xA7CB:  "ɤ",
	0xA7CC:  "\ua7cd",
	0xA7CE:  "\ua7cf",
	0xA7D2:  "ꟓ",
	0xA7D4:  "ꟕ",
	0xA7DA:  "\ua7db",
	0xA7DC:  "ƛ",
	0x10D50: "\U00010d70",
	0x10D51: "\U00010d71",
	0x10D52: "\U00010d72",
	0x10D53: "\U00010d73",
	0x10D54: "\U00010d74",
	0x10D55: "\U00010d75",
	0x10D56: "\U00010d76",
	0x10D57: "\U00010d77",
	0x10D58: "\U00010d78",
	0x10D59: "\U00010d79",
	0x10D5A: "\U00010d7a",
	0x10D5B: "\U00010d7b",
	0x10D5C: "\U00010d7c",
	0x10D5D: "\U00010d7d",
	0x10D5E: "\U00010d7e",
	0x10D5F: "\U00010d7f",
	0x10D60: "\U00010d80",
	0x10D61: "\U00010d81",
	0x10D62: "\U00010d82",
	0x10D63: "\U00010d83",
	0x10D64: "\U00010d84",
	0x10D65: "\U00010d85",
	0x16EA0: "\U00016ebb",
	0x16EA1: "\U00016ebc",
	0x16EA2: "\U00016ebd",
	0x16EA3: "\U00016ebe",
	0x16EA4: "\U00016ebf",
	0x16EA5: "\U00016ec0",
	0x16EA6: "\U00016ec1",
	0x16EA7: "\U00016ec2",
	0x16EA8: "\U00016ec3",
	0x16EA9: "\U00016ec4",
	0x16EAA: "\U00016ec5",
	0x16EAB: "\U00016ec6",
	0x16EAC: "\U00016ec7",
	0x16EAD: "\U00016ec8",
	0x16EAE: "\U00016ec9",
	0x16EAF: "\U00016eca",
	0x16EB0: "\U00016ecb",
	0x16EB1: "\U00016ecc",
	0x16EB2: "\U00016ecd",
	0x16EB3: "\U00016ece",
	0x16EB4: "\U00016ecf",
	0x16EB5: "\U00016ed0",
	0x16EB6: "\U00016ed1",
	0x16EB7: "\U00016ed2",
	0x16EB8: "\U00016ed3",
}
