// Package glslcheck is a lint for the GLSL of the update path: every float operation
// (+, -, *, /) must be bound to a `precise` variable, so that no compiler may fuse a*b+c
// into one FMA and the GPU keeps the CPU's bits (DESIGN.md, "Bit-exactness").
//
// # Rules
//
// The lint reads the files with a small scanner and a recursive-descent parser of the
// GLSL it needs (declarations, statements, expressions; preprocessor lines are
// skipped, so every branch of an #if is read as if it were compiled). It tracks the
// declared type of every global, block member, struct field, function parameter and
// local, and types each expression from them, and then requires:
//
//   - a declaration whose initializer holds float arithmetic declares a precise
//     variable;
//   - an assignment X = expr whose expr holds float arithmetic, and every X op= expr,
//     X++ and X-- on a float X, assigns to a precise X;
//   - float arithmetic appears nowhere else: not in a return (bind the result to a
//     precise local and return that), a condition, a call's argument or a statement of
//     its own;
//   - a float local that is an operand of float arithmetic, directly or through a
//     parameter of a function that uses it so, is precise ("every value on the update
//     path": with this rule, removing any one precise of the shaders fails the lint);
//   - no fma() and no float division: the contract's update uses +, - and * only.
//   - a call of f32_add, f32_sub or f32_mul (internal/f32's GLSL: the contract's
//     arithmetic with its flush to zero) counts as the operator it stands for.
//
// Integer arithmetic (operands of int, uint, their vectors, bool, or 64-bit integers)
// and everything inside the brackets of an index is exempt. An operation whose operand
// types the lint cannot tell (an identifier it does not know, a macro the includer
// defines, an unknown function) counts as float: the lint errs on the side of failing.
// Function-like and object-like macros defined in the files are expanded for types,
// and a macro whose body holds float arithmetic counts as that arithmetic at each use.
//
// Functions and globals of all the files given to [Check] are visible in all of them,
// as when gpu pastes internal/rng's GLSL into shaders/lif.comp.
//
// # Limits
//
// The lint reads every preprocessor branch at once: a variable declared twice (in an
// #if and its #else) is precise only if both declarations are. Arithmetic inside a
// precise variable's initializer or right-hand side is accepted wherever it sits in
// it, also inside a call's arguments (the GLSL rule: operations contributing to a
// precise variable's value). Array constructors, initializer lists and the bodies of
// macros are not checked for operands that lack precise. It is a lint for the shaders
// of this module, not a GLSL compiler: it refuses (as a problem) what it cannot parse.
package glslcheck

import (
	"fmt"
	"sort"
	"strings"
)

// File is one GLSL source and the name that messages give it.
type File struct {
	Name, Src string
}

// Problem is one place where the lint fails.
type Problem struct {
	File string
	Line int    // the line of the operation
	Decl int    // the line that declares the variable concerned without precise, or 0
	Stmt string // the statement, white space collapsed
	Msg  string
}

func (p Problem) String() string {
	if p.Stmt == "" {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: `%s`", p.File, p.Line, p.Msg, p.Stmt)
}

// At reports whether p is about line of file: where the operation is, or where the
// variable concerned is declared without precise.
func (p Problem) At(file string, line int) bool {
	return p.File == file && (p.Line == line || p.Decl == line)
}

// Check checks the files together and returns the problems, in the files' order and
// then by line.
func Check(files ...File) []Problem {
	c := &checker{
		structs: map[string]map[string]typ{},
		globals: map[string]*variable{},
		funcs:   map[string]*function{},
		macros:  map[string]*macro{},
		seen:    map[string]bool{},
	}
	c.read(files)
	// Which parameters feed float arithmetic, through calls too: iterate to a fixed
	// point, then report.
	for range 100 {
		c.changed = false
		c.walk()
		if !c.changed {
			break
		}
	}
	c.report = true
	c.walk()
	order := map[string]int{}
	for i, f := range files {
		order[f.Name] = i
	}
	sort.SliceStable(c.problems, func(i, j int) bool {
		a, b := c.problems[i], c.problems[j]
		if a.File != b.File {
			return order[a.File] < order[b.File]
		}
		return a.Line < b.Line
	})
	return c.problems
}

// Mutant is a source with one `precise` removed.
type Mutant struct {
	Line int // where the precise was
	Src  string
}

// Mutants returns src once for each precise in its code (not in comments or
// preprocessor lines), with that one removed: the lint must fail on every one.
func Mutants(src string) []Mutant {
	code, _, err := scan(src)
	if err != nil {
		return nil
	}
	var out []Mutant
	for _, t := range code {
		if t.kind == tIdent && t.text == "precise" {
			end := t.end
			for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
				end++
			}
			out = append(out, Mutant{Line: t.line, Src: src[:t.off] + src[end:]})
		}
	}
	return out
}

