import Testing

/// The tensor vocabulary of LANGUAGE.md, exercised through scripts.
@Suite struct TensorVocabularyTests {
    @Test(arguments: [
        // Creation
        ("print(zeros([2, 3]).shape)", ["[2, 3]"]),
        ("print(zeros(2, 3).shape)", ["[2, 3]"]),
        ("print(ones([2]).tolist())", ["[1.0, 1.0]"]),
        ("print(tensor([[1, 2], [3, 4]]).dtype)", ["int64"]),
        ("print(tensor([1.5, 2]).dtype)", ["float32"]),
        ("print(tensor([1, 2], dtype: \"float32\").tolist())", ["[1.0, 2.0]"]),
        ("print(tensor(3.5).shape)", ["[]"]),
        ("print(arange(4).tolist())", ["[0, 1, 2, 3]"]),
        ("print(arange(1, 2, step: 0.25).tolist())", ["[1.0, 1.25, 1.5, 1.75]"]),
        ("print(randn([3, 4], seed: 7).shape)", ["[3, 4]"]),
        ("print(randn([5], seed: 1).tolist() == randn([5], seed: 1).tolist())", ["true"]),
        ("print(cat([ones([1, 2]), zeros([2, 2])]).shape)", ["[3, 2]"]),
        ("print(cat([ones([2, 1]), zeros([2, 2])], dim: 1).shape)", ["[2, 3]"]),
        ("print(stack([ones([2]), zeros([2])]).tolist())", ["[[1.0, 1.0], [0.0, 0.0]]"]),
        // Arithmetic with broadcasting; a number with a tensor is a tensor
        ("let a = tensor([1.0, 2.0])\nprint((a + 1).tolist())", ["[2.0, 3.0]"]),
        ("let a = tensor([1.0, 2.0])\nprint((10 - a).tolist())", ["[9.0, 8.0]"]),
        (
            "let a = tensor([[1.0], [2.0]])\nprint((a * tensor([1.0, 10.0])).tolist())",
            ["[[1.0, 10.0], [2.0, 20.0]]"]
        ),
        ("print((tensor([3.0, 6.0]) / 3).tolist())", ["[1.0, 2.0]"]),
        ("print((tensor([2.0, 3.0]) ** 2).tolist())", ["[4.0, 9.0]"]),
        ("print((-tensor([1.0, -2.0])).tolist())", ["[-1.0, 2.0]"]),
        (
            "print((tensor([[1.0, 2.0], [3.0, 4.0]]) @ tensor([[1.0], [1.0]])).tolist())",
            ["[[3.0], [7.0]]"]
        ),
        ("let t = randn([2, 3], seed: 0)\nprint((t @ t.T).shape)", ["[2, 2]"]),
        // Integer tensors compute in float32 and stay integral where PyTorch keeps them so
        ("print((arange(4) * 2).tolist())", ["[0, 2, 4, 6]"]),
        ("print((arange(4) / 2).tolist())", ["[0.0, 0.5, 1.0, 1.5]"]),
        ("print((arange(3) + 0.5).dtype)", ["float32"]),
        ("print(arange(4).sum().item())", ["6"]),
        ("print(arange(4).mean().item())", ["1.5"]),
        ("print((-arange(3)).tolist())", ["[0, -1, -2]"]),
        ("print(tensor([0, 1]).exp().dtype)", ["float32"]),
        ("print((arange(6) // 4).tolist())", ["[0, 0, 0, 0, 1, 1]"]),
        ("print((tensor([-3.0, 5.0]) % 4).tolist())", ["[1.0, 1.0]"]),
        ("print(tensor([-2.0, 0.5, 3.0]).clamp(min: 0, max: 1).tolist())", ["[0.0, 0.5, 1.0]"]),
        ("print(tensor([0.0]).cos().item())", ["1.0"]),
        // Comparisons are elementwise
        ("print((tensor([1.0, 2.0, 3.0]) > 1.5).tolist())", ["[0.0, 1.0, 1.0]"]),
        ("print((arange(3) == 1).tolist())", ["[0.0, 1.0, 0.0]"]),
        // Printing as PyTorch
        ("print(tensor([[1, 2], [3, 4]]))", ["tensor([[1, 2],", "        [3, 4]])"]),
        ("print(tensor([1.5, -2.0]))", ["tensor([ 1.5000, -2.0000])"]),
        // Indexing and slicing
        ("let t = arange(12).reshape([3, 4])\nprint(t[0].tolist())", ["[0, 1, 2, 3]"]),
        ("let t = arange(12).reshape([3, 4])\nprint(t[-1].tolist())", ["[8, 9, 10, 11]"]),
        ("let t = arange(12).reshape([3, 4])\nprint(t[0, 1:3].tolist())", ["[1, 2]"]),
        ("let t = arange(12).reshape([3, 4])\nprint(t[:, -1].tolist())", ["[3, 7, 11]"]),
        (
            "let t = arange(24).reshape([2, 3, 4])\nprint(t[..., 0].tolist())",
            ["[[0, 4, 8], [12, 16, 20]]"]
        ),
        ("let t = arange(12).reshape([3, 4])\nprint(t[1, 2].item())", ["6"]),
        ("let t = arange(10)\nprint(t[1:8:3].tolist())", ["[1, 4, 7]"]),
        // Properties
        ("let t = zeros([2, 3])\nprint(t.T.shape)", ["[3, 2]"]),
        ("print(zeros([2, 3]).ndim)", ["2"]),
        ("let t = ones([2])\nprint(t.requires_grad)", ["false"]),
        ("let t = ones([2])\nt.requires_grad = true\nprint(t.requires_grad)", ["true"]),
        ("print(ones([2]).requires_grad_().requires_grad)", ["true"]),
        // Reductions and functions
        ("let t = tensor([[1.0, 2.0], [3.0, 4.0]])\nprint(t.sum().item())", ["10.0"]),
        ("let t = tensor([[1.0, 2.0], [3.0, 4.0]])\nprint(t.sum(dim: 1).tolist())", ["[3.0, 7.0]"]),
        (
            "let t = tensor([[1.0, 2.0], [3.0, 4.0]])\nprint(t.sum(dim: 0, keepdim: true).shape)",
            ["[1, 2]"]
        ),
        ("let t = tensor([[1.0, 2.0], [3.0, 4.0]])\nprint(t.mean().item())", ["2.5"]),
        ("let t = tensor([[1.0, 5.0], [3.0, 4.0]])\nprint(t.max(dim: 1).tolist())", ["[5.0, 4.0]"]),
        ("print(tensor([1.0, 1.0]).softmax(dim: 0).tolist())", ["[0.5, 0.5]"]),
        ("print(round(tensor([0.0, 0.0]).log_softmax(dim: 0)[0].item(), 4))", ["-0.6931"]),
        ("print(tensor([-1.0, 2.0]).relu().tolist())", ["[0.0, 2.0]"]),
        ("print(tensor([0.0]).sigmoid().item())", ["0.5"]),
        ("print(tensor([0.0]).exp().item())", ["1.0"]),
        ("print(tensor([4.0]).sqrt().item())", ["2.0"]),
        ("print(tensor([0.0]).tanh().item())", ["0.0"]),
        ("print(tensor([0.0]).silu().item())", ["0.0"]),
        ("print(tensor([1.0]).log().item())", ["0.0"]),
        ("print(arange(6).view([2, 3]).transpose(0, 1).shape)", ["[3, 2]"]),
        ("print(zeros([2, 3, 4]).permute([2, 0, 1]).shape)", ["[4, 2, 3]"]),
        ("print(zeros([2, 3]).reshape(3, -1).shape)", ["[3, 2]"]),
        ("print(len(zeros([5, 2])))", ["5"]),
        ("var n = 0\nfor row in zeros([3, 2]) { n += row.shape[0] }\nprint(n)", ["6"]),
        // Autograd
        (
            "let x = tensor([1.0, 2.0, 3.0], requires_grad: true)\nlet y = (x * x).sum()\ny.backward()\nprint(x.grad.tolist())",
            ["[2.0, 4.0, 6.0]"]
        ),
        ("let x = tensor([1.0], requires_grad: true)\nprint(x.detach().requires_grad)", ["false"]),
        (
            "let x = tensor([1.0], requires_grad: true)\nlet y = no_grad { x * 2 }\nprint(y.requires_grad)",
            ["false"]
        ),
        ("let x = tensor([1.0], requires_grad: true)\nprint((x * 2).requires_grad)", ["true"]),
    ])
    func script(_ source: String, _ expected: [String]) {
        #expect(ScriptRunner.lines(source) == expected, "\(source)")
    }

