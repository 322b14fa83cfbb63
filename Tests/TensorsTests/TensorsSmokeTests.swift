import Testing
@testable import Tensors

@Test func tensorsModuleLinks() {
    #expect(String(describing: TensorsModule.self) == "TensorsModule")
}