type varKind int

const (
	local varKind = iota
	paramVar
	global
	macroParam
)

type variable struct {
	name    string
	t       typ
	precise bool
	decl    int // line of the declaration (the first one without precise, if any)
	kind    varKind
	param   int       // paramVar: its index in fn.params
	fn      *function // paramVar
}

type file struct {
	name, src string
	funcs     []*function
}

type macro struct {
	name   string
	fnLike bool
	params []string
	body   *node // nil: empty or not an expression
	err    string
}

type globalInit struct {
	file *file
	v    *variable
	init *node
	text string
}

type checker struct {
	files       []*file
	structs     map[string]map[string]typ
	globals     map[string]*variable
	funcs       map[string]*function
	macros      map[string]*macro
	globalInits []globalInit
	problems    []Problem
	seen        map[string]bool
	report      bool
	changed     bool
}

func (c *checker) add(p Problem) {
	key := fmt.Sprint(p.File, p.Line, p.Msg)
	if c.report && !c.seen[key] {
		c.seen[key] = true
		c.problems = append(c.problems, p)
	}
}

// read scans and parses the files: macros and struct names first (from every file),
// then each file's declarations.
func (c *checker) read(files []File) {
	type scanned struct {
		f    *file
		code []token
	}
	var all []scanned
	for _, in := range files {
		f := &file{name: in.Name, src: in.Src}
		c.files = append(c.files, f)
		code, dirs, err := scan(in.Src)
		if err != nil {
			c.report = true
			c.add(Problem{File: f.name, Msg: "cannot scan: " + err.Error()})
			c.report = false
			continue
		}
		for _, d := range dirs {
			c.define(d)
		}
		for i := 0; i+2 < len(code); i++ {
			if code[i].text == "struct" && code[i+1].kind == tIdent {
				c.structs[code[i+1].text] = map[string]typ{}
			}
		}
		all = append(all, scanned{f, code})
	}
	for _, s := range all {
		p := &parser{f: s.f, toks: s.code, structs: c.structs}
		func() {
			defer func() {
				if r := recover(); r != nil {
					pe, ok := r.(*parseError)
					if !ok {
						panic(r)
					}
					c.report = true
					c.add(Problem{File: s.f.name, Line: pe.line, Msg: "cannot parse (the lint reads a subset of GLSL): " + pe.msg})
					c.report = false
				}
			}()
			p.topLevel(c)
		}()
	}
}

// define records a #define whose body may be typed as an expression.
func (c *checker) define(d token) {
	text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d.text), "#"))
	rest, ok := strings.CutPrefix(text, "define")
	if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return
	}
	rest = strings.TrimLeft(rest, " \t")
	i := 0
	for i < len(rest) && isIdentChar(rest[i]) {
		i++
	}
	m := &macro{name: rest[:i]}
	rest = rest[i:]
	if strings.HasPrefix(rest, "(") {
		j := strings.Index(rest, ")")
		if j < 0 {
			return
		}
		m.fnLike = true
		for _, p := range strings.Split(rest[1:j], ",") {
			if p = strings.TrimSpace(p); p != "" {
				m.params = append(m.params, p)
			}
		}
		rest = rest[j+1:]
	}
	if strings.TrimSpace(rest) != "" {
		m.body, m.err = parseMacroBody(rest, c.structs)
	}
	c.macros[m.name] = m
}

func parseMacroBody(body string, structs map[string]map[string]typ) (e *node, msg string) {
	code, _, err := scan(body)
	if err != nil {
		return nil, err.Error()
	}
	p := &parser{f: &file{src: body}, toks: code, structs: structs}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*parseError)
			if !ok {
				panic(r)
			}
			e, msg = nil, pe.msg
		}
	}()
	e = p.expression()
	if p.peek().kind != tEOF {
		return nil, fmt.Sprintf("%v after the expression", p.peek())
	}
	return e, ""
}

// walk checks every function body and global initializer.
func (c *checker) walk() {
	for _, g := range c.globalInits {
		w := &walker{c: c, file: g.file}
		why := fmt.Sprintf("float arithmetic in the initializer of the global %s: compute it on the host", g.v.name)
		w.expr(g.init, ctx{bound: false, st: &stmt{text: g.text}, why: why})
	}
	for _, f := range c.files {
		for _, fn := range f.funcs {
			w := &walker{c: c, file: f, fn: fn}
			w.push()
			for i, p := range fn.params {
				if p.name != "" {
					w.declare(&variable{name: p.name, t: p.t, precise: p.precise, kind: paramVar, param: i, fn: fn})
				}
			}
			w.stmt(fn.body)
			w.pop()
		}
	}
}

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
