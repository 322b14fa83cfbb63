import Tensors
import TestSupport
import Testing

/// Every case of the core and fused tables, checked against finite differences.
let allGradcheckCases = CoreGradcheckCases.cases + FusedGradcheckCases.cases

@Test(arguments: allGradcheckCases)
func gradientMatchesFiniteDifferences(_ testCase: GradcheckCase) throws {
    let spec = try #require(OpRegistry.op(named: testCase.op), "no op named \(testCase.op)")
    let result = try Gradcheck.run(testCase, spec: spec)
    #expect(result.compared > 0)
    #expect(result.failures.isEmpty, "\(testCase): \(result.failures.prefix(4))")
}

@Test func everyDifferentiableOpHasAGradcheckCase() {
    let covered = Set(allGradcheckCases.map(\.op))
    let uncovered = OpRegistry.all.filter { $0.isDifferentiable && !covered.contains($0.name) }
    #expect(uncovered.isEmpty, "ops without a gradcheck case: \(uncovered.map(\.name))")
}

@Test func opNamesAreUnique() {
    let names = OpRegistry.all.map(\.name)
    #expect(Set(names).count == names.count)
}
