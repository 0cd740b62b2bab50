// The rule itself: a walk over each function body (and global initializer) that
// finds float arithmetic whose value is not bound to a precise variable.

package glslcheck

import (
	"fmt"
	"strings"
)

// walker checks one function body (or a global initializer).
type walker struct {
	c      *checker
	file   *file
	fn     *function
	scopes []map[string]*variable
	depth  int // macro expansion depth
}

// ctx is what an expression's value goes to.
type ctx struct {
	bound bool   // a precise variable: float arithmetic is allowed
	st    *stmt  // for messages
	why   string // the problem when float arithmetic is found while not bound
	decl  int    // the line of the variable concerned, for Problem.Decl
}

func (w *walker) push() { w.scopes = append(w.scopes, map[string]*variable{}) }
func (w *walker) pop()  { w.scopes = w.scopes[:len(w.scopes)-1] }

// declare adds v to the innermost scope. A second declaration in the same scope (the
// other branch of an #if) leaves the variable precise only if both are.
func (w *walker) declare(v *variable) {
	s := w.scopes[len(w.scopes)-1]
	if old, ok := s[v.name]; ok {
		if old.precise && !v.precise {
			old.precise, old.decl = false, v.decl
		}
		return
	}
	s[v.name] = v
}

func (w *walker) lookup(name string) *variable {
	for i := len(w.scopes) - 1; i >= 0; i-- {
		if v, ok := w.scopes[i][name]; ok {
			return v
		}
	}
	return w.c.globals[name]
}

func (w *walker) problem(line int, c ctx, msg string) {
	p := Problem{File: w.file.name, Line: line, Decl: c.decl, Msg: msg}
	if c.st != nil {
		p.Stmt = c.st.text
	}
	w.c.add(p)
}

func (w *walker) stmt(s *stmt) {
	if s == nil {
		return
	}
	switch s.kind {
	case sBlock:
		w.push()
		for _, k := range s.kids {
			w.stmt(k)
		}
		w.pop()
	case sDecl:
		for _, d := range s.decl.vars {
			t := s.decl.t
			if d.arr {
				t.arr = true
			}
			if d.init != nil {
				why := fmt.Sprintf("float arithmetic initializes %s, which is not precise", d.name)
				w.expr(d.init, ctx{bound: s.decl.precise, st: s, why: why, decl: d.tok.line})
			}
			w.declare(&variable{name: d.name, t: t, precise: s.decl.precise, decl: d.tok.line, kind: local})
		}
	case sExpr:
		w.expr(s.exprs[0], ctx{st: s, why: "float arithmetic not bound to a precise variable"})
	case sIf, sWhile, sDo, sSwitch:
		w.expr(s.exprs[0], ctx{st: s, why: "float arithmetic in a condition: bind it to a precise variable first"})
		for _, k := range s.kids {
			w.stmt(k)
		}
	case sFor:
		w.push()
		w.stmt(s.kids[0])
		for _, e := range s.exprs {
			if e != nil {
				w.expr(e, ctx{st: s, why: "float arithmetic not bound to a precise variable"})
			}
		}
		w.stmt(s.kids[1])
		w.pop()
	case sReturn:
		if len(s.exprs) > 0 {
			w.expr(s.exprs[0], ctx{st: s, why: "float arithmetic in a return: bind the result to a precise local and return that"})
		}
	case sPrecise:
		if v := w.lookup(s.exprs[0].op); v != nil {
			v.precise = true
		}
	}
}

var arithOps = map[string]bool{"+": true, "-": true, "*": true, "/": true}

// arithCalls are the contract's arithmetic as functions (internal/f32's f32.glsl): a
// call is float arithmetic, as the operator it stands for is, whether the function
// flushes explicitly or is the plain operator (a macro) in the variant compiled.
var arithCalls = map[string]bool{"f32_add": true, "f32_sub": true, "f32_mul": true}

