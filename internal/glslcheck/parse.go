package glslcheck

import (
	"fmt"
	"strings"
)

// typ is a GLSL type as far as the lint needs it: the scalar base ("float", "double",
// "int", "uint", "bool", "int64", "uint64"), a struct's name, "void", or "" when
// unknown; n components (vectors; matrices count as float vectors); arr for arrays.
type typ struct {
	base string
	n    int
	arr  bool
}

func (t typ) isFloat() bool { return t.base == "float" || t.base == "double" }
func (t typ) isInt() bool {
	switch t.base {
	case "int", "uint", "bool", "int64", "uint64":
		return true
	}
	return false
}

var builtinTypes = map[string]typ{"void": {base: "void"}}

func init() {
	for _, s := range []struct{ prefix, base string }{{"", "float"}, {"d", "double"}, {"i", "int"}, {"u", "uint"}, {"b", "bool"}, {"i64", "int64"}, {"u64", "uint64"}} {
		for n := 2; n <= 4; n++ {
			builtinTypes[fmt.Sprintf("%svec%d", s.prefix, n)] = typ{base: s.base, n: n}
		}
	}
	for name, base := range map[string]string{"float": "float", "double": "double", "int": "int", "uint": "uint", "bool": "bool", "int64_t": "int64", "uint64_t": "uint64"} {
		builtinTypes[name] = typ{base: base, n: 1}
	}
	for _, p := range []string{"", "d"} {
		base := map[string]string{"": "float", "d": "double"}[p]
		for a := 2; a <= 4; a++ {
			builtinTypes[fmt.Sprintf("%smat%d", p, a)] = typ{base: base, n: a}
			for b := 2; b <= 4; b++ {
				builtinTypes[fmt.Sprintf("%smat%dx%d", p, a, b)] = typ{base: base, n: b}
			}
		}
	}
}

// Qualifiers that may come before a type; layout(...) is handled apart.
var qualifiers = map[string]bool{
	"precise": true, "const": true, "uniform": true, "buffer": true, "in": true, "out": true, "inout": true,
	"shared": true, "readonly": true, "writeonly": true, "coherent": true, "volatile": true, "restrict": true,
	"highp": true, "mediump": true, "lowp": true, "flat": true, "smooth": true, "noperspective": true,
	"invariant": true, "centroid": true, "sample": true, "patch": true,
}

// node is an expression.
type node struct {
	kind nodeKind
	op   string // operator, or the name of an identifier, field or callee
	tok  token  // where it is
	kids []*node
}

type nodeKind int

const (
	nIdent   nodeKind = iota
	nNumber           // op holds the literal
	nUnary            // prefix op kids[0]
	nPostfix          // kids[0] op (++, --)
	nBinary           // kids[0] op kids[1]
	nAssign           // kids[0] op kids[1], op one of = += -= ...
	nTernary          // kids[0] ? kids[1] : kids[2]
	nCall             // op(kids...): a function, constructor or macro
	nIndex            // kids[0][kids[1]]
	nField            // kids[0].op
	nComma            // kids...
)

// stmt is a statement of a function body.
type stmt struct {
	kind  stmtKind
	text  string // source text for messages (the header of a compound statement)
	line  int
	decl  *decl   // sDecl
	exprs []*node // sExpr: [e]; sIf, sWhile, sDo, sSwitch: [cond]; sReturn: [e] or none; sFor: [cond, incr] (either nil)
	kids  []*stmt // sBlock: body; sIf: then, else; loops: body (sFor: init first, may be nil)
}

type stmtKind int

const (
	sBlock stmtKind = iota
	sDecl
	sExpr
	sIf
	sFor
	sWhile
	sDo
	sSwitch
	sReturn
	sPrecise // `precise x;`: a redeclaration that makes x precise
	sOther   // break, continue, discard, case, default, empty
)

type decl struct {
	precise bool
	t       typ
	vars    []declarator
}

