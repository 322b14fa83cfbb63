import Testing
@testable import Language

@Test func languageModuleLinks() {
    #expect(String(describing: LanguageModule.self) == "LanguageModule")
}
