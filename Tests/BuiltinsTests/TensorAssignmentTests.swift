import Testing

/// `t[...] = v`: in-place assignment into tensor selections, and its refusals.
@Suite struct TensorAssignmentTests {
    @Test(arguments: [
        ("let t = zeros(3)\nt[0] = 1\nprint(t.tolist())", ["[1.0, 0.0, 0.0]"]),
        ("let t = zeros(3)\nt[-1] = 2.5\nprint(t.tolist())", ["[0.0, 0.0, 2.5]"]),
        ("let t = zeros(2, 3)\nt[1] = [1, 2, 3]\nprint(t.tolist())", ["[[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]"]),
        ("let t = zeros(2, 3)\nt[:, 1] = 7\nprint(t.tolist())", ["[[0.0, 7.0, 0.0], [0.0, 7.0, 0.0]]"]),
        ("let t = zeros(2, 4)\nt[0, 1:3] = tensor([5.0, 6.0])\nprint(t.tolist())", ["[[0.0, 5.0, 6.0, 0.0], [0.0, 0.0, 0.0, 0.0]]"]),
        ("let t = zeros(2, 2)\nt[..., 0] = ones(2)\nprint(t.tolist())", ["[[1.0, 0.0], [1.0, 0.0]]"]),
        ("let t = arange(4)\nt[2] = 9\nprint(t.tolist())", ["[0, 1, 9, 3]"]),
        // A view made by indexing shares storage, as in PyTorch
        ("let t = zeros(2, 2)\nlet row = t[0]\nrow[1] = 3\nprint(t.tolist())", ["[[0.0, 3.0], [0.0, 0.0]]"]),
        // Parameters may be written under no_grad, as weight initialisation does
        ("let w = zeros(2)\nw.requires_grad = true\nno_grad { w[0] = 4 }\nprint(w.tolist())", ["[4.0, 0.0]"]),
    ])
    func assigns(source: String, expected: [String]) {
        #expect(ScriptRunner.lines(source) == expected)
    }

    @Test(arguments: [
        ("let w = zeros(2)\nw.requires_grad = true\nw[0] = 1", "requires grad"),
        ("let t = zeros(2, 3)\nt[0] = [1, 2]", "shape"),
        ("let t = zeros(2)\nt[0] = \"x\"", "cannot assign a string"),
        ("let t = zeros(2)\nt[5] = 1", "out of range"),
    ])
    func refuses(source: String, fragment: String) {
        let outcome = ScriptRunner.run(source)
        #expect(outcome.error?.contains(fragment) == true, "\(outcome.error ?? "no error")")
    }
}
