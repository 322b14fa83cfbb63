import Testing
@testable import Models

@Test func modelsModuleLinks() {
    #expect(String(describing: ModelsModule.self) == "ModelsModule")
}
