#version 430 core
// view.vert: a quad that covers the viewport, drawn as a triangle strip of four
// vertices with no vertex buffer (internal/view sets the viewport to a panel's
// rectangle; view.frag works from gl_FragCoord).

void main() {
	vec2 p = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
	gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
