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
