// Expressions: precedence climbing from assignment down to primary expressions.

package glslcheck

import (
	"fmt"
)

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
