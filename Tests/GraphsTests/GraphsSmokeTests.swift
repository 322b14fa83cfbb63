import Testing
@testable import Graphs

@Test func graphsModuleLinks() {
    #expect(String(describing: GraphsModule.self) == "GraphsModule")
}