type declarator struct {
	name string
	tok  token
	arr  bool
	init *node
}

type param struct {
	name    string
	t       typ
	precise bool
}

type function struct {
	name   string
	ret    typ
	params []param
	body   *stmt // nil for a prototype
	file   *file
	arith  []bool // params[i] is (or flows into) an operand of float arithmetic
}

// parser reads the code tokens of one file.
type parser struct {
	f       *file
	toks    []token
	pos     int
	structs map[string]map[string]typ // known struct types, shared by the files
}

type parseError struct {
	line int
	msg  string
}

func (e *parseError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}
func (p *parser) is(s string) bool { t := p.peek(); return t.kind != tEOF && t.text == s }
func (p *parser) fail(format string, args ...any) {
	panic(&parseError{line: p.peek().line, msg: fmt.Sprintf(format, args...)})
}
func (p *parser) expect(s string) token {
	if !p.is(s) {
		p.fail("want %q, found %v", s, p.peek())
	}
	return p.next()
}

// typeName returns the type named by t, if t names one.
func (p *parser) typeName(t token) (typ, bool) {
	if t.kind != tIdent {
		return typ{}, false
	}
	if b, ok := builtinTypes[t.text]; ok {
		return b, true
	}
	if _, ok := p.structs[t.text]; ok {
		return typ{base: t.text, n: 1}, true
	}
	return typ{}, false
}

// skipBalanced skips from an opening bracket to its match.
func (p *parser) skipBalanced() {
	open := p.next().text
	closer := map[string]string{"(": ")", "[": "]", "{": "}"}[open]
	for depth := 1; depth > 0; {
		t := p.next()
		switch {
		case t.kind == tEOF:
			p.fail("%q not closed", open)
		case t.text == open:
			depth++
		case t.text == closer:
			depth--
		}
	}
}

// qualifiers skips qualifiers and layouts and reports whether precise was among them
// and which storage qualifier (uniform, buffer, in, out) was.
func (p *parser) qualifiers() (precise bool, storage string) {
	for {
		t := p.peek()
		switch {
		case t.text == "layout" && p.peekAt(1).text == "(":
			p.next()
			p.skipBalanced()
		case t.kind == tIdent && qualifiers[t.text]:
			p.next()
			if t.text == "precise" {
				precise = true
			}
			if t.text == "uniform" || t.text == "buffer" || t.text == "in" || t.text == "out" {
				storage = t.text
			}
		default:
			return
		}
	}
}

// arraySuffix skips [N] suffixes and reports whether there was one.
func (p *parser) arraySuffix() bool {
	arr := false
	for p.is("[") {
		p.skipBalanced()
		arr = true
	}
	return arr
}

// parseType reads a type name with an optional array suffix.
func (p *parser) parseType() typ {
	t, ok := p.typeName(p.peek())
	if !ok {
		p.fail("want a type, found %v", p.peek())
	}
	p.next()
	if p.arraySuffix() {
		t.arr = true
	}
	return t
}

// members reads struct or block members up to the closing brace.
func (p *parser) members() map[string]typ {
	p.expect("{")
	m := map[string]typ{}
	for !p.is("}") {
		p.qualifiers()
		t := p.parseType()
		for {
			name := p.next()
			if name.kind != tIdent {
				p.fail("want a member name, found %v", name)
			}
			mt := t
			if p.arraySuffix() {
				mt.arr = true
			}
			m[name.text] = mt
			if !p.is(",") {
				break
			}
			p.next()
		}
		p.expect(";")
	}
	p.expect("}")
	return m
}

