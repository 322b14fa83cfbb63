import Testing
@testable import Builtins

@Test func builtinsModuleLinks() {
    #expect(String(describing: BuiltinsModule.self) == "BuiltinsModule")
}
