package glslcheck

// Built-in variables of compute shaders and the subgroup extensions.
var builtinVars = map[string]typ{
	"gl_GlobalInvocationID": {base: "uint", n: 3}, "gl_LocalInvocationID": {base: "uint", n: 3},
	"gl_WorkGroupID": {base: "uint", n: 3}, "gl_NumWorkGroups": {base: "uint", n: 3},
	"gl_WorkGroupSize": {base: "uint", n: 3}, "gl_LocalInvocationIndex": {base: "uint", n: 1},
	"gl_SubGroupInvocationARB": {base: "uint", n: 1}, "gl_SubGroupSizeARB": {base: "uint", n: 1},
	"gl_SubGroupEqMaskARB": {base: "uint64", n: 1}, "gl_SubGroupGeMaskARB": {base: "uint64", n: 1},
	"gl_SubGroupGtMaskARB": {base: "uint64", n: 1}, "gl_SubGroupLeMaskARB": {base: "uint64", n: 1},
	"gl_SubGroupLtMaskARB":    {base: "uint64", n: 1},
	"gl_SubgroupInvocationID": {base: "uint", n: 1}, "gl_SubgroupSize": {base: "uint", n: 1},
}

// Built-in functions whose result has the type of their first argument.
var sameAsFirst = map[string]bool{}

// Built-in functions of a fixed result type.
var builtinFuncs = map[string]typ{
	"uintBitsToFloat": {base: "float", n: 1}, "intBitsToFloat": {base: "float", n: 1},
	"floatBitsToUint": {base: "uint", n: 1}, "floatBitsToInt": {base: "int", n: 1},
	"bitCount": {base: "int", n: 1}, "findLSB": {base: "int", n: 1}, "findMSB": {base: "int", n: 1},
	"ballotARB": {base: "uint64", n: 1}, "unpackUint2x32": {base: "uint", n: 2}, "packUint2x32": {base: "uint64", n: 1},
	"uaddCarry": {base: "uint", n: 1}, "usubBorrow": {base: "uint", n: 1},
	"umulExtended": {base: "void"}, "imulExtended": {base: "void"},
	"length": {base: "float", n: 1}, "distance": {base: "float", n: 1}, "dot": {base: "float", n: 1},
	"any": {base: "bool", n: 1}, "all": {base: "bool", n: 1}, "isnan": {base: "bool", n: 1}, "isinf": {base: "bool", n: 1},
	".length": {base: "int", n: 1},
	"barrier": {base: "void"}, "memoryBarrier": {base: "void"}, "memoryBarrierBuffer": {base: "void"},
	"memoryBarrierShared": {base: "void"}, "groupMemoryBarrier": {base: "void"},
}

func init() {
	for _, f := range []string{"abs", "sign", "floor", "ceil", "trunc", "round", "roundEven", "fract", "mod",
		"min", "max", "clamp", "mix", "step", "smoothstep", "sqrt", "inversesqrt", "exp", "exp2", "log", "log2",
		"pow", "sin", "cos", "tan", "asin", "acos", "atan", "radians", "degrees", "normalize", "fma",
		"atomicAdd", "atomicMin", "atomicMax", "atomicAnd", "atomicOr", "atomicXor", "atomicExchange", "atomicCompSwap",
		"readInvocationARB", "readFirstInvocationARB", "subgroupBroadcast", "subgroupBroadcastFirst",
		"bitfieldExtract", "bitfieldInsert", "bitfieldReverse"} {
		sameAsFirst[f] = true
	}
}

// arith is the type of a op b for an arithmetic operator: float if either is, integer
// if both are, unknown otherwise.
func arith(a, b typ) typ {
	n := max(a.n, b.n, 1)
	switch {
	case a.isFloat():
		return typ{base: a.base, n: n}
	case b.isFloat():
		return typ{base: b.base, n: n}
	case a.isInt() && b.isInt():
		return typ{base: a.base, n: n}
	}
	return typ{}
}

// typeOf is the type of e, or typ{} when the lint cannot tell.
func (w *walker) typeOf(e *node) typ {
	switch e.kind {
	case nNumber:
		return literalType(e.op)
	case nIdent:
		if e.op == "true" || e.op == "false" {
			return typ{base: "bool", n: 1}
		}
		if v := w.lookup(e.op); v != nil {
			return v.t
		}
		if m := w.c.macros[e.op]; m != nil && !m.fnLike && m.body != nil {
			var t typ
			w.inMacro(m, nil, func(b *node) bool { t = w.typeOf(b); return false }, m.body)
			return t
		}
		return builtinVars[e.op]
	case nUnary:
		if e.op == "!" {
			return typ{base: "bool", n: 1}
		}
		return w.typeOf(e.kids[0])
	case nPostfix, nAssign:
		return w.typeOf(e.kids[0])
	case nBinary:
		switch e.op {
		case "+", "-", "*", "/", "%":
			return arith(w.typeOf(e.kids[0]), w.typeOf(e.kids[1]))
		case "<<", ">>", "&", "|", "^":
			if t := w.typeOf(e.kids[0]); t.base != "" {
				return t
			}
			return w.typeOf(e.kids[1])
		}
		return typ{base: "bool", n: 1}
	case nTernary:
		a, b := w.typeOf(e.kids[1]), w.typeOf(e.kids[2])
		if b.isFloat() || a.base == "" {
			return b
		}
		return a
	case nComma:
		return w.typeOf(e.kids[len(e.kids)-1])
	case nIndex:
		t := w.typeOf(e.kids[0])
		if t.arr {
			t.arr = false
			return t
		}
		if t.isFloat() || t.isInt() {
			return typ{base: t.base, n: 1}
		}
		return typ{}
	case nField:
		t := w.typeOf(e.kids[0])
		if m, ok := w.c.structs[t.base]; ok && !t.arr {
			return m[e.op]
		}
		if (t.isFloat() || t.isInt()) && !t.arr {
			return typ{base: t.base, n: len(e.op)} // a swizzle
		}
		return typ{}
	case nCall:
		return w.callType(e)
	}
	return typ{}
}

func (w *walker) callType(e *node) typ {
	if t, ok := builtinTypes[e.op]; ok {
		return t
	}
	if _, ok := w.c.structs[e.op]; ok {
		return typ{base: e.op, n: 1}
	}
	if fn := w.c.funcs[e.op]; fn != nil {
		return fn.ret
	}
	if m := w.c.macros[e.op]; m != nil && m.fnLike && m.body != nil {
		var t typ
		w.inMacro(m, e.kids, func(b *node) bool { t = w.typeOf(b); return false }, m.body)
		return t
	}
	if sameAsFirst[e.op] && len(e.kids) > 0 {
		return w.typeOf(e.kids[0])
	}
	return builtinFuncs[e.op]
}