// topLevel reads the file's declarations: structs, blocks, globals, functions.
func (p *parser) topLevel(c *checker) {
	for p.peek().kind != tEOF {
		if p.is(";") {
			p.next()
			continue
		}
		if p.is("precision") {
			for !p.is(";") {
				p.next()
			}
			continue
		}
		if p.is("struct") {
			p.next()
			name := p.next()
			p.structs[name.text] = p.members()
			p.globalDeclarators(c, typ{base: name.text, n: 1}, false)
			continue
		}
		start := p.peek()
		precise, storage := p.qualifiers()
		if p.is(";") { // layout(local_size_x = WG) in;
			p.next()
			continue
		}
		if t := p.peek(); t.kind == tIdent && p.peekAt(1).text == "{" && storage != "" {
			p.next()
			m := p.members()
			if p.is(";") {
				for name, mt := range m {
					c.globals[name] = &variable{name: name, t: mt, kind: global}
				}
			} else {
				p.structs[t.text] = m
				p.globalDeclarators(c, typ{base: t.text, n: 1}, false)
				continue
			}
			p.expect(";")
			continue
		}
		t := p.parseType()
		if p.peek().kind == tIdent && p.peekAt(1).text == "(" {
			p.function(c, t, start)
			continue
		}
		for _, d := range p.declarators(start) {
			vt := t
			if d.arr {
				vt.arr = true
			}
			c.globals[d.name] = &variable{name: d.name, t: vt, kind: global, precise: precise, decl: d.tok.line}
			if d.init != nil {
				c.globalInits = append(c.globalInits, globalInit{file: p.f, v: c.globals[d.name], init: d.init, text: p.text(start, p.toks[p.pos-1])})
			}
		}
	}
}

func (p *parser) globalDeclarators(c *checker, t typ, precise bool) {
	if p.is(";") {
		p.next()
		return
	}
	for _, d := range p.declarators(p.peek()) {
		vt := t
		vt.arr = d.arr
		c.globals[d.name] = &variable{name: d.name, t: vt, kind: global, precise: precise, decl: d.tok.line}
	}
}

// declarators reads `name [arr] [= init], ... ;`.
func (p *parser) declarators(start token) []declarator {
	var out []declarator
	for {
		name := p.next()
		if name.kind != tIdent {
			p.fail("want a name, found %v", name)
		}
		d := declarator{name: name.text, tok: name, arr: p.arraySuffix()}
		if p.is("=") {
			p.next()
			if p.is("{") {
				p.skipBalanced() // an initializer list: not analysed
			} else {
				d.init = p.assignment()
			}
		}
		out = append(out, d)
		if !p.is(",") {
			break
		}
		p.next()
	}
	p.expect(";")
	return out
}

func (p *parser) function(c *checker, ret typ, start token) {
	name := p.next()
	f := &function{name: name.text, ret: ret, file: p.f}
	p.expect("(")
	if p.is("void") && p.peekAt(1).text == ")" {
		p.next()
	}
	for !p.is(")") {
		precise, _ := p.qualifiers()
		t := p.parseType()
		pr := param{t: t, precise: precise}
		if p.peek().kind == tIdent {
			pr.name = p.next().text
		}
		if p.arraySuffix() {
			pr.t.arr = true
		}
		f.params = append(f.params, pr)
		if !p.is(",") {
			break
		}
		p.next()
	}
	p.expect(")")
	f.arith = make([]bool, len(f.params))
	if p.is(";") {
		p.next()
		if _, ok := c.funcs[f.name]; !ok {
			c.funcs[f.name] = f
		}
		return
	}
	f.body = p.block()
	c.funcs[f.name] = f
	p.f.funcs = append(p.f.funcs, f)
}

// text is the source from token a to token b, white space collapsed.
func (p *parser) text(a, b token) string {
	return strings.Join(strings.Fields(p.f.src[a.off:b.end]), " ")
}

func (p *parser) block() *stmt {
	open := p.expect("{")
	s := &stmt{kind: sBlock, line: open.line, text: "{"}
	for !p.is("}") {
		if p.peek().kind == tEOF {
			p.fail("block from line %d not closed", open.line)
		}
		s.kids = append(s.kids, p.statement())
	}
	p.next()
	return s
}