// expr checks e, whose value goes where c says.
func (w *walker) expr(e *node, c ctx) {
	if e == nil {
		return
	}
	switch e.kind {
	case nBinary:
		if arithOps[e.op] {
			t := w.typeOf(e)
			if !t.isInt() {
				if !c.bound {
					why := c.why
					if t.base == "" {
						why += " (operands of unknown type count as float)"
					}
					w.problem(e.tok.line, c, why)
				}
				if e.op == "/" && t.isFloat() {
					w.problem(e.tok.line, ctx{st: c.st}, "float division: the contract's update uses +, - and * only")
				}
				w.operands(e.kids[0], c)
				w.operands(e.kids[1], c)
			}
		}
	case nAssign:
		target, value := e.kids[0], e.kids[1]
		w.lvalue(target, c)
		root := w.root(target)
		sub := ctx{bound: root != nil && root.precise, st: c.st}
		if !sub.bound {
			name := "its target"
			if root != nil {
				name = root.name
				sub.decl = root.decl
			}
			sub.why = fmt.Sprintf("float arithmetic assigned to %s, which is not precise", name)
			if root != nil && root.kind == local {
				sub.why += fmt.Sprintf(" (declared at line %d)", root.decl)
			}
		}
		if op := strings.TrimSuffix(e.op, "="); arithOps[op] && !w.typeOf(target).isInt() {
			if !sub.bound {
				w.problem(e.tok.line, sub, sub.why)
			}
			w.operands(value, c)
			if op == "/" {
				w.problem(e.tok.line, ctx{st: c.st}, "float division: the contract's update uses +, - and * only")
			}
		}
		w.expr(value, sub)
		return
	case nUnary, nPostfix:
		if e.op == "++" || e.op == "--" {
			if !w.typeOf(e.kids[0]).isInt() {
				root := w.root(e.kids[0])
				if root == nil || !root.precise {
					sub := ctx{st: c.st}
					name := "its operand"
					if root != nil {
						name, sub.decl = root.name, root.decl
					}
					w.problem(e.tok.line, sub, fmt.Sprintf("float %s on %s, which is not precise", e.op, name))
				}
			}
			w.lvalue(e.kids[0], c)
			return
		}
	case nIndex:
		w.expr(e.kids[0], c)
		w.expr(e.kids[1], ctx{bound: true, st: c.st}) // an index is integer arithmetic
		return
	case nCall:
		if arithCalls[e.op] {
			if !c.bound {
				w.problem(e.tok.line, c, c.why)
			}
			for _, a := range e.kids {
				w.operands(a, c)
			}
			for _, k := range e.kids {
				w.expr(k, c)
			}
			return
		}
		if fn := w.c.funcs[e.op]; fn != nil {
			for i, a := range e.kids {
				if i < len(fn.arith) && fn.arith[i] {
					w.operands(a, c)
				}
			}
		}
		if e.op == "fma" {
			w.problem(e.tok.line, ctx{st: c.st}, "fma fuses a multiply and an add: the contract rounds each")
		}
		if m := w.c.macros[e.op]; m != nil && m.fnLike && w.c.funcs[e.op] == nil {
			w.macroUse(m, e, c)
		}
	case nIdent:
		if w.lookup(e.op) == nil {
			if m := w.c.macros[e.op]; m != nil && !m.fnLike {
				w.macroUse(m, e, c)
			}
		}
	}
	for _, k := range e.kids {
		w.expr(k, c)
	}
}

// lvalue checks the index expressions of an assignment's target.
func (w *walker) lvalue(e *node, c ctx) {
	switch e.kind {
	case nIndex:
		w.lvalue(e.kids[0], c)
		w.expr(e.kids[1], ctx{bound: true, st: c.st})
	case nField:
		w.lvalue(e.kids[0], c)
	}
}

// root is the variable an lvalue stores into.
func (w *walker) root(e *node) *variable {
	for {
		switch e.kind {
		case nIdent:
			return w.lookup(e.op)
		case nIndex, nField:
			e = e.kids[0]
		default:
			return nil
		}
	}
}

