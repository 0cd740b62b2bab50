package glslcheck

import (
	"fmt"
	"strings"
)

type tokKind int

const (
	tIdent tokKind = iota
	tNumber
	tPunct
	tDirective // a whole preprocessor line, continuations joined
	tEOF
)

// token is one lexical token of GLSL; off and end index the source.
type token struct {
	kind     tokKind
	text     string
	line     int
	off, end int
}

func (t token) String() string {
	if t.kind == tEOF {
		return "end of file"
	}
	return fmt.Sprintf("%q", t.text)
}

// Operators, longest first within each length.
var puncts3 = []string{"<<=", ">>="}
var puncts2 = []string{"++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<=", ">=", "==", "!=", "&&", "||", "^^", "<<", ">>"}

// scan splits src into tokens, dropping comments. Preprocessor lines become single
// tDirective tokens (with their comments removed), returned apart from the code tokens.
func scan(src string) (code, dirs []token, err error) {
	line := 1
	lineStart := true // only white space since the last newline
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			lineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case strings.HasPrefix(src[i:], "/*"):
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				return nil, nil, fmt.Errorf("line %d: comment not closed", line)
			}
			line += strings.Count(src[i:i+2+j+2], "\n")
			i += 2 + j + 2
			continue
		case c == '#' && lineStart:
			start, startLine := i, line
			var b strings.Builder
			for i < len(src) && src[i] != '\n' {
				if src[i] == '\\' && i+1 < len(src) && src[i+1] == '\n' {
					i += 2
					line++
					b.WriteByte(' ')
					continue
				}
				if strings.HasPrefix(src[i:], "//") {
					for i < len(src) && src[i] != '\n' {
						i++
					}
					break
				}
				b.WriteByte(src[i])
				i++
			}
			dirs = append(dirs, token{kind: tDirective, text: b.String(), line: startLine, off: start, end: i})
			continue
		}
		lineStart = false
		start := i
		switch {
		case isIdentStart(c):
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			code = append(code, token{kind: tIdent, text: src[start:i], line: line, off: start, end: i})
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			i = scanNumber(src, i)
			code = append(code, token{kind: tNumber, text: src[start:i], line: line, off: start, end: i})
		default:
			n := 1
			for _, p := range puncts3 {
				if strings.HasPrefix(src[i:], p) {
					n = 3
				}
			}
			if n == 1 {
				for _, p := range puncts2 {
					if strings.HasPrefix(src[i:], p) {
						n = 2
					}
				}
			}
			i += n
			code = append(code, token{kind: tPunct, text: src[start:i], line: line, off: start, end: i})
		}
	}
	code = append(code, token{kind: tEOF, line: line, off: len(src), end: len(src)})
	return code, dirs, nil
}

func scanNumber(src string, i int) int {
	if strings.HasPrefix(src[i:], "0x") || strings.HasPrefix(src[i:], "0X") {
		i += 2
		for i < len(src) && isHex(src[i]) {
			i++
		}
	} else {
		for i < len(src) && (isDigit(src[i]) || src[i] == '.') {
			i++
		}
		if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
			i++
			if i < len(src) && (src[i] == '+' || src[i] == '-') {
				i++
			}
			for i < len(src) && isDigit(src[i]) {
				i++
			}
		}
	}
	for i < len(src) && isIdentChar(src[i]) { // suffixes: u, U, f, F, lf, LF
		i++
	}
	return i
}

func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isHex(c byte) bool        { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// literalType is the type of a numeric literal.
func literalType(s string) typ {
	low := strings.ToLower(s)
	hex := strings.HasPrefix(low, "0x")
	switch {
	case strings.HasSuffix(low, "lf"):
		return typ{base: "double", n: 1}
	case strings.HasSuffix(low, "u"):
		return typ{base: "uint", n: 1}
	case !hex && (strings.ContainsAny(low, ".e") || strings.HasSuffix(low, "f")):
		return typ{base: "float", n: 1}
	}
	return typ{base: "int", n: 1}
}