// isDecl reports whether a declaration starts here: qualifiers, then a type and a name.
func (p *parser) isDecl() bool {
	k := 0
	for {
		t := p.peekAt(k)
		if t.kind == tIdent && qualifiers[t.text] {
			k++
			continue
		}
		if _, ok := p.typeName(t); !ok {
			return false
		}
		k++
		for p.peekAt(k).text == "[" { // float[3] a
			for p.peekAt(k).text != "]" && p.peekAt(k).kind != tEOF {
				k++
			}
			k++
		}
		return p.peekAt(k).kind == tIdent
	}
}

func (p *parser) statement() *stmt {
	t := p.peek()
	switch t.text {
	case "{":
		return p.block()
	case ";":
		p.next()
		return &stmt{kind: sOther, line: t.line, text: ";"}
	case "if":
		p.next()
		p.expect("(")
		cond := p.expression()
		end := p.expect(")")
		s := &stmt{kind: sIf, line: t.line, text: p.text(t, end), exprs: []*node{cond}}
		s.kids = append(s.kids, p.statement())
		if p.is("else") {
			p.next()
			s.kids = append(s.kids, p.statement())
		}
		return s
	case "while":
		p.next()
		p.expect("(")
		cond := p.expression()
		end := p.expect(")")
		return &stmt{kind: sWhile, line: t.line, text: p.text(t, end), exprs: []*node{cond}, kids: []*stmt{p.statement()}}
	case "do":
		p.next()
		body := p.statement()
		p.expect("while")
		p.expect("(")
		cond := p.expression()
		p.expect(")")
		end := p.expect(";")
		return &stmt{kind: sDo, line: t.line, text: p.text(t, end), exprs: []*node{cond}, kids: []*stmt{body}}
	case "for":
		p.next()
		p.expect("(")
		var init *stmt
		if p.is(";") {
			p.next()
		} else {
			init = p.simple()
		}
		var cond, incr *node
		if !p.is(";") {
			cond = p.expression()
		}
		p.expect(";")
		if !p.is(")") {
			incr = p.expression()
		}
		end := p.expect(")")
		return &stmt{kind: sFor, line: t.line, text: p.text(t, end), exprs: []*node{cond, incr}, kids: []*stmt{init, p.statement()}}
	case "switch":
		p.next()
		p.expect("(")
		cond := p.expression()
		end := p.expect(")")
		return &stmt{kind: sSwitch, line: t.line, text: p.text(t, end), exprs: []*node{cond}, kids: []*stmt{p.block()}}
	case "case":
		p.next()
		e := p.expression()
		end := p.expect(":")
		return &stmt{kind: sExpr, line: t.line, text: p.text(t, end), exprs: []*node{e}}
	case "default":
		p.next()
		end := p.expect(":")
		return &stmt{kind: sOther, line: t.line, text: p.text(t, end)}
	case "break", "continue", "discard":
		p.next()
		end := p.expect(";")
		return &stmt{kind: sOther, line: t.line, text: p.text(t, end)}
	case "return":
		p.next()
		s := &stmt{kind: sReturn, line: t.line}
		if !p.is(";") {
			s.exprs = []*node{p.expression()}
		}
		s.text = p.text(t, p.expect(";"))
		return s
	case "precise":
		if p.peekAt(1).kind == tIdent && p.peekAt(2).text == ";" {
			p.next()
			name := p.next()
			end := p.next()
			return &stmt{kind: sPrecise, line: t.line, text: p.text(t, end), exprs: []*node{{kind: nIdent, op: name.text, tok: name}}}
		}
	}
	return p.simple()
}

// simple reads a declaration or an expression statement, with its semicolon.
func (p *parser) simple() *stmt {
	start := p.peek()
	if p.isDecl() {
		precise, _ := p.qualifiers()
		t := p.parseType()
		d := &decl{precise: precise, t: t, vars: p.declarators(start)}
		return &stmt{kind: sDecl, line: start.line, text: p.text(start, p.toks[p.pos-1]), decl: d}
	}
	e := p.expression()
	end := p.expect(";")
	return &stmt{kind: sExpr, line: start.line, text: p.text(start, end), exprs: []*node{e}}
}

