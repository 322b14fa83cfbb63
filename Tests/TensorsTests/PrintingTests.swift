import Testing

@testable import Tensors

@Test func printsLikePyTorch() throws {
    #expect(Tensor([1, 2, 3]).description == "tensor([1., 2., 3.])")
    #expect(Tensor([0.1, 2.5, -3]).description == "tensor([ 0.1000,  2.5000, -3.0000])")
    #expect(Tensor(3.5).description == "tensor(3.5000)")
    #expect(try Tensor(ids: [1, 20, 3]).description == "tensor([ 1, 20,  3])")
    #expect(try Tensor(ids: [1], dtype: .int32).description == "tensor([1], dtype=torch.int32)")
    #expect(Tensor([1e-5, 1]).description == "tensor([1.0000e-05, 1.0000e+00])")
    #expect(Tensor([]).description == "tensor([])")
    #expect(try Tensor([1, 2]).to(.bfloat16).description == "tensor([1., 2.], dtype=torch.bfloat16)")
    #expect(Tensor([.nan, 1, -.infinity]).description == "tensor([nan, 1., -inf])")
}

@Test func printsMatricesAndBlocks() throws {
    let matrix = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    #expect(matrix.description == "tensor([[1., 2.],\n        [3., 4.]])")
    let cube = try Tensor.arange(0, 8).reshape([2, 2, 2])
    #expect(
        cube.description
            == "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])")
}

@Test func printsGradientState() throws {
    let x = Tensor([1, 2])
    x.requiresGrad = true
    #expect(x.description == "tensor([1., 2.], requires_grad=True)")
    #expect(try (x * 2).description == "tensor([2., 4.], grad_fn=<mul>)")
}

@Test func summarisesLargeTensorsAndWrapsRows() throws {
    #expect(
        try Tensor.arange(0, 2000).description
            == "tensor([   0.,    1.,    2.,  ..., 1997., 1998., 1999.])")
    let wide = try Tensor.arange(0, 30).description
    #expect(
        wide == "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
            + "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
            + "        28., 29.])")
    let big = try Tensor.arange(0, 2000).reshape([40, 50]).description
    #expect(big.hasPrefix("tensor([[   0.,    1.,    2.,  ...,   47.,   48.,   49.],\n        [  50.,"))
    #expect(big.contains("\n        ...,\n"))
}