// operands checks the variables whose values e passes on unchanged into float
// arithmetic: a float local among them must be precise; a parameter among them marks
// its function's parameter as feeding float arithmetic.
func (w *walker) operands(e *node, c ctx) {
	switch e.kind {
	case nIdent:
		v := w.lookup(e.op)
		if v == nil || v.precise || !v.t.isFloat() {
			return
		}
		switch v.kind {
		case local:
			w.problem(e.tok.line, ctx{st: c.st, decl: v.decl},
				fmt.Sprintf("%s is an operand of float arithmetic but is declared without precise (line %d)", v.name, v.decl))
		case paramVar:
			if !v.fn.arith[v.param] {
				v.fn.arith[v.param] = true
				w.c.changed = true
			}
		}
	case nUnary:
		if e.op == "-" || e.op == "+" {
			w.operands(e.kids[0], c)
		}
	case nField, nIndex:
		w.operands(e.kids[0], c)
	case nTernary:
		w.operands(e.kids[1], c)
		w.operands(e.kids[2], c)
	case nComma:
		w.operands(e.kids[len(e.kids)-1], c)
	case nCall:
		if t, ok := builtinTypes[e.op]; ok && t.isFloat() {
			for _, k := range e.kids {
				w.operands(k, c)
			}
		}
	}
}

// macroUse checks a use of a macro: its body's float arithmetic counts as arithmetic
// at the use.
func (w *walker) macroUse(m *macro, e *node, c ctx) {
	if m.body == nil {
		if m.err != "" {
			w.problem(e.tok.line, ctx{st: c.st}, fmt.Sprintf("cannot read the body of the macro %s: %s", m.name, m.err))
		}
		return
	}
	if !c.bound && w.inMacro(m, e.kids, w.hasFloatArith, m.body) {
		w.problem(e.tok.line, c, c.why+fmt.Sprintf(" (in the macro %s)", m.name))
	}
}

// inMacro evaluates f(body) with the macro's parameters bound to the argument types.
func (w *walker) inMacro(m *macro, args []*node, f func(*node) bool, body *node) bool {
	if w.depth > 20 {
		return true // a macro that expands into itself: refuse
	}
	types := make([]typ, len(args))
	for i, a := range args {
		types[i] = w.typeOf(a)
	}
	w.push()
	w.depth++
	for i, p := range m.params {
		t := typ{}
		if i < len(types) {
			t = types[i]
		}
		w.declare(&variable{name: p, t: t, kind: macroParam})
	}
	r := f(body)
	w.depth--
	w.pop()
	return r
}

// hasFloatArith reports whether e holds float (or not surely integer) arithmetic outside
// index brackets.
func (w *walker) hasFloatArith(e *node) bool {
	switch e.kind {
	case nBinary:
		if arithOps[e.op] && !w.typeOf(e).isInt() {
			return true
		}
	case nAssign:
		if op := strings.TrimSuffix(e.op, "="); arithOps[op] && !w.typeOf(e.kids[0]).isInt() {
			return true
		}
	case nUnary, nPostfix:
		if (e.op == "++" || e.op == "--") && !w.typeOf(e.kids[0]).isInt() {
			return true
		}
	case nIndex:
		return w.hasFloatArith(e.kids[0])
	case nCall:
		if arithCalls[e.op] {
			return true
		}
		if m := w.c.macros[e.op]; m != nil && m.fnLike && m.body != nil && w.c.funcs[e.op] == nil && w.inMacro(m, e.kids, w.hasFloatArith, m.body) {
			return true
		}
	case nIdent:
		if m := w.c.macros[e.op]; m != nil && !m.fnLike && m.body != nil && w.lookup(e.op) == nil && w.inMacro(m, nil, w.hasFloatArith, m.body) {
			return true
		}
	}
	for _, k := range e.kids {
		if w.hasFloatArith(k) {
			return true
		}
	}
	return false
}
