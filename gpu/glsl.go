package gpu

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// include is GLSL text that compileCompute pastes in place of the shader's line
// `#pragma lifgpu include <name>`, numbered as source string k (k = 1, 2, ... in the
// order given; the shader itself is 0) so that a driver's log names its own lines.
type include struct {
	name string // what the pragma names
	file string // the file it comes from, for errors
	src  string
}

const includePragma = "#pragma lifgpu include "

// paste replaces the include pragmas of body (whose first line is line 2 of the file)
// with the includes' text, framed by #line directives. A pragma with no include given
// is left alone (compilers ignore pragmas they do not know).
func paste(body string, incs []include) string {
	if len(incs) == 0 {
		return body
	}
	lines := strings.SplitAfter(body, "\n")
	var b strings.Builder
	for k, l := range lines {
		name, ok := strings.CutPrefix(strings.TrimSpace(l), includePragma)
		if !ok {
			b.WriteString(l)
			continue
		}
		done := false
		for j, inc := range incs {
			if inc.name != strings.TrimSpace(name) {
				continue
			}
			fmt.Fprintf(&b, "#line 1 %d\n%s\n", j+1, inc.src)
			done = true
		}
		if !done {
			b.WriteString(l)
			continue
		}
		fmt.Fprintf(&b, "#line %d 0\n", k+3) // the file's line after the pragma (body line k is file line k+2)
	}
	return b.String()
}

// shaderUniforms is what a shader variant's source says about its uniforms, read by
// scanUniforms: the names declared anywhere in the file (in any #if branch), and those
// that the code its #defines keep refers to. A uniform the kept code refers to must have
// a location once linked, unless a kept `#pragma lifgpu optional <name>` says that a
// compiler may drop it (folding 0*w, say); one it does not refer to may have none (-1).
type shaderUniforms struct {
	declared map[string]bool
	used     map[string]bool // referred to by the kept code
	optional map[string]bool // named by a kept optional pragma
}

const optionalPragma = "pragma lifgpu optional "

// uniformDecl matches a uniform declaration and captures its name (one name a
// declaration: lif.comp declares no lists).
var uniformDecl = regexp.MustCompile(`\buniform\s+(?:(?:lowp|mediump|highp)\s+)?\w+\s+(\w+)`)

var identifier = regexp.MustCompile(`[A-Za-z_]\w*`)

// scanUniforms preprocesses src as the GLSL compiler would (#define, #undef, #ifdef,
// #ifndef, #if, #elif, #else, #endif; other directives are ignored) and returns its
// uniforms. src is the whole text given to the compiler, #define preamble included, so
// that the variant's defines decide which branches are kept.
func scanUniforms(src string) (shaderUniforms, error) {
	u := shaderUniforms{declared: map[string]bool{}, used: map[string]bool{}, optional: map[string]bool{}}
	pp := preprocessor{macros: map[string]string{}}
	for n, line := range strings.Split(stripComments(src), "\n") {
		if d, ok := strings.CutPrefix(strings.TrimSpace(line), "#"); ok {
			d = strings.TrimSpace(d)
			if names, ok := strings.CutPrefix(d, optionalPragma); ok && pp.active() {
				for _, name := range strings.Fields(names) {
					u.optional[name] = true
				}
			}
			if err := pp.directive(d); err != nil {
				return u, fmt.Errorf("line %d of the assembled source: %v", n+1, err)
			}
			continue
		}
		for _, m := range uniformDecl.FindAllStringSubmatchIndex(line, -1) {
			u.declared[line[m[2]:m[3]]] = true
		}
		if !pp.active() {
			continue
		}
		code := uniformDecl.ReplaceAllString(line, "") // a declaration is no use
		for _, id := range identifier.FindAllString(code, -1) {
			u.used[id] = true
		}
	}
	if len(pp.stack) > 0 {
		return u, fmt.Errorf("%d #if without #endif", len(pp.stack))
	}
	for id := range u.used {
		if !u.declared[id] {
			delete(u.used, id)
		}
	}
	for id := range u.optional {
		if !u.declared[id] {
			return u, fmt.Errorf("#%s%s: no such uniform is declared", optionalPragma, id)
		}
	}
	return u, nil
}

// stripComments replaces // and /* */ comments with spaces, keeping the newlines.
func stripComments(src string) string {
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		switch {
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			if i < len(src) {
				b.WriteByte('\n')
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				end = len(src) - i - 2
			}
			b.WriteString(strings.Repeat("\n", strings.Count(src[i:i+2+end], "\n")) + " ")
			i += 2 + end + 1
		default:
			b.WriteByte(src[i])
		}
	}
	return b.String()
}

// preprocessor keeps the macros and the #if stack while scanUniforms reads a source.
type preprocessor struct {
	macros map[string]string // object-like macros' values; function-like ones map to ""
	stack  []ppFrame
}

type ppFrame struct {
	outer bool // the enclosing branch is kept
	keep  bool // this branch is kept
	taken bool // some branch of this #if was kept
}

func (pp *preprocessor) active() bool {
	return len(pp.stack) == 0 || pp.stack[len(pp.stack)-1].keep
}

