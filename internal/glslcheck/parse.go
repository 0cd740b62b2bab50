package glslcheck

import (
	"fmt"
	"strings"
)

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