    @Test(arguments: [
        ("zeros(\"x\")", "bad argument 'shape' to 'zeros' (list of ints expected, got string)"),
        ("zeros([2, \"a\"])", "bad argument 'shape' to 'zeros' (list of ints expected, got list)"),
        ("randn([2], seed: \"s\")", "bad argument 'seed' to 'randn' (int expected, got string)"),
        ("cat([1, 2])", "bad argument 'tensors' to 'cat' (list of tensors expected, got list)"),
        (
            "tensor([[1, 2], [3]])",
            "tensor: ragged nested list (expected 2 elements at depth 1, got a list of 1)"
        ),
        ("tensor([\"a\"])", "tensor: expected numbers in nested lists, got string"),
        (
            "zeros([2]).to(\"float64\")",
            "bad argument 'dtype' to 'to' (one of float32, float16, bfloat16, int64, int32 expected, got 'float64')"
        ),
        ("zeros([2, 3]) @ zeros([2, 3])", "matmul: shape mismatch: [2, 3] and [2, 3]"),
        ("zeros([2])[0, 0]", "too many indices for a tensor of dimension 1 (got 2)"),
        ("zeros([2])[5]", "select: index 5 is out of range for size 2"),
        ("zeros([2, 2]).item()", "item: expected a tensor with one element, got shape [2, 2]"),
    ])
    func errors(_ source: String, _ message: String) {
        #expect(ScriptRunner.run(source).error == message, "\(source)")
    }

    @Test func tensorErrorsPointAtTheUsersLine() {
        let outcome = ScriptRunner.run("let a = ones([2])\nfn f(x) {\n    x @ zeros([3, 3])\n}\nf(a)\n")
        #expect(outcome.located == "3:5: matmul: shape mismatch: [2] and [3, 3]")
    }
}