func (pp *preprocessor) directive(d string) error {
	name, rest, _ := strings.Cut(d, " ")
	rest = strings.TrimSpace(rest)
	top := func() *ppFrame { return &pp.stack[len(pp.stack)-1] }
	push := func(cond func() (bool, error)) error {
		f := ppFrame{outer: pp.active()}
		if f.outer {
			c, err := cond()
			if err != nil {
				return err
			}
			f.keep, f.taken = c, c
		}
		pp.stack = append(pp.stack, f)
		return nil
	}
	switch name {
	case "ifdef", "ifndef":
		_, def := pp.macros[rest]
		return push(func() (bool, error) { return def == (name == "ifdef"), nil })
	case "if":
		return push(func() (bool, error) { return pp.eval(rest) })
	case "elif", "else", "endif":
		if len(pp.stack) == 0 {
			return fmt.Errorf("#%s without #if", name)
		}
	case "define":
		if pp.active() {
			m := identifier.FindStringIndex(rest)
			if m == nil || m[0] != 0 {
				return fmt.Errorf("#define %s: no name", rest)
			}
			pp.macros[rest[:m[1]]] = ""
			if v := rest[m[1]:]; !strings.HasPrefix(v, "(") { // object-like
				pp.macros[rest[:m[1]]] = strings.TrimSpace(v)
			}
		}
		return nil
	case "undef":
		if pp.active() {
			delete(pp.macros, rest)
		}
		return nil
	default: // version, extension, line, pragma
		return nil
	}
	f := top()
	switch name {
	case "elif":
		if !f.outer || f.taken {
			f.keep = false
			return nil
		}
		c, err := pp.eval(rest)
		f.keep, f.taken = c, c
		return err
	case "else":
		f.keep, f.taken = f.outer && !f.taken, true
	case "endif":
		pp.stack = pp.stack[:len(pp.stack)-1]
	}
	return nil
}

// eval evaluates an #if expression: integers, macros (an undefined one is 0),
// defined(X) and defined X, unary ! and -, * / %, + -, < > <= >=, == !=, &&, ||, and
// parentheses.
func (pp *preprocessor) eval(expr string) (bool, error) {
	e := ppExpr{pp: pp, toks: ppTokens.FindAllString(expr, -1)}
	v, err := e.binary(0)
	if err == nil && e.i < len(e.toks) {
		err = fmt.Errorf("unexpected %q", e.toks[e.i])
	}
	if err != nil {
		return false, fmt.Errorf("#if %s: %v", expr, err)
	}
	return v != 0, nil
}

var ppTokens = regexp.MustCompile(`[A-Za-z_]\w*|0[xX][0-9a-fA-F]+[uU]?|\d+[uU]?|&&|\|\||==|!=|<=|>=|\S`)

// ppLevels are the binary operators from the loosest to the tightest.
var ppLevels = [][]string{{"||"}, {"&&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"+", "-"}, {"*", "/", "%"}}

type ppExpr struct {
	pp    *preprocessor
	toks  []string
	i     int
	depth int // macro expansion depth, against self-reference
}

func (e *ppExpr) peek() string {
	if e.i < len(e.toks) {
		return e.toks[e.i]
	}
	return ""
}

func (e *ppExpr) next() string { t := e.peek(); e.i++; return t }

func (e *ppExpr) binary(level int) (int64, error) {
	if level == len(ppLevels) {
		return e.unary()
	}
	a, err := e.binary(level + 1)
	for err == nil {
		op := e.peek()
		if !slices.Contains(ppLevels[level], op) {
			break
		}
		e.next()
		var b int64
		if b, err = e.binary(level + 1); err == nil {
			a, err = ppApply(op, a, b)
		}
	}
	return a, err
}

func ppApply(op string, a, b int64) (int64, error) {
	switch op {
	case "||":
		return boolInt(a != 0 || b != 0), nil
	case "&&":
		return boolInt(a != 0 && b != 0), nil
	case "==":
		return boolInt(a == b), nil
	case "!=":
		return boolInt(a != b), nil
	case "<":
		return boolInt(a < b), nil
	case ">":
		return boolInt(a > b), nil
	case "<=":
		return boolInt(a <= b), nil
	case ">=":
		return boolInt(a >= b), nil
	case "+":
		return a + b, nil
	case "-":
		return a - b, nil
	case "*":
		return a * b, nil
	}
	if b == 0 {
		return 0, fmt.Errorf("%s by zero", op)
	}
	if op == "/" {
		return a / b, nil
	}
	return a % b, nil
}

func (e *ppExpr) unary() (int64, error) {
	switch t := e.next(); {
	case t == "!" || t == "-":
		v, err := e.unary()
		if t == "!" {
			return boolInt(v == 0), err
		}
		return -v, err
	case t == "(":
		v, err := e.binary(0)
		if err == nil && e.next() != ")" {
			err = fmt.Errorf("missing )")
		}
		return v, err
	case t == "defined":
		name, paren := e.next(), false
		if name == "(" {
			name, paren = e.next(), true
		}
		if paren && e.next() != ")" {
			return 0, fmt.Errorf("defined(%s: missing )", name)
		}
		_, ok := e.pp.macros[name]
		return boolInt(ok), nil
	case t != "" && (t[0] >= '0' && t[0] <= '9'):
		return strconv.ParseInt(strings.TrimRight(t, "uU"), 0, 64)
	case identifier.MatchString(t):
		v, ok := e.pp.macros[t]
		if !ok || v == "" || e.depth > 16 {
			return 0, nil // an undefined (or empty) macro is 0, as in C
		}
		sub := ppExpr{pp: e.pp, toks: ppTokens.FindAllString(v, -1), depth: e.depth + 1}
		return sub.binary(0)
	case t == "":
		return 0, fmt.Errorf("unexpected end")
	default:
		return 0, fmt.Errorf("unexpected %q", t)
	}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
