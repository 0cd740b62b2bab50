// The syntax tree the parser builds and the walk reads: types, expressions,
// statements, declarations and functions.

package glslcheck

import (
	"fmt"
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