// Expressions, by GLSL precedence.

func (p *parser) expression() *node {
	e := p.assignment()
	if !p.is(",") {
		return e
	}
	c := &node{kind: nComma, tok: p.peek(), kids: []*node{e}}
	for p.is(",") {
		p.next()
		c.kids = append(c.kids, p.assignment())
	}
	return c
}

var assignOps = map[string]bool{"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true, "<<=": true, ">>=": true, "&=": true, "^=": true, "|=": true}

func (p *parser) assignment() *node {
	lhs := p.ternary()
	if t := p.peek(); t.kind == tPunct && assignOps[t.text] {
		p.next()
		return &node{kind: nAssign, op: t.text, tok: t, kids: []*node{lhs, p.assignment()}}
	}
	return lhs
}

func (p *parser) ternary() *node {
	c := p.binary(0)
	if !p.is("?") {
		return c
	}
	q := p.next()
	a := p.assignment()
	p.expect(":")
	b := p.assignment()
	return &node{kind: nTernary, op: "?:", tok: q, kids: []*node{c, a, b}}
}

var binaryLevels = [][]string{
	{"||"}, {"^^"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
}

func (p *parser) binary(level int) *node {
	if level == len(binaryLevels) {
		return p.unary()
	}
	lhs := p.binary(level + 1)
	for {
		t := p.peek()
		found := false
		for _, op := range binaryLevels[level] {
			if t.kind == tPunct && t.text == op {
				found = true
			}
		}
		if !found {
			return lhs
		}
		p.next()
		lhs = &node{kind: nBinary, op: t.text, tok: t, kids: []*node{lhs, p.binary(level + 1)}}
	}
}

func (p *parser) unary() *node {
	t := p.peek()
	if t.kind == tPunct {
		switch t.text {
		case "+", "-", "!", "~", "++", "--":
			p.next()
			return &node{kind: nUnary, op: t.text, tok: t, kids: []*node{p.unary()}}
		}
	}
	return p.postfix()
}

func (p *parser) postfix() *node {
	e := p.primary()
	for {
		t := p.peek()
		switch t.text {
		case "[":
			p.next()
			idx := p.expression()
			p.expect("]")
			e = &node{kind: nIndex, tok: t, kids: []*node{e, idx}}
		case ".":
			p.next()
			name := p.next()
			if name.kind != tIdent {
				p.fail("want a field name, found %v", name)
			}
			e = &node{kind: nField, op: name.text, tok: name, kids: []*node{e}}
			if name.text == "length" && p.is("(") { // a.length()
				p.next()
				p.expect(")")
				e = &node{kind: nCall, op: ".length", tok: name, kids: e.kids}
			}
		case "++", "--":
			p.next()
			e = &node{kind: nPostfix, op: t.text, tok: t, kids: []*node{e}}
		default:
			return e
		}
	}
}

func (p *parser) primary() *node {
	t := p.peek()
	p.next()
	switch t.kind {
	case tNumber:
		return &node{kind: nNumber, op: t.text, tok: t}
	case tIdent:
		if p.is("(") {
			p.next()
			call := &node{kind: nCall, op: t.text, tok: t}
			if p.is("void") && p.peekAt(1).text == ")" {
				p.next()
			}
			for !p.is(")") {
				call.kids = append(call.kids, p.assignment())
				if !p.is(",") {
					break
				}
				p.next()
			}
			p.expect(")")
			return call
		}
		return &node{kind: nIdent, op: t.text, tok: t}
	case tPunct:
		if t.text == "(" {
			e := p.expression()
			p.expect(")")
			return e
		}
	}
	panic(&parseError{line: t.line, msg: fmt.Sprintf("want an expression, found %v", t)})
}
