import Testing
@testable import REPL

@Test func replModuleLinks() {
    #expect(String(describing: REPLModule.self) == "REPLModule")
}
